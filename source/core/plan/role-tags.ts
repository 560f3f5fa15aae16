// Tags that say what a machine is for (issue 12): a homelab that tagged its
// nodes `tag:k8s-control-plane` and `tag:k8s-worker` should find them in
// those roles on the first visit to Roles. Names are compared without the
// `tag:` prefix and case; the README lists them.
import type {Peer} from '../tailnet/types.js';
import {eligibility} from '../tailnet/eligibility.js';

export const controlPlaneTagNames: readonly string[] = [
  'control-plane',
  'controlplane',
  'k8s-control-plane',
  'k8s-controlplane',
  'k8s-cp',
  'k8s-master',
  'kube-control-plane',
  'kubernetes-control-plane',
];

export const workerTagNames: readonly string[] = [
  'worker',
  'k8s-worker',
  'k8s-node',
  'k8s-agent',
  'kube-worker',
  'kubernetes-worker',
];

const tagName = (tag: string) => tag.toLowerCase().replace(/^tag:/, '');

export type TaggedRole = 'control-plane' | 'worker' | undefined;

/** The role a peer's tags say; a control-plane tag wins over a worker tag. */
export const roleFromTags = (tags: readonly string[]): TaggedRole => {
  const names = tags.map(tagName);
  if (names.some((name) => controlPlaneTagNames.includes(name))) return 'control-plane';
  if (names.some((name) => workerTagNames.includes(name))) return 'worker';
  return undefined;
};

export interface TaggedRoles {
  /** Peer IDs in tailnet order; the first is the init node. */
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  /** The role tags that were found, for the line that says where the roles came from. */
  readonly tags: readonly string[];
}

/**
 * The roles the eligible peers' tags say, or undefined when none says one.
 * Peers that cannot be nodes are left out whatever their tags.
 */
export const rolesFromTags = (peers: readonly Peer[]): TaggedRoles | undefined => {
  const controlPlanes: string[] = [];
  const workers: string[] = [];
  const tags = new Set<string>();
  for (const peer of peers) {
    if (!eligibility(peer).eligible) continue;
    const role = roleFromTags(peer.tags);
    if (role === undefined) continue;
    (role === 'control-plane' ? controlPlanes : workers).push(peer.id);
    for (const tag of peer.tags) if (roleFromTags([tag]) === role) tags.add(tag);
  }
  return controlPlanes.length + workers.length === 0
    ? undefined
    : {controlPlanes, workers, tags: [...tags]};
};
