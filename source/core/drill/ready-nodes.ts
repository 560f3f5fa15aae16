// `kubectl get nodes -o json` read as the set of node names whose Ready
// condition is True (what verify and the drill's refusal rule look at).
interface NodeList {
  readonly items?: ReadonlyArray<{
    readonly metadata?: {readonly name?: string};
    readonly status?: {
      readonly conditions?: ReadonlyArray<{readonly type?: string; readonly status?: string}>;
    };
  }>;
}

/** The Ready nodes' names; throws a plain Error when the text is not a node list. */
export const readyNodeNames = (json: string): Set<string> => {
  const list = JSON.parse(json) as NodeList | null;
  const items = list?.items;
  if (items === undefined || typeof items.filter !== 'function')
    throw new Error('kubectl get nodes -o json printed no node list');
  return new Set(
    items
      .filter((item) =>
        item.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      .map((item) => item.metadata?.name ?? '')
      .filter((name) => name !== ''),
  );
};
