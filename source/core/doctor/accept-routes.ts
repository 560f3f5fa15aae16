// accept-routes on every node (DOMAIN.md "Target topology"): the VIP is a
// subnet route, and a node that does not accept routes cannot reach it.
// Tailscale VIP only: a LAN endpoint's VIP is reached over the LAN, not as a
// subnet route, so a node that does not accept routes still reaches the API
// (the nodes reach each other at their own Tailscale addresses, no route needed).
import {acceptRoutesArgv} from '../artifacts/tailscale-routes.js';
import {parsePrefs} from '../tailnet/prefs.js';
import {commandFix, result} from './check.js';
import {couldNotRun, onlyFor, perHost} from './per-host.js';

const id = 'accept-routes';

export const acceptRoutes = onlyFor(
  ['tailscale-vip'],
  perHost(id, 'Tailscale accept-routes', ['control-plane', 'worker'], (host, cluster) => {
    const prefs = host.prefs?.code === 0 ? parsePrefs(host.prefs.stdout) : undefined;
    if (prefs === undefined) return couldNotRun(id, host.host, 'tailscale debug prefs', host.prefs);
    const evidence = `tailscale debug prefs: "RouteAll": ${prefs.routeAll}`;
    if (prefs.routeAll)
      return result(id, host.host, 'pass', evidence, 'This node accepts the VIP’s subnet route.');
    const why =
      host.role === 'worker'
        ? `${host.host} is a worker: it reaches ${cluster.vip} only through the tailnet's subnet route, so its kubelet and kubectl cannot reach the API.`
        : `${host.host} is a control plane: while its own apiserver is down (and the health gate has taken the VIP off lo1) it reaches a healthy one only through the subnet route.`;
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `Tailscale on ${host.host} does not accept subnet routes. ${why}`,
      commandFix('Turn accept-routes on (tailscale set changes only this flag).', [
        acceptRoutesArgv(),
      ]),
    );
  }),
);
