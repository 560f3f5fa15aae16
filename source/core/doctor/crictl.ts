// `crictl ps -a` as a table: crictl prints it with Go's tabwriter, so every
// cell is followed by at least two spaces, and only CREATED ("2 minutes ago")
// has single spaces inside (fixtures/real/*crictl*). Works on lines that were
// piped through grep too (no header), as people paste them.

export interface Container {
  readonly id: string;
  readonly created: string;
  readonly state: string;
  readonly name: string;
  readonly attempt: number;
  /** The whole line, for evidence. */
  readonly line: string;
}

export const parseCrictlPs = (text: string): Container[] =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !line.startsWith('CONTAINER'))
    .flatMap((line) => {
      const [id, , created, state, name, attempt] = line.trim().split(/\s{2,}/);
      const count = Number(attempt);
      return id && created && state && name && Number.isInteger(count)
        ? [{id, created, state, name, attempt: count, line: line.replace(/\s{2,}/g, '  ')}]
        : [];
    });

/**
 * The newest container of `name`, if any: the first one listed, because crictl
 * sorts by creation time, newest first (cri-tools container.go,
 * containerByCreated). Not the highest ATTEMPT: ATTEMPT starts again at 0 in a
 * new pod (a changed static-pod manifest), while the old pod's Exited
 * container, with its higher count, stays listed until garbage collection.
 */
export const newest = (containers: readonly Container[], name: string): Container | undefined =>
  containers.find((container) => container.name === name);
