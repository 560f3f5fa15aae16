// The VIP's primary router must have a live apiserver (DOMAIN.md: Tailscale's
// failover is not health-aware). A primary whose apiserver is down but whose
// tailscaled is alive black-holes the whole API; withdrawing its route lets
// the tailnet move the VIP to another control plane.
// Tailscale VIP only: on a LAN the holder is keepalived's or kube-vip's
// choice, which lan-vip-holder and the HAProxy checks look at.
import {withdrawRouteArgv} from '../artifacts/tailscale-routes.js';
import {vipRoute} from '../artifacts/vip.js';
import {parsePrefs} from '../tailnet/prefs.js';
import {commandFix, result, sudoText, type CheckResult} from './check.js';
import type {ClusterEvidence} from './evidence.js';
import {isReady, readyzText, type Check} from './per-host.js';
import {primaryRouterOf} from './route-approved.js';

const id = 'vip-primary-apiserver';

const judge = (cluster: ClusterEvidence): CheckResult[] => {
  let primary: string | undefined;
  try {
    primary = primaryRouterOf(cluster);
  } catch {
    primary = undefined;
  }
  // No primary: route-approved says why; there is no router to judge.
  if (primary === undefined) return [];
  // Names given on doctor's command line keep the user's case; the tailnet's are node names.
  const host = cluster.hosts.find((candidate) => candidate.host.toLowerCase() === primary);
  if (host !== undefined) primary = host.host;
  const route = vipRoute(cluster.vip);
  if (host === undefined || host.role !== 'control-plane')
    return [
      result(
        id,
        primary,
        'fail',
        `tailscale status: ${primary} has ${route} in PrimaryRoutes; it is not one of the control planes (${cluster.hosts
          .filter((candidate) => candidate.role === 'control-plane')
          .map((candidate) => candidate.host)
          .join(', ')})`,
        `The tailnet routes the VIP to ${primary}, which is not a control plane of this cluster, so kubectl through the VIP does not reach this cluster's apiserver.`,
      ),
    ];
  if (host.unreachable !== undefined)
    return [result(id, primary, 'unknown', host.unreachable, `Doctor could not reach ${primary}.`)];
  const evidence = `tailscale status: ${primary} has ${route} in PrimaryRoutes; curl -sk https://127.0.0.1:6443/readyz on ${primary}: ${readyzText(host.readyz)}`;
  if (isReady(host.readyz))
    return [
      result(
        id,
        primary,
        'pass',
        evidence,
        `${primary} routes the VIP and its apiserver is ready.`,
      ),
    ];
  const prefs = host.prefs?.code === 0 ? parsePrefs(host.prefs.stdout) : undefined;
  const withdraw = withdrawRouteArgv(prefs?.advertiseRoutes ?? [route], cluster.vip);
  const fix = commandFix(
    `Withdraw ${route} from ${primary} (its other routes kept) so the tailnet moves the VIP to a healthy control plane, then bring its apiserver back; the health gate re-advertises the route once it is ready.`,
    [withdraw],
    [
      'ls /etc/kubernetes/manifests   # kube-apiserver.yaml must be there',
      'sudo crictl ps -a --name kube-apiserver',
      sudoText(['systemctl', 'restart', 'ha-wizard-health-gate.service']),
    ],
  );
  return [
    result(
      id,
      primary,
      'fail',
      evidence,
      `${primary} is the VIP's primary router but its apiserver does not answer, so every kubectl through the VIP fails. Tailscale moves the route only when ${primary} goes offline, which it has not.`,
      fix,
    ),
  ];
};

export const primaryApiserver: Check = {
  id,
  endpoints: ['tailscale-vip'],
  title: "the VIP's primary router and its apiserver",
  run: judge,
};
