// The pure decisions of `ha-wizard reset` (issue 4, "Start over / reset"):
// in which order hosts are undone, which backup of a file is the one from
// before the first run, what to do with a file the wizard wrote, and the full
// list the user is asked about once.
import {vipRoute} from '../artifacts/vip.js';
import {healthGatePaths} from '../artifacts/health-gate.js';
import {controlPlanes, initNode} from '../plan/build.js';
import {isLanEndpoint} from '../plan/endpoint.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {changesOf, type RecordedChange} from '../run/changes.js';
import type {HostChange} from '../run/events.js';

export const containerdConfig = '/etc/containerd/config.toml';
export const lo1Files = {
  netdev: '/etc/systemd/network/lo1.netdev',
  network: '/etc/systemd/network/lo1.network',
} as const;

/**
 * Workers first, then the control planes in reverse join order, the init node
 * last: each control plane leaves etcd while the ones that joined before it
 * still hold quorum.
 */
export const resetOrder = (plan: Plan): PlanNode[] => {
  const init = initNode(plan);
  return [
    ...plan.nodes.filter((node) => node.role === 'worker'),
    ...controlPlanes(plan).slice(1).reverse(),
    ...(init ? [init] : []),
  ];
};

const backupPattern = /\.ha-wizard\.(\d{8}T\d{6}\.\d{3}Z)(?:\.(\d+))?\.bak$/;

/**
 * Backups of a file (`PATH.ha-wizard.<stamp>[.<n>].bak`, host/files.ts), oldest
 * first: by stamp, then by the counter a second backup in the same
 * millisecond gets. Names that are not such a backup of `path` are dropped.
 */
export const backupsOldestFirst = (path: string, names: readonly string[]): string[] =>
  names
    .flatMap((name) => {
      if (!name.startsWith(`${path}.ha-wizard.`)) return [];
      const match = backupPattern.exec(name.slice(path.length));
      return match ? [{name, stamp: match[1]!, n: Number(match[2] ?? 0)}] : [];
    })
    .sort((a, b) => (a.stamp === b.stamp ? a.n - b.n : a.stamp < b.stamp ? -1 : 1))
    .map((entry) => entry.name);

export type FileUndo =
  | {readonly action: 'none'; readonly note?: string}
  | {readonly action: 'remove'; readonly paths: readonly string[]}
  | {
      readonly action: 'restore';
      readonly path: string;
      readonly from: string;
      /** Later backups: of the wizard's own versions. */
      readonly remove: readonly string[];
    };

export interface FileFacts {
  readonly path: string;
  readonly exists: boolean;
  /** Oldest first (backupsOldestFirst). */
  readonly backups: readonly string[];
  /**
   * The saved run's record of this file: a change, `undefined` when the run
   * recorded changes but none for this file (the wizard did not write it), or
   * `'unknown'` when there is no record at all (older wizard, state lost).
   */
  readonly record: Extract<HostChange, {kind: 'file'}> | undefined | 'unknown';
  /** The file is the wizard's own (its name says so): without a record it is removed. */
  readonly owned: boolean;
}

/** What putting `path` back as it was before the first run takes; `none` once done. */
export const fileUndo = (facts: FileFacts): FileUndo => {
  const {path, exists, backups, record} = facts;
  const remove = (): FileUndo =>
    exists || backups.length > 0
      ? {action: 'remove', paths: [...(exists ? [path] : []), ...backups]}
      : {action: 'none'};
  const restore = (from: string): FileUndo => ({
    action: 'restore',
    path,
    from,
    remove: backups.slice(backups.indexOf(from) + 1),
  });
  if (record === undefined) return {action: 'none'};
  if (record === 'unknown') {
    if (facts.owned) return remove();
    if (backups.length > 0) return restore(backups[0]!);
    return exists
      ? {
          action: 'none',
          note: `${path} left as it is: no record of whether ha-wizard created it`,
        }
      : {action: 'none'};
  }
  if (record.previous === 'absent') return remove();
  const from =
    record.backupPath !== undefined && backups.includes(record.backupPath)
      ? record.backupPath
      : backups[0];
  return from === undefined ? {action: 'none'} : restore(from);
};

/** The record of one file on one host, in FileFacts' terms. */
export const fileRecord = (
  changes: readonly RecordedChange[] | undefined,
  host: string,
  path: string,
): FileFacts['record'] => {
  if (changes === undefined) return 'unknown';
  return changesOf(changes, host).find(
    (change): change is Extract<HostChange, {kind: 'file'}> =>
      change.kind === 'file' && change.path === path,
  );
};

export const hostRecords = (
  changes: readonly RecordedChange[] | undefined,
  host: string,
): HostChange[] | undefined => (changes === undefined ? undefined : changesOf(changes, host));

/** The full list, asked about once: per host, in the order it is undone. */
export const describeReset = (
  plan: Plan,
  changes: readonly RecordedChange[] | undefined,
): string[] => {
  const vip = vipRoute(plan.network.vip);
  const init = initNode(plan);
  const lines = resetOrder(plan).map((node) => {
    const records = hostRecords(changes, node.name);
    const has = (kind: HostChange['kind']) => records?.some((change) => change.kind === kind);
    const file = (path: string) => fileRecord(changes, node.name, path);
    const what: string[] = [];
    const cp = node.role === 'control-plane';
    const lan = isLanEndpoint(plan.network.endpoint);
    if (cp && plan.network.endpoint === 'keepalived-haproxy')
      what.push(
        'stop keepalived and haproxy where ha-wizard started them, put back or remove their configs (the packages stay installed)',
      );
    if (cp && plan.network.endpoint === 'kube-vip')
      what.push('remove the kube-vip manifest ha-wizard wrote (kube-vip stops and the VIP goes)');
    if (
      (cp && !lan) ||
      (records ?? []).some((c) => c.kind === 'file' && c.path === healthGatePaths.unit)
    )
      what.push('stop and remove the health gate');
    what.push('kubeadm reset -f');
    if (cp && !lan) {
      const routes = records?.find((c) => c.kind === 'advertise-routes');
      const others = routes?.kind === 'advertise-routes' ? routes.previous : undefined;
      what.push(
        `withdraw ${vip} from the advertised routes${others && others.length > 0 ? ` (keep ${others.join(', ')})` : ' (keep the others)'}`,
      );
      const networkd = records?.some(
        (change) => change.kind === 'file' && change.path === lo1Files.netdev,
      );
      what.push(
        has('nm-connection')
          ? 'delete the NetworkManager connection lo1'
          : networkd
            ? 'remove lo1 and its systemd-networkd files'
            : 'remove lo1 (its systemd-networkd files or NetworkManager connection)',
      );
    }
    if (records === undefined)
      what.push('accept-routes: left as it is (no record of its value before)');
    else if (records.some((change) => change.kind === 'accept-routes' && change.previous === false))
      what.push('accept-routes back off');
    const config = file(containerdConfig);
    if (config === 'unknown') what.push(`${containerdConfig}: put back its oldest backup, if any`);
    else if (config?.previous === 'absent') what.push(`remove ${containerdConfig} (it created it)`);
    else if (config?.previous === 'present')
      what.push(`put back ${containerdConfig} from ${config.backupPath ?? 'its backup'}`);
    const role = node.role === 'worker' ? 'worker' : node === init ? 'init node' : 'control plane';
    return `  ${node.name} (${role}): ${what.join('; ')}`;
  });
  return [
    `Reset cluster ${plan.clusterName}: undo what ha-wizard did on ${plan.nodes.length} host${plan.nodes.length === 1 ? '' : 's'}, in this order:`,
    ...lines,
    ...(changes === undefined
      ? [
          '  No record of the previous values (the saved run predates it or is gone): what ha-wizard recognises as its own is undone, the rest is named at the end.',
        ]
      : []),
  ];
};
