// Where a control plane meets the LAN endpoint's VIP (issue 11): from its own
// `ip -j -4 addr show` and `ip -j -4 route get VIP`, which interface the VIP
// goes on, with which prefix, and the node's own address there. keepalived's
// VIP sits on that interface as a `secondary` address of the same subnet, so a
// re-run finds it there and still knows the interface. kube-vip's VIP is a
// /32 of its own (vip_subnet 32), so not `secondary`, but deprecated
// (preferred_lft 0: kube-vip's vip/address.go, so it is never a source
// address), which no address a node is configured with is. Pure: the engine runs
// the commands (JSON output: iproute2 4.14 and later, every supported distro).
import ipaddr from 'ipaddr.js';
import {isDottedIpv4} from './address.js';

export interface InterfaceAddress {
  readonly interface: string;
  readonly address: string;
  readonly prefix: number;
  /** A second address in a subnet the interface already has (keepalived's VIP is one). */
  readonly secondary: boolean;
  /** preferred_lft 0: never a source address (kube-vip's VIP is one). */
  readonly deprecated?: boolean;
}

export interface LanSide {
  readonly interface: string;
  /** The node's own (primary) address in the VIP's subnet. */
  readonly address: string;
  readonly prefix: number;
  /** The subnet, e.g. `10.77.0.0/24`. */
  readonly subnet: string;
  /** The VIP is on this node now (keepalived put it there). */
  readonly holdsVip: boolean;
}

interface IpLink {
  readonly ifname?: string;
  readonly addr_info?: ReadonlyArray<{
    readonly family?: string;
    readonly local?: string;
    readonly prefixlen?: number;
    readonly secondary?: boolean;
    readonly deprecated?: boolean;
  }>;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Every IPv4 address of `ip -j -4 addr show`, with its interface. */
export const parseAddresses = (stdout: string): InterfaceAddress[] => {
  const links = parseJson(stdout);
  if (!Array.isArray(links)) return [];
  return (links as IpLink[]).flatMap((link) =>
    (link.addr_info ?? []).flatMap((info) =>
      info.family === 'inet' &&
      typeof link.ifname === 'string' &&
      typeof info.local === 'string' &&
      isDottedIpv4(info.local) &&
      typeof info.prefixlen === 'number'
        ? [
            {
              interface: link.ifname,
              address: info.local,
              prefix: info.prefixlen,
              secondary: info.secondary === true,
              deprecated: info.deprecated === true,
            },
          ]
        : [],
    ),
  );
};

export interface RouteToVip {
  readonly dev?: string;
  readonly gateway?: string;
  readonly type?: string;
}

/** The first route of `ip -j -4 route get VIP`, or undefined (no route: the command failed). */
export const parseRouteGet = (stdout: string): RouteToVip | undefined => {
  const routes = parseJson(stdout);
  if (!Array.isArray(routes)) return undefined;
  const [first] = routes as Array<Record<string, unknown>>;
  if (!first) return undefined;
  const text = (key: string) =>
    typeof first[key] === 'string' ? (first[key] as string) : undefined;
  const dev = text('dev');
  const gateway = text('gateway');
  const type = text('type');
  return {...(dev ? {dev} : {}), ...(gateway ? {gateway} : {}), ...(type ? {type} : {})};
};

export const subnetOf = (address: string, prefix: number): string =>
  `${ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`).toString()}/${prefix}`;

const contains = (subnet: InterfaceAddress, vip: string): boolean =>
  ipaddr.IPv4.parse(vip).match(ipaddr.IPv4.parse(subnet.address), subnet.prefix);

/**
 * This node's side of the VIP's subnet, or one sentence saying why it has
 * none (naming the node, the interface and the fix). `vip` is a checked
 * dotted-quad address (lan-vip.ts).
 */
export const lanSideOf = (
  node: string,
  vip: string,
  addresses: readonly InterfaceAddress[],
  route: RouteToVip | undefined,
): LanSide | string => {
  /** Put there by an endpoint (keepalived, kube-vip), not configured as the node's own. */
  const placed = (entry: InterfaceAddress) => entry.secondary || entry.deprecated === true;
  const own = addresses.find((entry) => entry.address === vip && !placed(entry));
  if (own)
    return `The VIP ${vip} is ${node}'s own address on ${own.interface}; choose a free address in that subnet for the VIP (ha-wizard plan --vip).`;
  const held = addresses.find((entry) => entry.address === vip);
  const dev = held?.interface ?? route?.dev;
  if (!held) {
    if (!route || !dev)
      return `${node} has no route to the VIP ${vip}; put ${node} on the LAN the VIP belongs to, or choose a VIP in ${node}'s LAN subnet.`;
    if (route.gateway)
      return `${node} reaches the VIP ${vip} through the gateway ${route.gateway} on ${dev}, so ${vip} is not in ${node}'s LAN subnet; choose a VIP in the subnet of ${node}'s LAN interface, or put ${node} on the VIP's LAN.`;
  }
  const side = addresses.find(
    (entry) =>
      entry.interface === dev && !placed(entry) && entry.address !== vip && contains(entry, vip),
  );
  if (!side)
    return `${node}'s interface ${dev ?? '?'} has no address in a subnet holding the VIP ${vip}; give ${dev ?? 'the LAN interface'} an address in the VIP's subnet, or choose a VIP in its subnet.`;
  return {
    interface: side.interface,
    address: side.address,
    prefix: side.prefix,
    subnet: subnetOf(side.address, side.prefix),
    holdsVip: held !== undefined,
  };
};

/**
 * Every control plane on one subnet: one sentence naming the ones on
 * another, or undefined. keepalived's unicast peers and the VIP's ARP move
 * only work on one L2 segment.
 */
export const sharedSubnetProblem = (
  vip: string,
  sides: ReadonlyArray<{readonly node: string; readonly side: LanSide}>,
): string | undefined => {
  const [first, ...rest] = sides;
  if (!first) return undefined;
  const others = rest.filter((entry) => entry.side.subnet !== first.side.subnet);
  if (others.length === 0) return undefined;
  return `The control planes are not on one LAN subnet: ${[first, ...others]
    .map(({node, side}) => `${node} has ${side.subnet} on ${side.interface}`)
    .join(
      ', ',
    )}; keepalived moves the VIP ${vip} only within one subnet, so put every control plane on it (or use --endpoint tailscale-vip).`;
};

/** Who holds the VIP now, from each control plane's addresses. */
export const vipHolders = (
  vip: string,
  addresses: ReadonlyArray<{
    readonly node: string;
    readonly addresses: readonly InterfaceAddress[];
  }>,
): string[] =>
  addresses
    .filter((entry) => entry.addresses.some((address) => address.address === vip))
    .map((entry) => entry.node);

/**
 * `ip -j -4 neigh show to VIP` after a connection attempt to the VIP (an ARP
 * request): the link-layer address that answered, or undefined when nothing
 * did (INCOMPLETE or FAILED, or no entry). arping is not on a default Debian;
 * curl (which the run needs anyway) and ip are.
 */
export const answeringNeighbour = (stdout: string): string | undefined => {
  const entries = parseJson(stdout);
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries as Array<Record<string, unknown>>) {
    const states = Array.isArray(entry['state']) ? (entry['state'] as unknown[]) : [];
    const lladdr = entry['lladdr'];
    if (typeof lladdr !== 'string') continue;
    if (states.some((state) => state === 'FAILED' || state === 'INCOMPLETE')) continue;
    return lladdr;
  }
  return undefined;
};
