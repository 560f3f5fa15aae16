// Merging the cluster's admin.conf into the workstation's kubeconfig
// (DOMAIN.md phase 13) as entries named after the cluster. The user's
// current-context is kept when there is one: the summary says how to use ours.
import {isDeepStrictEqual} from 'node:util';
import {parse, stringify} from 'yaml';

type Named = {readonly name?: unknown} & Record<string, unknown>;
type Config = Record<string, unknown> & {
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
};

export interface KubeconfigMerge {
  /** The new file's text; undefined when the file already says all this. */
  readonly text: string | undefined;
  readonly context: string;
  /** The user's current context, left alone, when it is not ours. */
  readonly keptCurrentContext: string | undefined;
  /** Ours already existed with other contents (an older cluster): replaced. */
  readonly replaced: boolean;
}

const upsert = (list: Named[] | undefined, entry: Named): {list: Named[]; replaced: boolean} => {
  const items = [...(list ?? [])];
  const index = items.findIndex((item) => item.name === entry.name);
  if (index === -1) return {list: [...items, entry], replaced: false};
  const replaced = !isDeepStrictEqual(items[index], entry);
  items[index] = entry;
  return {list: items, replaced};
};

export const mergeKubeconfig = (
  existing: string | undefined,
  adminConf: string,
  name: string,
): KubeconfigMerge => {
  const admin = (parse(adminConf) ?? {}) as Config;
  const cluster = admin.clusters?.[0]?.['cluster'];
  const user = admin.users?.[0]?.['user'];
  if (cluster === undefined || user === undefined) {
    throw new Error('admin.conf has no cluster or user entry');
  }
  const before = ((existing === undefined ? undefined : parse(existing)) ?? {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
  }) as Config;
  const userName = `${name}-admin`;
  const clusters = upsert(before.clusters, {name, cluster});
  const users = upsert(before.users, {name: userName, user});
  const contexts = upsert(before.contexts, {name, context: {cluster: name, user: userName}});
  const current = before['current-context'];
  const after: Config = {
    ...before,
    clusters: clusters.list,
    users: users.list,
    contexts: contexts.list,
    'current-context': current ? current : name,
  };
  const unchanged = existing !== undefined && isDeepStrictEqual(before, after);
  return {
    text: unchanged ? undefined : stringify(after),
    context: name,
    keptCurrentContext: current && current !== name ? current : undefined,
    replaced: clusters.replaced || users.replaced || contexts.replaced,
  };
};
