// Every control plane's own VIP route approved (issue 9; conformance review
// B7): failover moves the VIP only to a router whose advertisement is
// approved, and peers see only the primary's, so `tailscale status` cannot
// tell. Only the control server's API can; doctor asks it when given a key
// (--headscale-api-key-file, --tailscale-api-key-file) and otherwise leaves
// this check out (apply's verify says so in its run).
// Tailscale VIP only: the LAN endpoints have no route to approve.
import {vipRoute} from '../artifacts/vip.js';
import {headscaleApproveCommand} from '../tailnet/control-api.js';
import {manualFix, result, type CheckResult} from './check.js';
import type {ClusterEvidence} from './evidence.js';
import type {Check} from './per-host.js';

const id = 'route-approved-each';

const judge = (cluster: ClusterEvidence): CheckResult[] => {
  const approvals = cluster.approvals;
  if (!approvals) return [];
  const route = vipRoute(cluster.vip);
  return approvals.hosts.map((entry) => {
    if (entry.error !== undefined)
      return result(
        id,
        entry.host,
        'unknown',
        `${approvals.source}: ${entry.error}`,
        `Doctor could not ask ${approvals.source} whether ${entry.host}'s ${route} is approved.`,
      );
    const evidence = `${approvals.source}: ${entry.host} advertises ${entry.advertised.join(', ') || 'nothing'}; approved: ${entry.approved.join(', ') || 'nothing'}`;
    if (entry.approved.includes(route))
      return result(
        id,
        entry.host,
        'pass',
        evidence,
        `${entry.host}'s ${route} is approved: the VIP can fail over to it.`,
      );
    return result(
      id,
      entry.host,
      'fail',
      evidence,
      `${entry.host}'s ${route} is not approved, so the tailnet can never move the VIP to ${entry.host}: when the primary's apiserver dies and its health gate withdraws the route, failover has nowhere to go.`,
      manualFix(
        `Approve ${route} for ${entry.host}: ha-wizard apply with the same API key does it, or the admin console (Machines › ${entry.host} › Edit route settings).`,
        [
          `# Headscale (keeps the node's other approved routes): ${headscaleApproveCommand({id: entry.id}, route)}`,
        ],
      ),
    );
  });
};

export const standbyApproved: Check = {
  id,
  endpoints: ['tailscale-vip'],
  title: "Each control plane's VIP route approved",
  run: judge,
};
