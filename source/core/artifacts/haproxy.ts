// HAProxy for the keepalived + HAProxy endpoint (issue 11; kubeadm's HA guide,
// docs/ha-considerations.md in kubernetes/kubeadm). Every control plane runs
// one, listening on its own port (kube-apiserver keeps 6443 on the same
// node), and spreads the API's connections over every healthy apiserver: the
// load balancing a Tailscale subnet route cannot give.
import {controlPlanes} from '../plan/build.js';
import {defaults} from '../plan/defaults.js';
import {haproxyPort} from '../plan/endpoint.js';
import type {Plan} from '../plan/types.js';
import {isDottedIpv4} from '../net/address.js';
import {fileNamePart} from './file-name.js';
import {shellText} from './shell-text.js';

export const haproxyConfigPath = '/etc/haproxy/haproxy.cfg';

/**
 * HAProxy's own view of its backends, for `ha-wizard doctor` (issue 11): the
 * stats page on a listener bound to the loopback only, read with curl (on
 * every node already; socat for the stats socket is not on a default Debian).
 * 8404 is a port no Kubernetes component takes. `;csv` in the URI
 * asks for the CSV export (src/http_ana.c, v2.6.0, http_handle_stats), whose
 * columns doc/management.txt section 9.1 lists.
 */
export const haproxyStats = {address: '127.0.0.1', port: 8404, path: '/stats'} as const;
export const haproxyStatsCsvUrl = `http://${haproxyStats.address}:${haproxyStats.port}${haproxyStats.path};csv`;

/** A server name HAProxy takes as one word; unique, as names from the tailnet may clash once cleaned. */
const serverNames = (names: readonly string[]): string[] => {
  const used = new Set<string>();
  return names.map((name) => {
    const base = fileNamePart(name);
    let unique = base;
    for (let n = 2; used.has(unique); n++) unique = `${base}-${n}`;
    used.add(unique);
    return unique;
  });
};

/** The backend of the apiservers, as HAProxy's stats name it (`pxname`). */
export const haproxyBackendName = 'apiserverbackend';

/**
 * HAProxy's `server` name for each control plane, by node name, as
 * haproxy.cfg lists them: those with an IPv4 address, in plan order.
 */
export const haproxyServerNames = (
  nodes: ReadonlyArray<{readonly name: string; readonly ip: string}>,
): ReadonlyMap<string, string> => {
  const listed = nodes.filter((node) => isDottedIpv4(node.ip));
  const names = serverNames(listed.map((node) => node.name));
  return new Map(listed.map((node, index) => [node.name, names[index] ?? node.name]));
};

/**
 * `haproxy/haproxy.cfg`, the same on every control plane. The backends are
 * the apiservers' Tailscale addresses, which the plan knows and which every
 * control plane reaches; kube-apiserver listens on all addresses. Health
 * checks are HTTPS GET /healthz without verifying the certificate (TLS stays
 * end to end: HAProxy forwards TCP). Client and server timeouts are an hour,
 * not the guide's 20 s: watches and `kubectl logs -f` sit idle far longer.
 */
export const haproxyCfg = (plan: Plan): string => {
  const cps = controlPlanes(plan).filter((node) => isDottedIpv4(node.ip));
  const names = haproxyServerNames(cps);
  return shellText([
    '# HAProxy for the Kubernetes API (ha-wizard): the VIP and every control plane',
    `# listen on ${haproxyPort} and balance to every kube-apiserver on ${defaults.apiServerPort}.`,
    'global',
    '    log /dev/log local0',
    '    log /dev/log local1 notice',
    '    daemon',
    '',
    'defaults',
    '    mode                    tcp',
    '    log                     global',
    '    option                  dontlognull',
    '    retries                 2',
    '    timeout connect         5s',
    '    timeout client          1h',
    '    timeout server          1h',
    '    timeout check           10s',
    '',
    'frontend apiserver',
    `    bind *:${haproxyPort}`,
    '    mode tcp',
    '    option tcplog',
    `    default_backend ${haproxyBackendName}`,
    '',
    `backend ${haproxyBackendName}`,
    '    mode tcp',
    '    option httpchk GET /healthz',
    '    http-check expect status 200',
    '    balance roundrobin',
    // Until its health checks mark a dead apiserver down (3 checks 2 s apart),
    // round robin still sends it new connections, which the apiserver's closed
    // port refuses: retry each such connection on another server at once
    // (redispatch on every retry, HAProxy 1.6 and later; `retries` above) instead of failing it.
    '    option redispatch 1',
    ...cps.map(
      (node) =>
        `    server ${names.get(node.name) ?? node.name} ${node.ip}:${defaults.apiServerPort} check check-ssl verify none`,
    ),
    '',
    "# HAProxy's view of the backends above, for ha-wizard doctor: this node only.",
    'frontend stats',
    `    bind ${haproxyStats.address}:${haproxyStats.port}`,
    '    mode http',
    `    stats uri ${haproxyStats.path}`,
  ]);
};
