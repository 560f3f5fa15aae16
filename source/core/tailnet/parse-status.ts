import ipaddr from 'ipaddr.js';
import {z} from 'zod';
import {InputError} from '../errors.js';
import {decodeStatusBytes} from './decode.js';
import {printable} from './printable.js';
import type {Peer, Tailnet} from './types.js';

// `tailscale status --json` is documented as "format subject to change": accept
// unknown keys (z.object drops them, 4x faster than keeping them, and nothing reads
// them), treat nearly every key as optional, and accept
// `null` wherever Go may marshal a nil slice, map or pointer.
const list = z.array(z.string()).nullish();

const peerSchema = z.object({
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

const statusSchema = z.object({
  Version: z.string().nullish(),
  BackendState: z.string(),
  Self: peerSchema.nullish(),
  Peer: z.record(z.string(), peerSchema).nullish(),
  MagicDNSSuffix: z.string().nullish(),
  CurrentTailnet: z.object({MagicDNSSuffix: z.string().nullish()}).nullish(),
});

type RawPeer = z.infer<typeof peerSchema>;

const exitRoutes = new Set(['0.0.0.0/0', '::/0']);
// One collator for the whole sort: localeCompare sets one up on every call.
const byName = new Intl.Collator('en');

const normaliseCidr = (text: string): string | undefined => {
  try {
    const [address, prefix] = ipaddr.parseCIDR(text);
    return `${address.toString()}/${prefix}`;
  } catch {
    return undefined;
  }
};

const toPeer = (raw: RawPeer, fallbackId: string, isSelf: boolean): Peer => {
  const addresses = (raw.TailscaleIPs ?? []).flatMap((text) => {
    // Validate without parsing into objects where the text is already canonical:
    // a strict dotted quad is; tailscale prints IPv6 in RFC 5952 form, lowercased here.
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return [{text, kind: 'ipv4'}];
    if (ipaddr.IPv6.isValid(text)) return [{text: text.toLowerCase(), kind: 'ipv6'}];
    return [];
  });
  const ipv4 = addresses.find((address) => address.kind === 'ipv4')?.text;
  const ipv6 = addresses.find((address) => address.kind === 'ipv6')?.text;
  const own = new Set(
    addresses.map((address) => `${address.text}/${address.kind === 'ipv4' ? 32 : 128}`),
  );
  // Most AllowedIPs are the peer's own /32 and /128: skip them by their text before
  // parsing, since IPv6 parsing dominates the discovery of a large tailnet.
  const ownText = new Set((raw.TailscaleIPs ?? []).flatMap((ip) => [`${ip}/32`, `${ip}/128`]));
  const routes = [...(raw.PrimaryRoutes ?? []), ...(raw.AllowedIPs ?? [])]
    .filter((text) => !ownText.has(text))
    .flatMap((text) => normaliseCidr(text) ?? [])
    .filter((route) => !own.has(route) && !exitRoutes.has(route));
  const keyExpiry =
    raw.KeyExpiry && !Number.isNaN(Date.parse(raw.KeyExpiry)) ? raw.KeyExpiry : undefined;
  return {
    id: printable(String(raw.ID ?? fallbackId)),
    hostName: printable(raw.HostName ?? ''),
    dnsName: printable((raw.DNSName ?? '').replace(/\.$/, '')),
    os: printable(raw.OS ?? ''),
    ipv4,
    ipv6,
    online: isSelf ? true : (raw.Online ?? false),
    isSelf,
    tags: (raw.Tags ?? []).map((tag) => printable(tag)),
    primaryRoutes: (raw.PrimaryRoutes ?? []).flatMap((text) => normaliseCidr(text) ?? []),
    advertisedRoutes: [...new Set(routes)],
    keyExpiry,
    keyExpired: raw.Expired ?? false,
    relay: printable(raw.Relay ?? ''),
    exitNodeOption: raw.ExitNodeOption ?? false,
  };
};

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
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeStatusBytes(input);
  if (text.trim() === '')
    throw new InputError(`${source} is empty: expected the output of \`tailscale status --json\`.`);
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
  const parsed = statusSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InputError(
      `${source} is not \`tailscale status --json\` output (${first ? describeIssue(first) : 'unexpected shape'}).`,
    );
  }
  const status = parsed.data;
  if (status.BackendState !== 'Running') {
    throw new InputError(
      `Tailscale is not running on ${source === 'tailscale status' ? 'this machine' : `the machine behind ${source}`} (BackendState ${printable(status.BackendState)}): run \`tailscale up\` and log in first, or try the demo with --demo.`,
    );
  }
  const self = status.Self ? [toPeer(status.Self, 'self', true)] : [];
  const others = Object.entries(status.Peer ?? {})
    .map(([key, raw]) => toPeer(raw, key, false))
    .sort((a, b) => byName.compare(a.hostName, b.hostName) || byName.compare(a.id, b.id));
  return {
    source,
    backendState: status.BackendState,
    version: printable(status.Version ?? ''),
    magicDnsSuffix: printable(status.CurrentTailnet?.MagicDNSSuffix ?? status.MagicDNSSuffix ?? ''),
    peers: [...self, ...others],
  };
};
