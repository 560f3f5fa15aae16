import {isDottedIpv4, isIpv6, parseCidr} from '../net/address.js';
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
const advertisedRoutes = (raw: RawPeer): string[] => {
  const ips = raw.TailscaleIPs ?? [];
  let own: Set<string> | undefined;
  let routes: Set<string> | undefined;
  for (const list of [raw.PrimaryRoutes, raw.AllowedIPs]) {
    for (const text of list ?? []) {
      if (ips.some((ip) => text === `${ip}/32` || text === `${ip}/128`)) continue;
      const route = normaliseCidr(text);
      if (route === undefined || exitRoutes.has(route)) continue;
      own ??= ownRoutes(ips);
      if (!own.has(route)) (routes ??= new Set()).add(route);
    }
  }
  return routes ? [...routes] : [];
};

/** One `PeerStatus`, already validated, as the wizard sees it. */
export const toPeer = (raw: RawPeer, fallbackId: string, isSelf: boolean): Peer => {
  const ips = raw.TailscaleIPs ?? [];
  const keyExpiry =
    raw.KeyExpiry && !Number.isNaN(Date.parse(raw.KeyExpiry)) ? raw.KeyExpiry : undefined;
  return {
    id: printable(String(raw.ID ?? fallbackId)),
    hostName: printable(raw.HostName ?? ''),
    dnsName: printable((raw.DNSName ?? '').replace(/\.$/, '')),
    os: printable(raw.OS ?? ''),
    // The text is canonical already where it validates: a strict dotted quad
    // is; tailscale prints IPv6 in RFC 5952 form, lowercased here.
    ipv4: ips.find(isDottedIpv4),
    ipv6: ips.find(isIpv6)?.toLowerCase(),
    online: isSelf ? true : (raw.Online ?? false),
    isSelf,
    tags: (raw.Tags ?? []).map((tag) => printable(tag)),
    primaryRoutes: (raw.PrimaryRoutes ?? []).flatMap((text) => normaliseCidr(text) ?? []),
    advertisedRoutes: advertisedRoutes(raw),
    keyExpiry,
    keyExpired: raw.Expired ?? false,
    relay: printable(raw.Relay ?? ''),
    direct: (raw.CurAddr ?? '') !== '',
    exitNodeOption: raw.ExitNodeOption ?? false,
  };
};
