import type {Finding} from './finding.js';
import {warning, type Rule} from './rule.js';

const day = 24 * 60 * 60 * 1000;
const soon = 30 * day;

/**
 * A node whose key expires drops off the tailnet, and with it the cluster
 * (tailscale#7192, k3s#10729). Tagged nodes do not expire by default.
 */
export const keyExpiry: Rule = ({plan, now}) => {
  const findings: Finding[] = [];
  for (const node of plan.nodes) {
    if (node.keyExpired || !node.keyExpiry) continue;
    const left = Date.parse(node.keyExpiry) - now.getTime();
    if (left <= 0) {
      findings.push(
        warning(
          'key-expiry-soon',
          `${node.name}'s node key expired on ${node.keyExpiry.slice(0, 10)} according to the status, so the node may already be gone from the tailnet; re-authenticate it, then tag it or disable key expiry for it.`,
          'roles',
        ),
      );
    } else if (left < soon) {
      const days = Math.max(0, Math.floor(left / day));
      findings.push(
        warning(
          'key-expiry-soon',
          `${node.name}'s node key expires in ${days} day${days === 1 ? '' : 's'} (${node.keyExpiry.slice(0, 10)}), and the node will then leave the cluster; tag the node or disable key expiry for it in the admin console.`,
          'roles',
        ),
      );
    } else if (node.tags.length === 0) {
      findings.push(
        warning(
          'key-expiry-untagged',
          `${node.name} is untagged, so its node key expires on ${node.keyExpiry.slice(0, 10)} and the node will then leave the cluster; tag the node or disable key expiry for it.`,
          'roles',
        ),
      );
    }
  }
  return findings;
};
