// ipaddr.js finds out an address's family by trying one and catching the throw
// (`parseCIDR` tries IPv6 first; `IPv4.isValid` throws inside for IPv6 text).
// A thrown Error costs microseconds for its stack trace, and at 10,000 peers
// those throws were most of discovery's CPU. Only IPv6 text holds a colon, so
// the colon picks the family first; the answers stay ipaddr.js's own.
import ipaddr from 'ipaddr.js';

const looksIpv6 = (text: string): boolean => text.includes(':');

// ipaddr.js's isValidFourPartDecimal as one pattern: four decimal octets of
// 0-255 without leading zeros. It parses nothing and allocates nothing, which
// counts at 10,000 peers; test/core/address.test.ts checks it against ipaddr.js.
const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const dottedQuad = new RegExp(`^(?:${octet}\\.){3}${octet}$`);

/** A strict dotted-quad IPv4 address (no `10.1`, no octal, no hostname). */
export const isDottedIpv4 = (text: string): boolean => dottedQuad.test(text);

// The IPv6 forms tailscale prints (eight groups, or `::` standing for two groups
// or more) are valid without a doubt; anything else is left to ipaddr.js.
const fullIpv6 = /^(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$/i;
const shortIpv6 =
  /^(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?$/i;
/** Hex groups in `text`: the places where a group starts, counted without splitting. */
const groupCount = (text: string): number => {
  let groups = 0;
  for (let at = 0; at < text.length; at += 1)
    if (text[at] !== ':' && (at === 0 || text[at - 1] === ':')) groups += 1;
  return groups;
};

const surelyIpv6 = (text: string): boolean => {
  if (fullIpv6.test(text)) return true;
  if (!shortIpv6.test(text)) return false;
  return groupCount(text) <= 6;
};

export const isIpv6 = (text: string): boolean =>
  looksIpv6(text) && (surelyIpv6(text) || ipaddr.IPv6.isValid(text));

/** An IPv4 or IPv6 prefix as ipaddr.js reads it, or undefined when it is neither. */
export const parseCidr = (text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined => {
  try {
    return looksIpv6(text) ? ipaddr.IPv6.parseCIDR(text) : ipaddr.IPv4.parseCIDR(text);
  } catch {
    return undefined;
  }
};
