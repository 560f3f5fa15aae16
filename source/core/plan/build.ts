import {nodeName} from '../tailnet/node-name.js';
import type {Peer, Tailnet} from '../tailnet/types.js';
import type {Access, Network, Plan, PlanNode, Role} from './types.js';

export interface PlanChoices {
  /** Peer IDs; the first is the init node. */
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  readonly network: Network;
  readonly kubernetesVersion: string;
  readonly clusterName: string;
  readonly access: Access;
  /** Per-host SSH overrides, by peer ID. */
  readonly hostAccess?: Readonly<Record<string, Access>>;
  readonly allowEvenControlPlanes?: boolean;
}

const toNode = (peer: Peer, role: Role, access: Access | undefined): PlanNode => ({
  id: peer.id,
  name: nodeName(peer),
  dnsName: peer.dnsName,
  ip: peer.ipv4 ?? '',
  role,
  os: peer.os,
  online: peer.online,
  tags: peer.tags,
  advertisedRoutes: peer.advertisedRoutes,
  keyExpiry: peer.keyExpiry,
  keyExpired: peer.keyExpired,
  access,
  lanAddresses: peer.lanAddresses,
});

/** Every advertised route with who; a loop, as nearly every peer of a large tailnet has none. */
const tailnetRoutesOf = (tailnet: Tailnet): Plan['tailnetRoutes'] => {
  const routes: Array<{route: string; peer: string}> = [];
  for (const peer of tailnet.peers)
    for (const route of peer.advertisedRoutes) routes.push({route, peer: peer.hostName});
  return routes;
};

/**
 * Turns the user's choices into a plan. It never refuses: problems such as an
 * offline node or an even control-plane count are findings of `validatePlan`,
 * so a screen can show them while the user is still choosing.
 */
export const buildPlan = (tailnet: Tailnet, choices: PlanChoices): Plan => {
  const byId = new Map(tailnet.peers.map((peer) => [peer.id, peer]));
  const pick = (ids: readonly string[], role: Role): PlanNode[] =>
    ids.flatMap((id) => {
      const peer = byId.get(id);
      return peer ? [toNode(peer, role, choices.hostAccess?.[id])] : [];
    });
  return {
    schemaVersion: 1,
    clusterName: choices.clusterName,
    kubernetesVersion: choices.kubernetesVersion,
    network: choices.network,
    nodes: [...pick(choices.controlPlanes, 'control-plane'), ...pick(choices.workers, 'worker')],
    access: choices.access,
    allowEvenControlPlanes: choices.allowEvenControlPlanes ?? false,
    tailnetRoutes: tailnetRoutesOf(tailnet),
  };
};

export const controlPlanes = (plan: Plan): PlanNode[] =>
  plan.nodes.filter((node) => node.role === 'control-plane');

export const workers = (plan: Plan): PlanNode[] =>
  plan.nodes.filter((node) => node.role === 'worker');

/** The node that runs `kubeadm init`: the first control plane. */
export const initNode = (plan: Plan): PlanNode | undefined => controlPlanes(plan)[0];
