// The address checks pick the family by a colon instead of letting ipaddr.js
// try one and catch the throw; they must still answer exactly as it does.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {describe, expect, it} from 'vitest';
import {isDottedIpv4, isIpv6, parseCidr} from '../../source/core/net/address.js';

const near = fc.constantFrom(...'0123456789abcdefABCDEFx:./% '.split(''));
const zone = fc.constantFrom('', '%eth0', '%a-b', '%1', '%', '%a:b');
const address = fc.oneof(
  fc.string({unit: near, maxLength: 45}),
  fc.string({unit: 'binary', maxLength: 20}),
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.tuple(fc.ipV6(), zone).map(([text, suffix]) => text + suffix),
  fc.ipV6().map((text) => text.toUpperCase()),
  // Over-long groups, which ipaddr.js reads (`00001` is 1).
  fc.ipV6().map((text) => text.replace(':', ':0000')),
);
const prefix = fc.tuple(address, fc.integer({min: -1, max: 130})).map(([a, p]) => `${a}/${p}`);

const ipaddrCidr = (text: string) => {
  try {
    return ipaddr.parseCIDR(text).toString();
  } catch {
    return undefined;
  }
};

describe('address checks agree with ipaddr.js', () => {
  it('dotted-quad IPv4', () => {
    fc.assert(
      fc.property(address, (text) => {
        expect(isDottedIpv4(text)).toBe(ipaddr.IPv4.isValidFourPartDecimal(text));
      }),
      {numRuns: 5000},
    );
  });

  it('IPv6', () => {
    fc.assert(
      fc.property(address, (text) => {
        expect(isIpv6(text)).toBe(ipaddr.IPv6.isValid(text));
      }),
      {numRuns: 5000},
    );
  });

  it('CIDR prefixes', () => {
    fc.assert(
      fc.property(fc.oneof(prefix, address), (text) => {
        expect(parseCidr(text)?.toString()).toBe(ipaddrCidr(text));
      }),
      {numRuns: 5000},
    );
  });
});
