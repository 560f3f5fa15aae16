// zod's mini build: the same checks and messages as `zod` without its method
// chains, a fifth of the code to load before the wizard's first frame. Its
// messages come from the English locale, which `zod` itself installs on import.
import {en} from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());
// Without zod's compiled parsers: each of these schemas runs once per status
// (the peers are checked by peer-shape.ts), and compiling a parser with
// new Function on first use cost more than it ever saves here, before the
// wizard's first frame. Same checks, same issues.
z.config({jitless: true});

// `tailscale status --json` is documented as "format subject to change": accept
// unknown keys (z.object drops them, 4x faster than keeping them, and nothing reads
// them), treat nearly every key as optional, and accept
// `null` wherever Go may marshal a nil slice, map or pointer.
const list = z.nullish(z.array(z.string()));

export const peerSchema = z.object({
  ID: z.nullish(z.union([z.string(), z.number()])),
  HostName: z.nullish(z.string()),
  DNSName: z.nullish(z.string()),
  OS: z.nullish(z.string()),
  TailscaleIPs: list,
  AllowedIPs: list,
  Tags: list,
  PrimaryRoutes: list,
  Online: z.nullish(z.boolean()),
  KeyExpiry: z.nullish(z.string()),
  Expired: z.nullish(z.boolean()),
  Relay: z.nullish(z.string()),
  CurAddr: z.nullish(z.string()),
  Addrs: list,
  ExitNodeOption: z.nullish(z.boolean()),
});

// The whole status in one schema, so a malformed one is described by its first
// issue with the full path (`Peer.<key>.HostName`); zod reports issues in the
// order of these keys.
export const statusSchema = z.object({
  Version: z.nullish(z.string()),
  BackendState: z.string(),
  Self: z.nullish(peerSchema),
  Peer: z.nullish(z.record(z.string(), peerSchema)),
  MagicDNSSuffix: z.nullish(z.string()),
  CurrentTailnet: z.nullish(z.object({MagicDNSSuffix: z.nullish(z.string())})),
});

// The same checks split up for the common case, a good status: the top level
// first, then each peer on its own right before it is converted. The peers are
// validated, not parsed: a parse builds a copy of what it reads, and building
// 10,000 copies while the fresh JSON was still young cost the garbage collector
// more than the checks themselves. Callers re-run statusSchema on any failure,
// for its message.
export const topSchema = z.extend(statusSchema, {
  Self: z.optional(z.unknown()),
  // Only that Peer is an object (JSON has no other kind): z.object({}) drops
  // its entries instead of copying them.
  Peer: z.nullish(z.object({})),
});

/** Self is checked by zod (one object); the peers by peer-shape.ts, held to peerSchema by a test. */
export const selfSchema = z.nullish(peerSchema);

export type RawPeer = z.infer<typeof peerSchema>;
export type TopStatus = z.infer<typeof topSchema>;
