// Exactly one control plane holds a LAN endpoint's VIP (issue 11): keepalived
// (VRRP) or kube-vip (its leader lease) puts it on one node's LAN interface.
// None: nothing answers at the endpoint, the API is dark. Two or more: split
// brain, each answers ARP for the VIP and the LAN's clients reach whichever
// answered last. Read from every control plane's own addresses.
import {lanVip} from '../artifacts/lan-vip.js';
import {keepalivedPaths} from '../artifacts/keepalived.js';
import {kubeVipManifestPath} from '../artifacts/kube-vip.js';
import {holdingText, lanHolders, type AddressReading} from '../net/lan-holder.js';
import {endpointPort, type EndpointKind} from '../plan/endpoint.js';
import {journalText, manualFix, result, type CheckResult, type Fix} from './check.js';
import type {ClusterEvidence} from './evidence.js';
import type {Check} from './per-host.js';

const id = 'lan-vip-holder';

const journal = journalText('keepalived');
const kubeVipLogs = 'sudo crictl logs --tail 30 $(sudo crictl ps -q --name kube-vip)';

const darkFix = (endpoint: EndpointKind, names: string): Fix =>
  endpoint === 'kube-vip'
    ? manualFix(
        `Find out why no kube-vip took the VIP: on each control plane (${names}) its static pod must run and its log says whether it is the leader.`,
        [
          `ls ${kubeVipManifestPath}`,
          'sudo crictl ps -a --name kube-vip',
          kubeVipLogs,
          'kubectl -n kube-system get lease plndr-cp-lock',
        ],
      )
    : manualFix(
        `Find out why no keepalived took the VIP: on each control plane (${names}) keepalived must run (see keepalived-active) and its journal says which state it is in and why.`,
        [
          'sudo systemctl status keepalived --no-pager',
          journal,
          `sudo keepalived -t -f ${keepalivedPaths.config}   # checks the config`,
        ],
      );

const splitFix = (endpoint: EndpointKind, names: string): Fix =>
  endpoint === 'kube-vip'
    ? manualFix(
        `Only the leader should hold the VIP: read kube-vip's log on ${names}, and restart the one that is not the lease's holder (kubelet starts it again).`,
        [
          'kubectl -n kube-system get lease plndr-cp-lock -o jsonpath={.spec.holderIdentity}',
          kubeVipLogs,
          'sudo crictl stop $(sudo crictl ps -q --name kube-vip)',
        ],
      )
    : manualFix(
        `The keepalived on ${names} do not hear each other: let VRRP (IP protocol 112, sent unicast to each peer) through the firewalls between the control planes; their journals say "Entering MASTER STATE" on each.`,
        [journal, 'sudo nft list ruleset | grep -n -i -e vrrp -e 112 -e drop'],
      );

const judge = (cluster: ClusterEvidence): CheckResult[] => {
  const endpoint = cluster.endpoint ?? 'tailscale-vip';
  const planes = cluster.hosts.filter((host) => host.role === 'control-plane');
  const first = planes[0];
  if (first === undefined) return [];
  const vip = lanVip(cluster.vip) ?? cluster.vip;
  const address = `${vip}:${endpointPort(endpoint)}`;
  const readings: AddressReading[] = planes.map((host) => ({
    node: host.host,
    code: host.unreachable === undefined ? (host.lanAddresses?.code ?? null) : null,
    stdout: host.lanAddresses?.stdout ?? '',
  }));
  const {holders, unread} = lanHolders(vip, readings);
  const read = planes.filter((host) => !unread.includes(host.host)).map((host) => host.host);
  const notHolding = read.filter((name) => !holders.some((holder) => holder.node === name));
  const evidence = [
    `ip -4 addr show: ${vip} on ${holders.length > 0 ? holders.map(holdingText).join(', ') : 'no control plane'}`,
    ...(notHolding.length > 0 && holders.length > 0 ? [`not on ${notHolding.join(', ')}`] : []),
    ...(unread.length > 0 ? [`not read on ${unread.join(', ')}`] : []),
  ].join('; ');
  const [holder, ...others] = holders;
  if (holder !== undefined && others.length === 0)
    return [
      result(
        id,
        holder.node,
        'pass',
        evidence,
        `${holder.node} holds the VIP; the API at ${address} answers there.`,
      ),
    ];
  if (holder !== undefined) {
    const names = holders.map((entry) => entry.node).join(' and ');
    return [
      result(
        id,
        holder.node,
        'fail',
        evidence,
        `Split brain: ${names} ${holders.length === 2 ? 'both' : 'all'} hold the VIP ${vip}. Each answers ARP for it, so clients on the LAN reach whichever answered last, and the endpoint changes node under them.`,
        splitFix(endpoint, names),
      ),
    ];
  }
  if (unread.length > 0)
    return [
      result(
        id,
        unread[0] ?? first.host,
        'unknown',
        evidence,
        `No control plane doctor could read holds the VIP, but doctor could not read ${unread.join(', ')}, which may.`,
      ),
    ];
  return [
    result(
      id,
      first.host,
      'fail',
      evidence,
      `No control plane holds the VIP ${vip}: the API at ${address} is dark, and kubectl, the kubelets and Cilium cannot reach it.`,
      darkFix(endpoint, read.join(', ')),
    ),
  ];
};

export const lanVipHolder: Check = {
  id,
  title: 'exactly one control plane holds the LAN VIP',
  endpoints: ['keepalived-haproxy', 'kube-vip'],
  run: judge,
};
