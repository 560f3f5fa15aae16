// The lab's wires: an underlay (the hosts' LAN and "internet") through a
// router namespace with no uplink; the control server, the workstation and
// every host on it; and the machine's own namespace reaching the lab only
// through the workstation. Real WireGuard and DERP run over this underlay.
import {writeFileSync} from 'node:fs';
import {
  fallbackRulePriority,
  headscaleIp,
  headscaleNs,
  hostLink,
  hostNs,
  labRanges,
  lanBridge,
  lanInterface,
  lanLink,
  lanPrefixLength,
  operatorIp,
  operatorLink,
  routeTable,
  routerIp,
  routerNs,
  rulePriority,
  tailnetRange,
  underlayRange,
  workstationIp,
  workstationLanIp,
  workstationNs,
  workstationOperatorIp,
  workstationOperatorLink,
  type HostPlan,
} from './config.js';
import {ip, run} from './system.js';

/** One `ip -batch` per namespace: process starts are the cost here (~5-30 ms each), not the kernel. */
const batch = (ns: string | undefined, lines: readonly string[]) =>
  run([...(ns === undefined ? ['ip'] : ['ip', '-n', ns]), '-batch', '-'], {
    input: `${lines.join('\n')}\n`,
  });

const nft = (ns: string, rules: string) =>
  run(['ip', 'netns', 'exec', ns, 'nft', '-f', '-'], {input: rules});

/** A namespace on the underlay: its /32 on eth0, the router as its only way anywhere. No default route. */
const underlayEnd = (address: string) => [
  'link set lo up',
  `addr add ${address}/32 dev eth0`,
  'link set eth0 up',
  `route add ${routerIp}/32 dev eth0 scope link`,
  `route add ${underlayRange} via ${routerIp} dev eth0 src ${address}`,
];

interface Member {
  readonly ns: string;
  readonly link: string;
  readonly address: string;
}

export const setupNetwork = async (hosts: readonly HostPlan[]) => {
  const members: Member[] = [
    {ns: headscaleNs, link: hostLink('hs'), address: headscaleIp},
    {ns: workstationNs, link: hostLink('ws'), address: workstationIp},
    ...hosts.map((host) => ({
      ns: hostNs(host.name),
      link: hostLink(host.name),
      address: host.underlay,
    })),
  ];
  const table = String(routeTable);
  await batch(undefined, [
    `netns add ${routerNs}`,
    ...members.map((member) => `netns add ${member.ns}`),
    `link add ${operatorLink} type veth peer name ${workstationOperatorLink} netns ${workstationNs}`,
    ...members.map(
      (member) =>
        `link add ${member.link} netns ${routerNs} type veth peer name eth0 netns ${member.ns}`,
    ),
  ]);
  writeFileSync(`/proc/sys/net/ipv6/conf/${operatorLink}/disable_ipv6`, '1');
  // The machine's own namespace: the lab's ranges go to the workstation and nowhere else.
  await batch(undefined, [
    `addr add ${operatorIp}/32 dev ${operatorLink}`,
    `link set ${operatorLink} up`,
    ...labRanges.flatMap((range) => [
      `route add ${range} via ${workstationOperatorIp} dev ${operatorLink} src ${operatorIp} onlink table ${table}`,
      `route add unreachable ${range} metric 4000 table ${table}`,
      `rule add to ${range} lookup ${table} priority ${rulePriority}`,
    ]),
    `route add unreachable ${tailnetRange} metric 4000 table ${table}`,
    `rule add to ${tailnetRange} lookup ${table} priority ${fallbackRulePriority}`,
  ]);
  await run(['ip', 'netns', 'exec', routerNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  await batch(routerNs, [
    'link set lo up',
    ...members.flatMap((member) => [
      `addr add ${routerIp}/32 dev ${member.link}`,
      `link set ${member.link} up`,
      `route add ${member.address}/32 dev ${member.link} src ${routerIp}`,
    ]),
  ]);
  await Promise.all(members.map((member) => batch(member.ns, underlayEnd(member.address))));
  await batch(workstationNs, [
    `addr add ${workstationOperatorIp}/32 dev ${workstationOperatorLink}`,
    `link set ${workstationOperatorLink} up`,
    `route add ${operatorIp}/32 dev ${workstationOperatorLink} src ${workstationOperatorIp}`,
  ]);
  // The workstation forwards for the machine's own namespace and masquerades it: on the tailnet
  // those packets come from the workstation's Tailscale address, as a real workstation's would.
  // A Kubernetes node forwards too (the wizard's preflight requires it); with no default route,
  // forwarding can only ever move packets between the lab's own addresses.
  await Promise.all(
    [workstationNs, ...hosts.map((host) => hostNs(host.name))].map((ns) =>
      run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']),
    ),
  );
  await nft(
    workstationNs,
    `table ip hwlab {
  chain postrouting {
    type nat hook postrouting priority srcnat;
    ip saddr ${operatorIp} masquerade
  }
}
`,
  );
};

/**
 * The shared LAN (`up --lan`): a bridge in the router namespace and a second
 * link `lan0` in every host with a LAN address and the workstation. The
 * bridge has no address and the router forwards nothing onto it, so the LAN
 * reaches nothing but its members; it gives them only a connected /24, no
 * default route. VRRP and ARP between hosts are real, on one L2 segment.
 */
export const setupLan = async (hosts: readonly HostPlan[]) => {
  const members = [
    {ns: workstationNs, link: lanLink('ws'), address: workstationLanIp},
    ...hosts.flatMap((host) =>
      host.lan ? [{ns: hostNs(host.name), link: lanLink(host.name), address: host.lan}] : [],
    ),
  ];
  await batch(routerNs, [`link add ${lanBridge} type bridge`]);
  await batch(undefined, [
    ...members.map(
      (member) =>
        `link add ${member.link} netns ${routerNs} type veth peer name ${lanInterface} netns ${member.ns}`,
    ),
  ]);
  // The router only carries the segment: not even an IPv6 link-local address of its own on it.
  await run([
    'ip',
    'netns',
    'exec',
    routerNs,
    'sysctl',
    '-qw',
    ...[lanBridge, ...members.map((member) => member.link)].map(
      (link) => `net.ipv6.conf.${link}.disable_ipv6=1`,
    ),
  ]);
  await batch(routerNs, [`link set ${lanBridge} up`]);
  await batch(
    routerNs,
    members.flatMap((member) => [
      `link set ${member.link} master ${lanBridge}`,
      `link set ${member.link} up`,
    ]),
  );
  await Promise.all(
    members.map((member) =>
      batch(member.ns, [
        `addr add ${member.address}/${lanPrefixLength} dev ${lanInterface}`,
        `link set ${lanInterface} up`,
      ]),
    ),
  );
};

/**
 * Cuts a host off the network: its veth is set down on the router's side, like a pulled cable
 * (packets to and from it are dropped; no RST, so SSH and the control server notice only by
 * their own keepalives and probes).
 */
export const cutHost = async (host: string) => {
  await ip(routerNs, 'link', 'set', hostLink(host), 'down');
  // On a LAN (`up --lan`) the same cable is the host's LAN link too.
  await ip(routerNs, 'link', 'set', lanLink(host), 'down').catch(() => undefined);
};

/** Undoes cutHost: the link up again and the router's route to the host back (the kernel drops it with the link). */
export const mendHost = async (host: string, underlay: string) => {
  await ip(routerNs, 'link', 'set', hostLink(host), 'up');
  await ip(routerNs, 'route', 'replace', `${underlay}/32`, 'dev', hostLink(host), 'src', routerIp);
  await ip(routerNs, 'link', 'set', lanLink(host), 'up').catch(() => undefined);
};

/**
 * Puts hosts behind a NAT no direct path gets through: the router drops UDP between each of them
 * and every other host (WireGuard's direct path and disco), so their tailscaled fall back to the
 * control server's DERP relay, which runs over TCP. An empty list makes every path direct again.
 */
export const setRelayed = async (relayed: readonly HostPlan[], all: readonly HostPlan[]) => {
  const lines = relayed.flatMap((host) =>
    all
      .filter((other) => other.name !== host.name)
      .flatMap((other) => [
        `    ip saddr ${host.underlay} ip daddr ${other.underlay} meta l4proto udp drop`,
        `    ip saddr ${other.underlay} ip daddr ${host.underlay} meta l4proto udp drop`,
      ]),
  );
  await run(['ip', 'netns', 'exec', routerNs, 'nft', 'delete', 'table', 'ip', 'hwlab-relay']).catch(
    () => undefined,
  );
  if (lines.length === 0) return;
  await nft(
    routerNs,
    `table ip hwlab-relay {
  chain forward {
    type filter hook forward priority filter;
${lines.join('\n')}
  }
}
`,
  );
};
