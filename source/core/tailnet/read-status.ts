// A good `tailscale status --json`, read without zod: what the wizard does
// before its first frame (discovery, the demo). zod writes the sentence for
// anything this declines (parse-status.ts), and is loaded only then.
import {decodeStatusBytes} from './decode.js';
import {isPeerShape, isTopShape} from './peer-shape.js';
import {printable} from './printable.js';
import {parseEachPeer} from './split-status.js';
import type {RawPeer, TopStatus} from './status-schema.js';
import {toPeer} from './to-peer.js';
import type {Peer, Tailnet} from './types.js';

// One collator for the whole sort: localeCompare sets one up on every call.
const byName = new Intl.Collator('en');

/** The status as text: bytes decoded by their BOM, a string's BOM dropped. */
export const statusText = (input: Uint8Array | string): string =>
  typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeStatusBytes(input);

export const tailnetOf = (
  status: TopStatus,
  self: Peer | undefined,
  others: Peer[],
  source: string,
): Tailnet => {
  others.sort((a, b) => byName.compare(a.hostName, b.hostName) || byName.compare(a.id, b.id));
  return {
    source,
    backendState: status.BackendState,
    version: printable(status.Version ?? ''),
    magicDnsSuffix: printable(status.CurrentTailnet?.MagicDNSSuffix ?? status.MagicDNSSuffix ?? ''),
    peers: self ? [self, ...others] : others,
  };
};

/**
 * A good status, read a peer at a time (split-status.ts): each peer's tree is
 * parsed, checked, converted and dropped before the next, so a large tailnet
 * never has all of its parsed JSON alive at once. Undefined for anything else
 * (text it cannot split, JSON.parse refusing a part, any check failing, a
 * backend not running): parseStatus then says what is wrong.
 */
export const readGoodStatus = (input: Uint8Array | string, source: string): Tailnet | undefined => {
  const others: Peer[] = [];
  const rest = parseEachPeer(statusText(input), (key, raw) => {
    if (!isPeerShape(raw)) return false;
    others.push(toPeer(raw as RawPeer, key, false));
    return true;
  });
  if (!rest || !isTopShape(rest.value)) return undefined;
  const status = rest.value as TopStatus & {Self?: RawPeer | null};
  if (status.BackendState !== 'Running') return undefined;
  const self = status.Self ? toPeer(status.Self, 'self', true) : undefined;
  return tailnetOf(status, self, others, source);
};
