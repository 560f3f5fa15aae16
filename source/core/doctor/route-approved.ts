// The VIP's route approved (DOMAIN.md phase 7): some peer has VIP/32 in its
// PrimaryRoutes in `tailscale status --json`. Until then nothing outside a
// control plane can reach the VIP. Only a tailnet admin can approve, so the
// fix is shown, not applied.
// Tailscale VIP only: the LAN endpoints have no route to approve.
import {vipRoute} from '../artifacts/vip.js';
import {headscaleApproveCommand} from '../tailnet/control-api.js';
import {nodeName} from '../tailnet/node-name.js';
import {parseStatus} from '../tailnet/parse-status.js';
import {parsePrefs} from '../tailnet/prefs.js';
import {manualFix, result, type CheckResult} from './check.js';
import type {ClusterEvidence} from './evidence.js';
import {couldNotRun, type Check} from './per-host.js';

const id = 'route-approved';

/** The node name of the VIP's primary router as the observer sees it, or undefined; throws on bad JSON. */
export const primaryRouterOf = (cluster: ClusterEvidence): string | undefined => {
  const status = cluster.status;
  if (status === undefined || status.output.code !== 0) return undefined;
  const tailnet = parseStatus(
    status.output.stdout,
    `tailscale status --json on ${status.observer}`,
  );
  const peer = tailnet.peers.find((candidate) =>
    candidate.primaryRoutes.includes(vipRoute(cluster.vip)),
  );
  return peer === undefined ? undefined : nodeName(peer);
};

const advertisers = (cluster: ClusterEvidence): string[] =>
  cluster.hosts
    .filter((host) =>
      (host.prefs?.code === 0
        ? parsePrefs(host.prefs.stdout)
        : undefined
      )?.advertiseRoutes.includes(vipRoute(cluster.vip)),
    )
    .map((host) => host.host);

const judge = (cluster: ClusterEvidence): CheckResult => {
  const status = cluster.status;
  if (status === undefined || status.output.code !== 0)
    return couldNotRun(
      id,
      status?.observer ?? 'tailnet',
      'tailscale status --json',
      status?.output,
    );
  const route = vipRoute(cluster.vip);
  let primary: string | undefined;
  try {
    primary = primaryRouterOf(cluster);
  } catch (error) {
    return couldNotRun(id, status.observer, 'tailscale status --json', {
      ...status.output,
      stderr: (error as Error).message,
    });
  }
  if (primary !== undefined)
    return result(
      id,
      status.observer,
      'pass',
      `tailscale status --json on ${status.observer}: ${primary} has ${route} in PrimaryRoutes`,
      `The route is approved and ${primary} is the VIP's primary router.`,
    );
  const advertising = advertisers(cluster);
  const evidence = `tailscale status --json on ${status.observer}: no peer has ${route} in PrimaryRoutes; advertised by: ${advertising.join(', ') || 'nobody'}`;
  if (advertising.length === 0)
    return result(
      id,
      status.observer,
      'fail',
      evidence,
      `No control plane advertises ${route}, so the tailnet has no route to the VIP (see vip-advertised for each control plane).`,
    );
  return result(
    id,
    status.observer,
    'fail',
    evidence,
    `${advertising.join(', ')} advertise${advertising.length === 1 ? 's' : ''} ${route} but the tailnet has not approved it, so no node routes the VIP and every kubectl through it fails from outside the control planes.`,
    manualFix(
      `Approve ${route} in the admin console (Machines › ${advertising[0]} › Edit route settings), or let the tailnet policy approve it, and allow traffic to ${cluster.vip}:6443.`,
      [
        `# tailnet policy: "autoApprovers": {"routes": {"${route}": ["tag:k8s-control-plane"]}} (the tag on every control plane)`,
        // approve-routes replaces the node's approved set: the command adds to what it has.
        `# Headscale (keeps the node's other approved routes): ${headscaleApproveCommand({id: 'NODE-ID'}, route)}`,
        `tailscale status --json | grep -n '${route}'   # on any node, until a PrimaryRoutes shows it`,
      ],
    ),
  );
};

export const routeApproved: Check = {
  id,
  endpoints: ['tailscale-vip'],
  title: 'VIP route approved',
  run: (cluster) => [judge(cluster)],
};
