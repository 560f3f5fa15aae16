// The per-peer check of `tailscale status --json`, by hand: the same rules as
// status-schema.ts's peerSchema (every key optional or null; strings, booleans,
// lists of strings; ID a string or a number), without zod's machinery per
// peer. At 10,000 peers zod's compiled check was ~25 ms of the parse; this is a
// few. zod stays the reference: a peer this refuses is checked again by zod for
// the message, and test/core/peer-shape.test.ts holds the two to the same answers.
type Kind = 'string' | 'boolean' | 'strings' | 'id';

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

const fields = Object.entries(peerFields);

const allStrings = (value: unknown): boolean => {
  if (!Array.isArray(value)) return false;
  for (const entry of value) if (typeof entry !== 'string') return false;
  return true;
};

const fits = (kind: Kind, value: unknown): boolean => {
  if (value === undefined || value === null) return true;
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'strings':
      return allStrings(value);
    case 'id':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
  }
};

/** Whether `value` passes peerSchema: an object whose known keys hold what they should. */
export const isPeerShape = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  for (const [key, kind] of fields) if (!fits(kind, record[key])) return false;
  return true;
};
