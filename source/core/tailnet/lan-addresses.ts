import ipaddr from 'ipaddr.js';
import {isDottedIpv4} from '../net/address.js';

const none: readonly string[] = Object.freeze([]);

/** The IPv4 address of an `ip:port` endpoint; IPv6 (`[ip]:port`) and junk give undefined. */
const hostOf = (endpoint: string): string | undefined => {
  const colon = endpoint.lastIndexOf(':');
  const host = colon > 0 ? endpoint.slice(0, colon) : '';
  return isDottedIpv4(host) ? host : undefined;
};

/**
 * The private (RFC 1918) IPv4 addresses among a device's WireGuard endpoints:
 * `Addrs` (the workstation's own interfaces in its Self entry; `null` for
 * most peers) and `CurAddr` (where this machine reaches the peer directly).
 * These are where a LAN endpoint's VIP can live; public and CGNAT addresses
 * are not. Most peers have none, so nothing is built for them.
 */
export const lanAddresses = (
  addrs: readonly string[] | null | undefined,
  curAddr: string | null | undefined,
): readonly string[] => {
  let found: Set<string> | undefined;
  for (const endpoint of [...(addrs ?? none), ...(curAddr ? [curAddr] : none)]) {
    const host = hostOf(endpoint);
    if (host !== undefined && ipaddr.IPv4.parse(host).range() === 'private')
      (found ??= new Set()).add(host);
  }
  return found ? [...found] : none;
};
