// A resume may come days after the plan was made, and a node may have a new
// Tailscale address by then (re-registered, or a new machine key). The node
// is the same one when the tailnet knows its stable ID, or else its host name.
import type {Tailnet} from '../tailnet/types.js';
import type {Plan} from './types.js';

export interface Readdressed {
  readonly plan: Plan;
  /** One sentence per node whose address changed. */
  readonly changes: readonly string[];
}

export const readdressPlan = (plan: Plan, tailnet: Tailnet): Readdressed => {
  const changes: string[] = [];
  const nodes = plan.nodes.map((node) => {
    const peer =
      tailnet.peers.find((candidate) => candidate.id === node.id) ??
      tailnet.peers.find((candidate) => candidate.hostName === node.name);
    if (!peer?.ipv4 || peer.ipv4 === node.ip) return node;
    changes.push(
      `${node.name} is now at ${peer.ipv4} (it was ${node.ip || 'unknown'} when the plan was made)`,
    );
    return {...node, ip: peer.ipv4, dnsName: peer.dnsName || node.dnsName};
  });
  return {plan: changes.length === 0 ? plan : {...plan, nodes}, changes};
};
