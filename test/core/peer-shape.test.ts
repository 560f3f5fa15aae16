// The hand-written per-peer check must answer exactly as zod's peerSchema does,
// which stays the reference (and writes the message when a peer is refused).
import fc from 'fast-check';
import * as z from 'zod/mini';
import {describe, expect, it} from 'vitest';
import {isPeerShape, isTopShape, peerFields} from '../../source/core/tailnet/peer-shape.js';
import {peerSchema, selfSchema, topSchema} from '../../source/core/tailnet/status-schema.js';
import {parseStatus} from '../../source/core/tailnet/parse-status.js';

const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.array(fc.string(), {maxLength: 3}),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), {maxLength: 3}),
  fc.dictionary(fc.string(), fc.string(), {maxKeys: 2}),
);
const keys = [...Object.keys(peerFields), 'Unknown', 'Capabilities'];
const peerLike = fc.oneof(
  fc.dictionary(fc.constantFrom(...keys), anything, {maxKeys: keys.length}),
  anything,
  fc.array(anything, {maxLength: 2}),
);

describe('the per-peer check', () => {
  it('names the same keys as peerSchema', () => {
    expect(Object.keys(peerFields).sort()).toEqual(Object.keys(peerSchema.def.shape).sort());
  });

  it('accepts and refuses exactly what zod does', () => {
    fc.assert(
      fc.property(peerLike, (value) => {
        expect(isPeerShape(value)).toBe(z.safeParse(peerSchema, value).success);
      }),
      {numRuns: 5000},
    );
  });

  it('a bad peer among good ones is named by its path, as zod words it', () => {
    const status = {
      BackendState: 'Running',
      Peer: {good: {HostName: 'a', Tags: ['tag:k8s']}, bad: {HostName: 'b', Tags: ['tag:x', 7]}},
    };
    expect(() => parseStatus(JSON.stringify(status), 'status.json')).toThrow(
      /status\.json is not `tailscale status --json` output \(Peer\.bad\.Tags\[1\]: .*expected string/i,
    );
  });
});

describe('the top-level check', () => {
  const tops = fc.oneof(
    fc.record(
      {
        Version: anything,
        BackendState: fc.oneof(fc.constant('Running'), anything),
        Self: fc.oneof(peerLike, fc.record({HostName: fc.string(), Tags: anything})),
        Peer: fc.oneof(fc.constant({}), anything),
        MagicDNSSuffix: anything,
        CurrentTailnet: fc.oneof(fc.record({MagicDNSSuffix: anything}), anything),
        Unknown: anything,
      },
      {requiredKeys: []},
    ),
    anything,
  );

  it('accepts and refuses exactly what zod does (topSchema, then Self by selfSchema)', () => {
    fc.assert(
      fc.property(tops, (value) => {
        const zod = z.safeParse(topSchema, value);
        const expected =
          zod.success && z.safeParse(selfSchema, (value as {Self?: unknown}).Self).success;
        expect(isTopShape(value)).toBe(expected);
      }),
      {numRuns: 5000},
    );
  });
});
