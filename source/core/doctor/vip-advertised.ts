// Every healthy control plane advertises VIP/32 (DOMAIN.md phase 6), so the
// tailnet has somewhere to fail over to.
// Tailscale VIP only: the LAN endpoints advertise no route (keepalived or
// kube-vip moves their VIP by ARP).
import {advertiseRoutesArgv} from '../artifacts/tailscale-routes.js';
import {vipRoute} from '../artifacts/vip.js';
import {parsePrefs} from '../tailnet/prefs.js';
import {commandFix, result} from './check.js';
import {couldNotRun, onlyFor, perHost, withdrawnOnPurpose} from './per-host.js';

const id = 'vip-advertised';

export const vipAdvertised = onlyFor(
  ['tailscale-vip'],
  perHost(id, 'VIP route advertised', ['control-plane'], (host, cluster) => {
    const prefs = host.prefs?.code === 0 ? parsePrefs(host.prefs.stdout) : undefined;
    if (prefs === undefined) return couldNotRun(id, host.host, 'tailscale debug prefs', host.prefs);
    const route = vipRoute(cluster.vip);
    const evidence = `tailscale debug prefs: "AdvertiseRoutes": ${JSON.stringify(prefs.advertiseRoutes)}`;
    if (prefs.advertiseRoutes.includes(route))
      return result(id, host.host, 'pass', evidence, `${host.host} advertises ${route}.`);
    const expected = withdrawnOnPurpose(id, host, evidence, `advertise ${route}`);
    if (expected) return expected;
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `${host.host}'s apiserver is ready but it does not advertise ${route}, so the tailnet cannot fail the VIP over to it.`,
      commandFix(
        `Advertise ${route} together with the routes ${host.host} already advertises (the list is replaced, not extended).`,
        [advertiseRoutesArgv(prefs.advertiseRoutes, cluster.vip)],
      ),
    );
  }),
);
