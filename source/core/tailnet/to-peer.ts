import {isDottedIpv4, isIpv6, parseCidr} from '../net/address.js';
import {lanAddresses} from './lan-addresses.js';
import {printable} from './printable.js';
import type {RawPeer} from './status-schema.js';
import type {Peer} from './types.js';

const exitRoutes = new Set(['0.0.0.0/0', '::/0']);

const normaliseCidr = (text: string): string | undefined => {
  const cidr = parseCidr(text);
  return cidr && `${cidr[0].toString()}/${cidr[1]}`;
};

const ownRoutes = (ips: readonly string[]): Set<string> =>
  new Set(
    ips.flatMap((text) => {
      if (isDottedIpv4(text)) return [`${text}/32`];
      return isIpv6(text) ? [`${text.toLowerCase()}/128`] : [];
    }),
  );

/**
 * AllowedIPs beyond the peer's own addresses, plus PrimaryRoutes, without exit
 * routes. Runs for every peer of a large tailnet, where nearly every entry is
 * the peer's own /32 or /128: those are skipped by their text before any
 * parsing, and nothing else is built until a route is left.
 */
/** `text` is `ip/32` or `ip/128`, compared in place rather than built for each address. */
const isOwnRoute = (text: string, ip: string): boolean =>
  text.startsWith(ip) &&
  ((text.length === ip.length + 3 && text.endsWith('/32')) ||
    (text.length === ip.length + 4 && text.endsWith('/128')));

const none: readonly string[] = Object.freeze([]);

/** Whether `text` is one of `ips` as a host route: compared in place, without a closure per entry. */
const isOwnRouteOf = (text: string, ips: readonly string[]): boolean => {
  for (let at = 0; at < ips.length; at += 1) if (isOwnRoute(text, ips[at]!)) return true;
  return false;
};

/** Adds the routes of `list` that are neither the peer's own addresses nor exit routes. */
const addRoutes = (
  list: readonly string[] | null | undefined,
  ips: readonly string[],
  routes: Set<string> | undefined,
): Set<string> | undefined => {
  if (!list) return routes;
  let own: Set<string> | undefined;
  for (let at = 0; at < list.length; at += 1) {
    const text = list[at]!;
    if (isOwnRouteOf(text, ips)) continue;
    const route = normaliseCidr(text);
    if (route === undefined || exitRoutes.has(route)) continue;
    own ??= ownRoutes(ips);
    if (!own.has(route)) (routes ??= new Set()).add(route);
  }
  return routes;
};

const advertisedRoutes = (raw: RawPeer): readonly string[] => {
  const ips = raw.TailscaleIPs ?? none;
  const routes = addRoutes(raw.AllowedIPs, ips, addRoutes(raw.PrimaryRoutes, ips, undefined));
  return routes ? [...routes] : none;
};

/** The list itself when every entry is printable (nearly always): no copy to make. */
const printableList = (list: readonly string[] | null | undefined): readonly string[] => {
  if (!list || list.length === 0) return none;
  for (let at = 0; at < list.length; at += 1)
    if (printable(list[at]!) !== list[at]) return list.map((text) => printable(text));
  return list;
};

/** One `PeerStatus`, already validated, as the wizard sees it. */
export const toPeer = (raw: RawPeer, fallbackId: string, isSelf: boolean): Peer => {
  const ips = raw.TailscaleIPs ?? none;
  const keyExpiry =
    raw.KeyExpiry && !Number.isNaN(Date.parse(raw.KeyExpiry)) ? raw.KeyExpiry : undefined;
  return {
    id: printable(String(raw.ID ?? fallbackId)),
    hostName: printable(raw.HostName ?? ''),
    dnsName: printable(raw.DNSName?.endsWith('.') ? raw.DNSName.slice(0, -1) : (raw.DNSName ?? '')),
    os: printable(raw.OS ?? ''),
    // The text is canonical already where it validates: a strict dotted quad
    // is; tailscale prints IPv6 in RFC 5952 form, lowercased here.
    ipv4: ips.find(isDottedIpv4),
    ipv6: ips.find(isIpv6)?.toLowerCase(),
    online: isSelf ? true : (raw.Online ?? false),
    isSelf,
    tags: printableList(raw.Tags),
    primaryRoutes: raw.PrimaryRoutes?.length
      ? raw.PrimaryRoutes.flatMap((text) => normaliseCidr(text) ?? [])
      : none,
    advertisedRoutes: advertisedRoutes(raw),
    keyExpiry,
    keyExpired: raw.Expired ?? false,
    relay: printable(raw.Relay ?? ''),
    direct: (raw.CurAddr ?? '') !== '',
    lanAddresses: lanAddresses(raw.Addrs, raw.CurAddr),
    exitNodeOption: raw.ExitNodeOption ?? false,
  };
};
