import type {Finding} from './finding.js';
import {warning, type Rule} from './rule.js';

const day = 24 * 60 * 60 * 1000;
const soon = 30 * day;

export interface NodeKey {
  readonly name: string;
  /** ISO date; undefined when the key does not expire. */
  readonly keyExpiry: string | undefined;
  readonly keyExpired: boolean;
  readonly tags: readonly string[];
}

/**
 * A node whose key expires drops off the tailnet, and with it the cluster
 * (tailscale#7192, k3s#10729). Tagged nodes do not expire by default. Used by
 * the plan's validation (the workstation's view) and again by preflight (the
 * node's own view at run time, which may be days later).
 */
export const keyExpiryFinding = (node: NodeKey, now: Date): Finding | undefined => {
  if (node.keyExpired || !node.keyExpiry) return undefined;
  const left = Date.parse(node.keyExpiry) - now.getTime();
  if (left <= 0) {
    return warning(
      'key-expiry-soon',
      `${node.name}'s node key expired on ${node.keyExpiry.slice(0, 10)} according to the status, so the node may already be gone from the tailnet; re-authenticate it, then tag it or disable key expiry for it.`,
      'roles',
    );
  }
  if (left < soon) {
    const days = Math.max(0, Math.floor(left / day));
    return warning(
      'key-expiry-soon',
      `${node.name}'s node key expires in ${days} day${days === 1 ? '' : 's'} (${node.keyExpiry.slice(0, 10)}), and the node will then leave the cluster; tag the node or disable key expiry for it in the admin console.`,
      'roles',
    );
  }
  if (node.tags.length === 0) {
    return warning(
      'key-expiry-untagged',
      `${node.name} is untagged, so its node key expires on ${node.keyExpiry.slice(0, 10)} and the node will then leave the cluster; tag the node or disable key expiry for it.`,
      'roles',
    );
  }
  return undefined;
};

export const keyExpiry: Rule = ({plan, now}) =>
  plan.nodes.flatMap((node) => keyExpiryFinding(node, now) ?? []);
