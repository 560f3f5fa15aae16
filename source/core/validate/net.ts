import ipaddr from 'ipaddr.js';
import {parseCidr} from '../net/address.js';

export interface Range {
  /** Canonical text, e.g. `10.244.0.0/16`. */
  readonly text: string;
  readonly cidr: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

export type Parsed<T> =
  {readonly ok: true; readonly value: T} | {readonly ok: false; readonly problem: string};

const isDotted = (text: string): boolean => ipaddr.IPv4.isValidFourPartDecimal(text);

/** A strict dotted-quad IPv4 address (no `10.1`, no octal, no hostname). */
export const parseIpv4 = (text: string): Parsed<ipaddr.IPv4> => {
  const trimmed = text.trim();
  if (trimmed === '') return {ok: false, problem: 'is empty'};
  if (!isDotted(trimmed)) return {ok: false, problem: 'is not an IPv4 address'};
  return {ok: true, value: ipaddr.IPv4.parse(trimmed)};
};

/** An IPv4 CIDR whose host bits are zero; suggests the network when they are not. */
export const parseIpv4Cidr = (text: string): Parsed<Range> => {
  const trimmed = text.trim();
  if (trimmed === '') return {ok: false, problem: 'is empty'};
  const [address = '', prefix, ...rest] = trimmed.split('/');
  if (prefix === undefined || rest.length > 0 || !/^\d{1,2}$/.test(prefix) || !isDotted(address)) {
    return {ok: false, problem: 'is not an IPv4 CIDR such as 10.244.0.0/16'};
  }
  let cidr: [ipaddr.IPv4, number];
  try {
    cidr = ipaddr.IPv4.parseCIDR(trimmed);
  } catch {
    return {ok: false, problem: 'has a prefix length outside 0-32'};
  }
  const network = ipaddr.IPv4.networkAddressFromCIDR(trimmed).toString();
  if (network !== cidr[0].toString()) {
    return {ok: false, problem: `has host bits set (did you mean ${network}/${cidr[1]}?)`};
  }
  return {ok: true, value: {text: `${network}/${cidr[1]}`, cidr}};
};

/** Any IPv4 or IPv6 prefix, for routes read from the tailnet (already normalised there). */
export const parseAnyCidr = (text: string): Range | undefined => {
  const cidr = parseCidr(text);
  return cidr && {text, cidr};
};

export const hostRange = (address: ipaddr.IPv4): Range => ({
  text: `${address.toString()}/32`,
  cidr: [address, 32],
});

/** Two prefixes overlap exactly when one contains the other's network address. */
export const overlaps = (a: Range, b: Range): boolean => {
  const [addressA] = a.cidr;
  const [addressB] = b.cidr;
  if (addressA.kind() !== addressB.kind()) return false;
  return addressA.match(b.cidr as never) || addressB.match(a.cidr as never);
};

export const contains = (range: Range, address: ipaddr.IPv4): boolean =>
  range.cidr[0].kind() === 'ipv4' && address.match(range.cidr as [ipaddr.IPv4, number]);

export const isPrivate = (address: ipaddr.IPv4): boolean => address.range() === 'private';
