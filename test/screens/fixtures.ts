import type {Peer, Tailnet} from '../../source/core/tailnet/types.js';
import {loaded} from '../../screens/components/loadable.js';
import {generateArtifacts} from '../../source/core/artifacts/index.js';

export const now = new Date('2026-11-24T12:00:00Z');

/** The real artifact generators, there from the start (the CLI loads them once the user moves past Discover). */
export const artifacts = loaded(generateArtifacts);

export const peer = (index: number, overrides: Partial<Peer> = {}): Peer => ({
  id: `n${index}`,
  hostName: `node-${String(index).padStart(4, '0')}`,
  dnsName: `node-${index}.tail.ts.net`,
  os: 'linux',
  ipv4: `100.64.${Math.floor(index / 250)}.${(index % 250) + 1}`,
  ipv6: undefined,
  online: true,
  isSelf: index === 0,
  tags: ['tag:k8s'],
  primaryRoutes: [],
  advertisedRoutes: [],
  keyExpiry: undefined,
  keyExpired: false,
  relay: '',
  direct: true,
  lanAddresses: [],
  exitNodeOption: false,
  ...overrides,
});

/** A tailnet of `count` devices; every seventh is a phone and so cannot be a node. */
export const bigTailnet = (count: number): Tailnet => ({
  source: 'test',
  backendState: 'Running',
  version: '1.98.0',
  magicDnsSuffix: 'tail.ts.net',
  peers: Array.from({length: count}, (_, index) =>
    peer(index, index % 7 === 6 ? {os: 'android'} : {}),
  ),
});
