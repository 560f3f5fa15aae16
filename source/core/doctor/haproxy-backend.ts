// Every HAProxy backend up, as each control plane's HAProxy sees it (issue
// 11): HAProxy health-checks every apiserver (GET /healthz over TLS, `fall 3`
// at `inter 2s` by default, doc/configuration.txt v2.6) and sends no
// connections to one it marked down. One result per control plane behind the
// backend, naming the HAProxys that see it down and why (their check status),
// so the fix points at the apiserver, not at HAProxy. keepalived + HAProxy only.
import {defaults} from '../plan/defaults.js';
import {haproxyBackendName, haproxyServerNames} from '../artifacts/haproxy.js';
import {manualFix, result, type CheckResult} from './check.js';
import type {ClusterEvidence, HostEvidence} from './evidence.js';
import {parseHaproxyCsv, serverStateText, serverUp, type HaproxyServer} from './haproxy-stats.js';
import {readyzText, type Check} from './per-host.js';

const id = 'haproxy-backend';

interface View {
  /** The control plane whose HAProxy this is. */
  readonly reader: string;
  readonly servers: readonly HaproxyServer[];
}

const viewsOf = (planes: readonly HostEvidence[]): View[] =>
  planes.flatMap((host) => {
    const stats = host.haproxyStats;
    const servers =
      host.unreachable === undefined && stats?.code === 0
        ? parseHaproxyCsv(stats.stdout)
        : undefined;
    return servers === undefined ? [] : [{reader: host.host, servers}];
  });

const judgeBackend = (
  target: HostEvidence,
  server: string,
  views: readonly View[],
): CheckResult => {
  const seen = views.map((view) => ({
    reader: view.reader,
    row: view.servers.find((row) => row.backend === haproxyBackendName && row.server === server),
  }));
  const down = seen.filter(({row}) => row === undefined || !serverUp(row));
  const stateIn = ({reader, row}: (typeof seen)[number]) =>
    `on ${reader}: ${row === undefined ? `no server ${server}` : serverStateText(row)}`;
  const evidence = `HAProxy's ${haproxyBackendName}/${server} (${target.ip}:${defaults.apiServerPort}) ${seen.map(stateIn).join('; ')}${down.length > 0 && target.readyz !== undefined ? `; readyz on ${target.host}: ${readyzText(target.readyz)}` : ''}`;
  if (down.length === 0)
    return result(
      id,
      target.host,
      'pass',
      evidence,
      `Every HAProxy sends API connections to ${target.host}'s apiserver.`,
    );
  const readers = down.map((entry) => entry.reader).join(', ');
  const missing = down.filter((entry) => entry.row === undefined);
  if (missing.length > 0)
    return result(
      id,
      target.host,
      'fail',
      evidence,
      `HAProxy on ${missing.map((entry) => entry.reader).join(', ')} has no server for ${target.host}: its haproxy.cfg is not the one this plan generates, so ${target.host}'s apiserver gets none of the API's connections there.`,
      manualFix('Let ha-wizard write haproxy.cfg again (backed up first) and restart HAProxy.', [
        'ha-wizard apply --plan DIR',
      ]),
    );
  const everywhere = down.length === seen.length;
  // `DOWN 1/2`: the checks pass again and HAProxy counts them up to `rise` (src/stats.c, v2.6.0).
  const comingUp = down.every((entry) => entry.row?.status.startsWith('DOWN ') === true);
  if (comingUp)
    return result(
      id,
      target.host,
      'fail',
      evidence,
      `HAProxy on ${readers} is marking ${target.host}'s apiserver up again (its checks pass again; HAProxy waits for two in a row, its default rise) and sends it no connections until then; right after an apply or a restart this passes within seconds.`,
      manualFix('Run doctor again in a few seconds.', ['ha-wizard doctor --json --plan DIR']),
    );
  return result(
    id,
    target.host,
    'fail',
    evidence,
    everywhere
      ? `HAProxy marks ${target.host}'s apiserver down and sends it no connections: the API still answers through the other control planes, with one fewer behind it, and ${target.host}'s own kubelet and components go through HAProxy too.`
      : `HAProxy on ${readers} marks ${target.host}'s apiserver down while the others reach it: the path from ${readers} to ${target.ip}:${defaults.apiServerPort} fails (a firewall, or the tailnet between them).`,
    manualFix(
      everywhere
        ? `Bring ${target.host}'s apiserver back: its static pod manifest must be in place and the container running; HAProxy marks it up after two good checks.`
        : `Find what blocks ${readers} from ${target.host}'s apiserver, on ${readers}.`,
      everywhere
        ? [
            'ls /etc/kubernetes/manifests   # kube-apiserver.yaml must be there',
            'sudo crictl ps -a --name kube-apiserver',
            `curl -sk https://127.0.0.1:${defaults.apiServerPort}/healthz`,
          ]
        : [`curl -sk --max-time 2 https://${target.ip}:${defaults.apiServerPort}/healthz`],
    ),
  );
};

const judge = (cluster: ClusterEvidence): CheckResult[] => {
  const planes = cluster.hosts.filter((host) => host.role === 'control-plane');
  const views = viewsOf(planes);
  // No HAProxy answered: haproxy-running says why for each.
  if (views.length === 0) return [];
  const names = haproxyServerNames(planes.map((host) => ({name: host.host, ip: host.ip})));
  return planes.flatMap((target) => {
    const server = names.get(target.host);
    return server === undefined ? [] : [judgeBackend(target, server, views)];
  });
};

export const haproxyBackend: Check = {
  id,
  title: 'HAProxy backends up',
  endpoints: ['keepalived-haproxy'],
  run: judge,
};
