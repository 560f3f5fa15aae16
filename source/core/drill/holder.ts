// Who holds the Tailscale VIP: the control plane the coordination server made
// the primary router of VIP/32, as the workstation's `tailscale status --json`
// shows it (PrimaryRoutes of the peers; a standby's advertisement is not
// visible to peers at all). The same reading as doctor's primary-apiserver
// check and the lab's vipPrimary().
import {vipRoute} from '../artifacts/vip.js';
import type {PlanNode} from '../plan/types.js';
import {nodeName} from '../tailnet/node-name.js';
import type {Tailnet} from '../tailnet/types.js';

/** Who holds an endpoint now (every endpoint kind answers in these terms). */
export type Holding =
  | {readonly kind: 'none'}
  /** Several control planes hold a LAN VIP at once (VRRP split brain): a failure, never a holder. */
  | {readonly kind: 'split'; readonly nodes: readonly PlanNode[]}
  /** A device routes the VIP that is not one of the plan's control planes (named as the tailnet names it). */
  | {readonly kind: 'stranger'; readonly name: string}
  | {readonly kind: 'node'; readonly node: PlanNode};

/** A holding for people: `cp1`, `no control plane`, `cp1 and cp2 at once (split brain)`. */
export const holdingText = (holding: Holding): string => {
  if (holding.kind === 'node') return holding.node.name;
  if (holding.kind === 'stranger') return holding.name;
  if (holding.kind === 'split')
    return `${holding.nodes.map((node) => node.name).join(' and ')} at once (split brain)`;
  return 'no control plane';
};

/** The plan node that is the VIP route's primary router in `tailnet`, matched by tailnet ID, name or address. */
export const vipHolder = (
  tailnet: Tailnet,
  vip: string,
  controlPlanes: readonly PlanNode[],
): Holding => {
  const route = vipRoute(vip);
  const peer = tailnet.peers.find((candidate) => candidate.primaryRoutes.includes(route));
  if (peer === undefined) return {kind: 'none'};
  const name = nodeName(peer);
  const node =
    controlPlanes.find((candidate) => candidate.id !== '' && candidate.id === peer.id) ??
    controlPlanes.find((candidate) => candidate.name.toLowerCase() === name) ??
    controlPlanes.find((candidate) => candidate.ip !== '' && candidate.ip === peer.ipv4);
  return node === undefined ? {kind: 'stranger', name} : {kind: 'node', node};
};
