// `tailscale status --json` of a large tailnet is mostly its Peer object: at
// 10,000 peers, 10 MB of text. Parsed in one go, the whole tree is alive while
// the peers are converted, and the garbage collector copies it (a third of the
// parse's CPU). Read here, each peer is parsed on its own and can be let go of
// before the next: the collector then finds little alive when it runs.
//
// JSON.parse still reads every byte: of each peer, of the rest of the status
// (its Peer object emptied), and the few characters between them are checked
// here, so the pieces together are valid JSON exactly when the whole is, and
// JSON has one reading. Text this does not read with certainty (escapes in a
// key, a duplicate key, a key that is a number, a peer that is not an object,
// anything JSON.parse refuses) gives undefined, and the caller parses the whole
// text as before, so every message for a malformed status stays the same.

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const colon = 0x3a;
const comma = 0x2c;

const isSpace = (code: number): boolean =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

const skipSpace = (text: string, at: number): number => {
  while (at < text.length && isSpace(text.charCodeAt(at))) at += 1;
  return at;
};

/** The index of the quote that closes the string opening at `at`, or -1. */
const stringEnd = (text: string, at: number): number => {
  let end = text.indexOf('"', at + 1);
  while (end > 0 && text.charCodeAt(end - 1) === backslash) {
    // Escaped only after an odd number of backslashes: `\\"` ends the string.
    let count = 1;
    while (text.charCodeAt(end - 1 - count) === backslash) count += 1;
    if (count % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  return end;
};

/** The index just past the object or array opening at `at`, or -1. */
const nestedEnd = (text: string, at: number): number => {
  let depth = 0;
  for (let index = at; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === quote) {
      index = stringEnd(text, index);
      if (index < 0) return -1;
    } else if (code === openBrace || code === openBracket) depth += 1;
    else if (code === closeBrace || code === closeBracket) {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
};

/** The index just past the value starting at `at` (JSON.parse judges it later), or -1. */
const valueEnd = (text: string, at: number): number => {
  const code = text.charCodeAt(at);
  if (code === quote) {
    const end = stringEnd(text, at);
    return end < 0 ? -1 : end + 1;
  }
  if (code === openBrace || code === openBracket) return nestedEnd(text, at);
  // A number, true, false or null: up to whatever comes after it.
  let end = at;
  while (end < text.length) {
    const next = text.charCodeAt(end);
    if (next === comma || next === closeBrace || next === closeBracket || isSpace(next)) break;
    end += 1;
  }
  return end > at ? end : -1;
};

// A key used as it is in the text: no escapes, no control characters (JSON.parse
// would refuse those), and not an array index (JSON.parse would put it first).
// eslint-disable-next-line no-control-regex
const unusualKey = /[\u0000-\u001f\\]|^(?:0|[1-9]\d*)$/;

interface Member {
  readonly key: string;
  /** Where its value starts. */
  readonly value: number;
}

/** The `"key":` at `at` (after any space), or undefined if unusual. */
const memberAt = (text: string, at: number): Member | undefined => {
  if (text.charCodeAt(at) !== quote) return undefined;
  const end = stringEnd(text, at);
  if (end < 0) return undefined;
  const key = text.slice(at + 1, end);
  if (unusualKey.test(key)) return undefined;
  const after = skipSpace(text, end + 1);
  if (text.charCodeAt(after) !== colon) return undefined;
  return {key, value: skipSpace(text, after + 1)};
};

/** After a value ending at `at`: the next member's start (`,`), -1 at the object's `}`, undefined otherwise. */
const nextMember = (text: string, at: number): number | undefined => {
  const index = skipSpace(text, at);
  const code = text.charCodeAt(index);
  if (code === closeBrace) return -1;
  return code === comma ? skipSpace(text, index + 1) : undefined;
};

/**
 * Where the peer whose `{` is at `start` ends, found fast: the first `}` that
 * another `"key": {` follows (and that next member). That is usually it; a
 * nested object's `}` makes a piece JSON.parse refuses, and the caller then
 * finds the end exactly.
 */
const likelyEnd = (text: string, start: number): {end: number; next: Member} | undefined => {
  let close = text.indexOf('}', start);
  while (close >= 0) {
    const at = nextMember(text, close + 1);
    if (at !== undefined && at >= 0) {
      const next = memberAt(text, at);
      if (next && text.charCodeAt(next.value) === openBrace) return {end: close + 1, next};
    }
    close = text.indexOf('}', close + 1);
  }
  return undefined;
};

const parsed = (text: string, start: number, end: number): {value: unknown} | undefined => {
  try {
    return {value: JSON.parse(text.slice(start, end))};
  } catch {
    return undefined;
  }
};

interface PeerValue {
  readonly value: unknown;
  /** The index past its `}`. */
  readonly end: number;
  /** The member after it, when finding the end read it already. */
  readonly next?: Member | undefined;
}

/** The value of the peer whose `{` is at `start`; undefined if it is not JSON. */
const peerAt = (text: string, start: number): PeerValue | undefined => {
  const likely = likelyEnd(text, start);
  const fast = likely && parsed(text, start, likely.end);
  if (likely && fast) return {value: fast.value, end: likely.end, next: likely.next};
  const end = nestedEnd(text, start);
  const exact = end < 0 ? undefined : parsed(text, start, end);
  return exact && {value: exact.value, end};
};

/**
 * Reads the Peer object whose `{` is at `at`, handing each entry to `onPeer`;
 * the index past its `}`, or undefined when unusual or `onPeer` said stop.
 */
const readPeers = (
  text: string,
  at: number,
  onPeer: (key: string, value: unknown) => boolean,
): number | undefined => {
  const seen = new Set<string>();
  const first = skipSpace(text, at + 1);
  if (text.charCodeAt(first) === closeBrace) return first + 1;
  let member = memberAt(text, first);
  for (;;) {
    if (!member || seen.has(member.key) || text.charCodeAt(member.value) !== openBrace)
      return undefined;
    seen.add(member.key);
    const peer = peerAt(text, member.value);
    if (!peer || !onPeer(member.key, peer.value)) return undefined;
    if (peer.next) member = peer.next;
    else {
      const index = nextMember(text, peer.end);
      if (index === undefined) return undefined;
      if (index === -1) return skipSpace(text, peer.end) + 1;
      member = memberAt(text, index);
    }
  }
};

/**
 * Parses `tailscale status --json` text a peer at a time: `onPeer` gets each
 * entry of the top-level Peer object (its key and parsed value) in the order
 * of the text, and returns false to stop. Returns the rest of the status,
 * parsed, with an empty Peer object; undefined when the text is not read with
 * certainty here or `onPeer` stopped (parse the whole text instead).
 */
export const parseEachPeer = (
  text: string,
  onPeer: (key: string, value: unknown) => boolean,
): {value: unknown} | undefined => {
  let index: number | undefined = skipSpace(text, 0);
  if (text.charCodeAt(index) !== openBrace) return undefined;
  index = skipSpace(text, index + 1);
  let peers: {start: number; end: number} | undefined;
  let peerKeys = 0;
  if (text.charCodeAt(index) === closeBrace) index = undefined;
  while (index !== undefined && index !== -1) {
    const member = memberAt(text, index);
    // A key spelled with escapes could still be Peer: leave it to the whole parse.
    if (!member) return undefined;
    let end: number | undefined;
    if (member.key === 'Peer' && (peerKeys += 1) > 1) return undefined; // JSON.parse keeps the last
    if (member.key === 'Peer' && text.charCodeAt(member.value) === openBrace) {
      end = readPeers(text, member.value, onPeer);
      if (end === undefined) return undefined;
      peers = {start: member.value, end};
    } else {
      end = valueEnd(text, member.value);
      if (end < 0) return undefined;
    }
    index = nextMember(text, end);
    if (index === undefined) return undefined;
  }
  const rest = peers ? `${text.slice(0, peers.start)}{}${text.slice(peers.end)}` : text;
  return parsed(rest, 0, rest.length);
};
