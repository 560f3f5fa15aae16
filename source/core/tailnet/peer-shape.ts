// The per-peer check of `tailscale status --json`, by hand: the same rules as
// status-schema.ts's peerSchema (every key optional or null; strings, booleans,
// lists of strings; ID a string or a number), without zod's machinery per
// peer. At 10,000 peers zod's compiled check was ~25 ms of the parse; this is a
// few. zod stays the reference: a peer this refuses is checked again by zod for
// the message, and test/core/peer-shape.test.ts holds the two to the same answers.
type Kind = 'string' | 'boolean' | 'strings' | 'id';

/** The keys isPeerShape checks and what each must hold (the test's map of peerSchema). */
export const peerFields: Readonly<Record<string, Kind>> = {
  ID: 'id',
  HostName: 'string',
  DNSName: 'string',
  OS: 'string',
  TailscaleIPs: 'strings',
  AllowedIPs: 'strings',
  Tags: 'strings',
  PrimaryRoutes: 'strings',
  Online: 'boolean',
  KeyExpiry: 'string',
  Expired: 'boolean',
  Relay: 'string',
  CurAddr: 'string',
  Addrs: 'strings',
  ExitNodeOption: 'boolean',
};

// Absent (undefined) or null passes every check, as z.nullish does.
const text = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'string';

const flag = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'boolean';

const texts = (value: unknown): boolean => {
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return false;
  for (let at = 0; at < value.length; at += 1) if (typeof value[at] !== 'string') return false;
  return true;
};

const id = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  typeof value === 'string' ||
  (typeof value === 'number' && Number.isFinite(value));

type Fields = {readonly [key in keyof typeof peerFields]?: unknown};

/**
 * Whether `value` passes peerSchema: an object whose known keys hold what they
 * should. Each key is read by name (not by looping over peerFields): at 10,000
 * peers the named reads are a third of the looped ones.
 */
export const isPeerShape = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const peer = value as Fields;
  return (
    id(peer['ID']) &&
    text(peer['HostName']) &&
    text(peer['DNSName']) &&
    text(peer['OS']) &&
    texts(peer['TailscaleIPs']) &&
    texts(peer['AllowedIPs']) &&
    texts(peer['Tags']) &&
    texts(peer['PrimaryRoutes']) &&
    flag(peer['Online']) &&
    text(peer['KeyExpiry']) &&
    flag(peer['Expired']) &&
    text(peer['Relay']) &&
    text(peer['CurAddr']) &&
    texts(peer['Addrs']) &&
    flag(peer['ExitNodeOption'])
  );
};

const record = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether `value` passes status-schema.ts's topSchema and its Self selfSchema:
 * the top level of a good status, whose peers were checked one at a time.
 * zod stays the reference here too (test/core/peer-shape.test.ts); by hand,
 * a good status is read without loading zod before the wizard's first frame.
 */
export const isTopShape = (value: unknown): boolean => {
  if (!record(value)) return false;
  const top = value as Record<string, unknown>;
  const tailnet = top['CurrentTailnet'];
  const peers = top['Peer'];
  const self = top['Self'];
  return (
    text(top['Version']) &&
    typeof top['BackendState'] === 'string' &&
    (peers === undefined || peers === null || record(peers)) &&
    text(top['MagicDNSSuffix']) &&
    (tailnet === undefined ||
      tailnet === null ||
      (record(tailnet) && text((tailnet as Record<string, unknown>)['MagicDNSSuffix']))) &&
    (self === undefined || self === null || isPeerShape(self))
  );
};
