// A large status is parsed a peer at a time (split-status.ts); anything that
// reading is not sure of goes to the whole parse. Either way the user must get
// exactly what the whole parse gives: the same tailnet, or the same sentence.
import {readdirSync, readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {decodeStatusBytes} from '../../source/core/tailnet/decode.js';
import {parseStatus, parseWholeStatus} from '../../source/core/tailnet/parse-status.js';
import {parseEachPeer} from '../../source/core/tailnet/split-status.js';

const real = new URL('../../fixtures/real/', import.meta.url);
const captures = readdirSync(real)
  .filter((name) => /^tailscale-status-.*\.json$/.test(name))
  .map((name) => ({name, text: decodeStatusBytes(readFileSync(new URL(name, real)))}));

/** What parseEachPeer read: the entries in order and the rest, or undefined. */
const readByPeer = (text: string) => {
  const entries: [string, unknown][] = [];
  const rest = parseEachPeer(text, (key, value) => {
    entries.push([key, value]);
    return true;
  });
  return rest && {entries, rest: rest.value};
};

/** The same from JSON.parse of the whole text. */
const readWhole = (text: string) => {
  const json = JSON.parse(text) as Record<string, unknown>;
  const peer = json['Peer'];
  const isObject = typeof peer === 'object' && peer !== null && !Array.isArray(peer);
  return {
    entries: isObject ? Object.entries(peer) : [],
    rest: isObject ? {...json, Peer: {}} : json,
  };
};

/** The tailnet, or the sentence a user reads. */
const outcome = (parse: () => unknown) => {
  try {
    return {tailnet: parse()};
  } catch (error) {
    return {error: error instanceof Error ? error.message : String(error)};
  }
};

const key = fc.oneof(
  fc.constantFrom('nodekey:aa', 'nodekey:bb', 'Peer', '__proto__', '7', '07', 'a\\b', 'a"b'),
  fc.string({maxLength: 6}),
);
const scalar = fc.oneof(fc.string({maxLength: 8}), fc.integer(), fc.boolean(), fc.constant(null));
const value = fc.letrec<{value: unknown}>((tie) => ({
  value: fc.oneof(
    {depthSize: 'small'},
    scalar,
    fc.array(tie('value'), {maxLength: 3}),
    fc.dictionary(key, tie('value'), {maxKeys: 3}),
  ),
})).value;
const peer = fc.oneof(
  fc.record(
    {
      ID: fc.oneof(fc.string({maxLength: 4}), fc.integer()),
      HostName: fc.string({maxLength: 8}),
      Tags: fc.array(fc.oneof(fc.string({maxLength: 8}), fc.integer()), {maxLength: 2}),
      TailscaleIPs: fc.constant(['100.64.0.1', 'fd7a:115c:a1e0::1']),
      CapMap: fc.dictionary(fc.string({maxLength: 5}), value, {maxKeys: 2}),
      Location: fc.dictionary(fc.string({maxLength: 5}), scalar, {maxKeys: 2}),
    },
    {requiredKeys: []},
  ),
  value,
);
const status = fc.record(
  {
    Version: fc.oneof(fc.string({maxLength: 5}), fc.integer()),
    BackendState: fc.constantFrom('Running', 'Stopped'),
    Self: fc.oneof(peer, fc.constant(null)),
    Peer: fc.oneof(fc.dictionary(key, peer, {maxKeys: 4}), value),
    User: fc.dictionary(key, value, {maxKeys: 2}),
    MagicDNSSuffix: scalar,
  },
  {requiredKeys: ['BackendState']},
);
/** JSON text as tailscale writes it (indented) or compact, sometimes spoiled. */
const text = fc
  .tuple(
    status,
    fc.constantFrom(undefined, 2, '\t'),
    fc.nat(),
    fc.constantFrom('', '}', '"', ',', '\\', ' x'),
  )
  .map(([value, indent, at, spoil]) => {
    const json = JSON.stringify(value, null, indent);
    const place = at % (json.length + 1);
    return `${json.slice(0, place)}${spoil}${json.slice(place)}`;
  });

describe('reading a status a peer at a time', () => {
  it('reads what JSON.parse reads, in its order, whenever it reads anything', () => {
    let read = 0;
    fc.assert(
      fc.property(text, (input) => {
        const byPeer = readByPeer(input);
        if (byPeer === undefined) return;
        read += 1;
        expect(byPeer).toEqual(readWhole(input));
      }),
      {numRuns: 3000},
    );
    // Not a property that holds by reading nothing.
    expect(read).toBeGreaterThan(300);
  });

  it('reads every real capture, indented or compact', () => {
    for (const {text: capture} of captures) {
      const compact = JSON.stringify(JSON.parse(capture));
      for (const input of [capture, compact]) {
        const byPeer = readByPeer(input);
        expect(byPeer).toBeDefined();
        expect(byPeer).toEqual(readWhole(input));
      }
    }
  });

  it('leaves to the whole parse what it is not sure of', () => {
    for (const unsure of [
      '{"Peer":{"a":{},"a":{}}}', // a duplicate: JSON.parse keeps the last
      '{"Peer":{"1":{},"a":{}}}', // a number: JSON.parse puts it first
      '{"Peer":{"a\\u0062":{}}}', // an escape in a key
      '{"P\\u0065er":{"a":{}}}', // Peer itself spelled with an escape
      '{"Peer":{},"Peer":{"a":{}}}', // two Peer objects
      '{"Peer":{"a":[]}}', // a peer that is not an object
      '{"Peer":{"a":{}}} x', // not JSON after all
    ])
      expect(readByPeer(unsure)).toBeUndefined();
  });

  it('gives the tailnet or the sentence the whole parse gives', () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(outcome(() => parseStatus(input, 'status.json'))).toEqual(
          outcome(() => parseWholeStatus(input, 'status.json')),
        );
      }),
      {numRuns: 3000},
    );
    for (const {name, text: capture} of captures)
      expect(outcome(() => parseStatus(capture, name))).toEqual(
        outcome(() => parseWholeStatus(capture, name)),
      );
  });
});
