import * as z from 'zod';

// `tailscale status --json` is documented as "format subject to change": accept
// unknown keys (z.object drops them, 4x faster than keeping them, and nothing reads
// them), treat nearly every key as optional, and accept
// `null` wherever Go may marshal a nil slice, map or pointer.
const list = z.array(z.string()).nullish();

export const peerSchema = z.object({
  ID: z.union([z.string(), z.number()]).nullish(),
  HostName: z.string().nullish(),
  DNSName: z.string().nullish(),
  OS: z.string().nullish(),
  TailscaleIPs: list,
  AllowedIPs: list,
  Tags: list,
  PrimaryRoutes: list,
  Online: z.boolean().nullish(),
  KeyExpiry: z.string().nullish(),
  Expired: z.boolean().nullish(),
  Relay: z.string().nullish(),
  ExitNodeOption: z.boolean().nullish(),
});

// The whole status in one schema, so a malformed one is described by its first
// issue with the full path (`Peer.<key>.HostName`); zod reports issues in the
// order of these keys.
export const statusSchema = z.object({
  Version: z.string().nullish(),
  BackendState: z.string(),
  Self: peerSchema.nullish(),
  Peer: z.record(z.string(), peerSchema).nullish(),
  MagicDNSSuffix: z.string().nullish(),
  CurrentTailnet: z.object({MagicDNSSuffix: z.string().nullish()}).nullish(),
});

// The same checks split up for the common case, a good status: the top level
// first, then each peer on its own right before it is converted. The peers are
// validated, not parsed: a parse builds a copy of what it reads, and building
// 10,000 copies while the fresh JSON was still young cost the garbage collector
// more than the checks themselves. Callers re-run statusSchema on any failure,
// for its message.
export const topSchema = statusSchema.extend({
  Self: z.unknown().optional(),
  // Only that Peer is an object (JSON has no other kind): z.object({}) drops
  // its entries instead of copying them.
  Peer: z.object({}).nullish(),
});

const selfSchema = peerSchema.nullish();
let compiled: {self: typeof selfSchema; peer: typeof peerSchema} | undefined;

/**
 * The per-peer checks for a status of `count` peers. zod's compiled checks
 * allocate less and run faster than its interpreter (~70 ms less at 10,000
 * peers), but compiling costs ~5 ms: more than the interpreter spends on a
 * tailnet of a few hundred peers, or on the demo's at start-up.
 */
export const peerChecks = (count: number) =>
  count < 1000
    ? {self: selfSchema, peer: peerSchema}
    : (compiled ??= {self: z.compile(selfSchema), peer: z.compile(peerSchema)});

export type RawPeer = z.infer<typeof peerSchema>;
