import * as z from 'zod/mini';
import {InputError} from '../errors.js';
import {isPeerShape} from './peer-shape.js';
import {printable} from './printable.js';
import {readGoodStatus, statusText, tailnetOf} from './read-status.js';
import {peerSchema, selfSchema, statusSchema, topSchema, type RawPeer} from './status-schema.js';
import {toPeer} from './to-peer.js';
import type {Peer, Tailnet} from './types.js';

const jsonErrorPlace = (text: string, error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return message;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
};

const looksLikeTextStatus = (text: string): boolean =>
  /^\s*(?:\d{1,3}\.){3}\d{1,3}\s+\S+/m.test(text);

const describeIssue = (issue: z.core.$ZodIssue): string => {
  const path = issue.path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('');
  return `${printable(path.replace(/^\./, '')) || 'the top level'}: ${issue.message}`;
};

/**
 * Parses `tailscale status --json` output (bytes as written, any BOM) into a
 * Tailnet. Throws InputError with one sentence when the input cannot be used.
 */
export const parseStatus = (input: Uint8Array | string, source: string): Tailnet => {
  const text = statusText(input);
  if (text.trim() === '')
    throw new InputError(`${source} is empty: expected the output of \`tailscale status --json\`.`);
  return readGoodStatus(text, source) ?? parseWholeStatus(text, source);
};

/**
 * The whole text parsed at once: every status readGoodStatus (read-status.ts) declines, and each
 * message. Exported for the test that holds the two readings to one answer.
 */
export const parseWholeStatus = (text: string, source: string): Tailnet => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    if (looksLikeTextStatus(text)) {
      throw new InputError(
        `${source} holds the text output of \`tailscale status\`; run \`tailscale status --json\` instead.`,
      );
    }
    throw new InputError(
      `${source} is not valid JSON (${jsonErrorPlace(text, error)}); save it again with \`tailscale status --json > FILE\`.`,
    );
  }
  // The first issue, as statusSchema would report it. A bad peer is described
  // on its own: the peers before it passed (and were let go of, below).
  const malformed = (peer?: {key: string; raw: unknown}): InputError => {
    const first = peer
      ? z.safeParse(peerSchema, peer.raw).error?.issues.map((issue) => ({
          ...issue,
          path: ['Peer', peer.key, ...issue.path],
        }))[0]
      : z.safeParse(statusSchema, json).error?.issues[0];
    return new InputError(
      `${source} is not \`tailscale status --json\` output (${first ? describeIssue(first) : 'unexpected shape'}).`,
    );
  };
  const top = z.safeParse(topSchema, json);
  if (!top.success) throw malformed();
  const status = top.data;
  // The entries themselves, which topSchema checked only to be an object.
  const peers = (json as {Peer?: Record<string, unknown> | null}).Peer ?? {};
  const keys = Object.keys(peers);
  // Every peer is checked before BackendState, as statusSchema did in one go.
  if (!z.validate(selfSchema, status.Self)) throw malformed();
  const self = status.Self ? toPeer(status.Self, 'self', true) : undefined;
  const others: Peer[] = [];
  for (const key of keys) {
    const raw = peers[key];
    if (!isPeerShape(raw)) throw malformed({key, raw});
    others.push(toPeer(raw as RawPeer, key, false));
    // Let go of the converted entry: the collector then has fewer live objects
    // of the fresh JSON to copy when it runs partway through a large tailnet.
    peers[key] = null;
  }
  if (status.BackendState !== 'Running') {
    throw new InputError(
      `Tailscale is not running on ${source === 'tailscale status' ? 'this machine' : `the machine behind ${source}`} (BackendState ${printable(status.BackendState)}): run \`tailscale up\` and log in first, or try the demo with --demo.`,
    );
  }
  return tailnetOf(status, self, others, source);
};
