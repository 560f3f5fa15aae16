// Property-based tests (issue 5, "Bad input"): the network math agrees with
// plain integer arithmetic and is symmetric; the status parser, fed the real
// fixtures mutated every way a broken or hostile tailscale could, either
// returns a tailnet whose strings are printable or throws the one clear
// InputError, never anything else.
import {readFileSync, readdirSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {InputError} from '../../source/core/errors.js';
import {parseStatus} from '../../source/core/tailnet/parse-status.js';
import {overlaps, parseIpv4Cidr} from '../../source/core/validate/net.js';

const real = new URL('../../fixtures/real/', import.meta.url);

const cidrArbitrary = fc
  .tuple(fc.integer({min: 0, max: 2 ** 32 - 1}), fc.integer({min: 0, max: 32}))
  .map(([address, prefix]) => {
    // Clear the host bits, so every generated CIDR is one the validator accepts.
    const network = prefix === 0 ? 0 : (address >>> (32 - prefix)) << (32 - prefix);
    const unsigned = network >>> 0;
    const text = [24, 16, 8, 0].map((shift) => (unsigned >>> shift) & 255).join('.');
    return {text: `${text}/${prefix}`, start: unsigned, size: 2 ** (32 - prefix)};
  });

describe('CIDR math', () => {
  it('overlap is symmetric and agrees with integer ranges', () => {
    fc.assert(
      fc.property(cidrArbitrary, cidrArbitrary, (a, b) => {
        const parsedA = parseIpv4Cidr(a.text);
        const parsedB = parseIpv4Cidr(b.text);
        if (!parsedA.ok || !parsedB.ok) throw new Error(`rejected ${a.text} or ${b.text}`);
        const expected = a.start < b.start + b.size && b.start < a.start + a.size;
        expect(overlaps(parsedA.value, parsedB.value)).toBe(expected);
        expect(overlaps(parsedB.value, parsedA.value)).toBe(expected);
      }),
      {numRuns: 2000},
    );
  });

  it('a CIDR with host bits set is refused, naming the network it meant', () => {
    fc.assert(
      fc.property(
        cidrArbitrary.filter((cidr) => cidr.size > 1),
        fc.integer({min: 1, max: 2 ** 31}),
        (cidr, offset) => {
          const inside = (cidr.start + (offset % cidr.size)) >>> 0;
          fc.pre(inside !== cidr.start);
          const text = [24, 16, 8, 0].map((shift) => (inside >>> shift) & 255).join('.');
          const parsed = parseIpv4Cidr(`${text}/${cidr.text.split('/')[1]}`);
          expect(parsed).toEqual({
            ok: false,
            problem: `has host bits set (did you mean ${cidr.text}?)`,
          });
        },
      ),
      {numRuns: 500},
    );
  });
});

const fixtures = readdirSync(real)
  .filter((name) => name.startsWith('tailscale-status-') && name.endsWith('.json'))
  .filter((name) => !name.includes('utf16le'))
  .map((name) => JSON.parse(readFileSync(new URL(name, real), 'utf8')) as Record<string, unknown>);

/** What a hostile or broken value looks like in JSON. */
const junk = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.string({unit: 'binary', maxLength: 40}),
  fc.constantFrom(
    '$(reboot)',
    '`id`; rm -rf /',
    "'; DROP TABLE",
    '\u001b[2J\u001b[31mred',
    '\u0007\u0000\r\n',
    'a'.repeat(100_000),
  ),
  fc.array(fc.string({maxLength: 10}), {maxLength: 3}),
  fc.dictionary(fc.string({maxLength: 5}), fc.string({maxLength: 5}), {maxKeys: 2}),
);

/** One mutation at a path: the field removed, or replaced by junk. */
const mutate = (value: unknown, path: readonly string[], replacement: unknown, remove: boolean) => {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const [head = '', ...rest] = path;
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ({...value} as Record<string, unknown>)
    : {...(value as Record<string, unknown>)};
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = mutate(copy[head], rest, replacement, remove);
  return Array.isArray(value) ? Object.values(copy) : copy;
};

/** Every path into a fixture (objects only), so mutations reach Self, Peer and each peer's fields. */
const pathsOf = (value: unknown, prefix: string[] = [], depth = 0): string[][] => {
  if (typeof value !== 'object' || value === null || depth > 3) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    [...prefix, key],
    ...pathsOf(child, [...prefix, key], depth + 1),
  ]);
};

// eslint-disable-next-line no-control-regex -- what must never reach a terminal from the tailnet
const controlCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('the status parser on mutated real fixtures', () => {
  it('returns printable peers or throws an InputError, never anything else', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
    const cases = fc.integer({min: 0, max: fixtures.length - 1}).chain((index) => {
      const fixture = fixtures[index]!;
      const paths = pathsOf(fixture);
      return fc.record({
        fixture: fc.constant(fixture),
        mutations: fc.array(
          fc.record({
            path: fc.constantFrom(...paths),
            replacement: junk,
            remove: fc.boolean(),
          }),
          {minLength: 1, maxLength: 4},
        ),
      });
    });
    fc.assert(
      fc.property(cases, ({fixture, mutations}) => {
        const mutated = mutations.reduce<unknown>(
          (value, {path, replacement, remove}) => mutate(value, path, replacement, remove),
          fixture,
        );
        let tailnet;
        try {
          tailnet = parseStatus(JSON.stringify(mutated), 'status.json');
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).message.split('\n')).toHaveLength(1);
          return;
        }
        for (const peer of tailnet.peers) {
          for (const text of [peer.hostName, peer.dnsName, peer.os, peer.id, ...peer.tags])
            expect(controlCharacters.test(text), JSON.stringify(text)).toBe(false);
        }
      }),
      {numRuns: 400},
    );
  });

  it('hostile host names and tags stay data: shell metacharacters are kept, control characters shown escaped', () => {
    const fixture = fixtures[0]!;
    const self = fixture['Self'] as Record<string, unknown>;
    const hostile = {
      ...fixture,
      Self: {...self, HostName: '$(reboot)`id`;\u001b[31mx', Tags: ['tag:a;rm -rf /', '\u0007']},
    };
    const peer = parseStatus(JSON.stringify(hostile), 'status.json').peers.find((p) => p.isSelf);
    expect(peer?.hostName.startsWith('$(reboot)`id`;')).toBe(true);
    expect(controlCharacters.test(peer?.hostName ?? '')).toBe(false);
    expect(peer?.tags[0]).toBe('tag:a;rm -rf /');
    expect(controlCharacters.test(peer?.tags[1] ?? '')).toBe(false);
  });
});
