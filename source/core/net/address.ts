// ipaddr.js finds out an address's family by trying one and catching the throw
// (`parseCIDR` tries IPv6 first; `IPv4.isValid` throws inside for IPv6 text).
// A thrown Error costs microseconds for its stack trace, and at 10,000 peers
// those throws were most of discovery's CPU. Only IPv6 text holds a colon, so
// the colon picks the family first; the answers stay ipaddr.js's own.
import ipaddr from 'ipaddr.js';

const looksIpv6 = (text: string): boolean => text.includes(':');

/** A strict dotted-quad IPv4 address (no `10.1`, no octal, no hostname). */
export const isDottedIpv4 = (text: string): boolean =>
  !looksIpv6(text) && ipaddr.IPv4.isValidFourPartDecimal(text);

export const isIpv6 = (text: string): boolean => looksIpv6(text) && ipaddr.IPv6.isValid(text);

/** An IPv4 or IPv6 prefix as ipaddr.js reads it, or undefined when it is neither. */
export const parseCidr = (text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined => {
  try {
    return looksIpv6(text) ? ipaddr.IPv6.parseCIDR(text) : ipaddr.IPv4.parseCIDR(text);
  } catch {
    return undefined;
  }
};
