// known_hosts as OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
// comma-separated patterns with `*`, `?` and `!`, `[host]:port` for ports
// other than 22, hashed names (`|1|salt|HMAC-SHA1(salt, name)`), and the
// `@revoked` / `@cert-authority` markers. Pure functions over the text; the
// store at the bottom adds the file reads and the `accept-new` append.
import {createHash, createHmac, timingSafeEqual} from 'node:crypto';
import {appendFile, mkdir, readFile} from 'node:fs/promises';
import {dirname} from 'node:path';

export interface KnownHostEntry {
  readonly file: string;
  /** 1-based, as OpenSSH reports "Offending key in FILE:LINE". */
  readonly line: number;
  readonly marker?: 'revoked' | 'cert-authority';
  /** The host field as written: patterns, or one hashed name. */
  readonly hosts: string;
  readonly keyType: string;
  /** The key blob, base64 as in the file. */
  readonly key: string;
}

export const parseKnownHosts = (text: string, file: string): KnownHostEntry[] => {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return; // an unknown marker: OpenSSH skips the line too
    }
    const [hosts, keyType, key] = fields;
    if (hosts === undefined || keyType === undefined || key === undefined) return;
    entries.push({file, line: index + 1, ...(marker ? {marker} : {}), hosts, keyType, key});
  });
  return entries;
};

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise; lower case. */
export const hostToken = (host: string, port = 22): string =>
  port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;

const globToRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );

const hashedMatches = (field: string, token: string) => {
  // |1|base64(salt)|base64(HMAC-SHA1 keyed with the salt over the name)
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};

/** Whether an entry's host field names this host (a `!pattern` match excludes it). */
export const entryMatches = (entry: Pick<KnownHostEntry, 'hosts'>, token: string): boolean => {
  if (entry.hosts.startsWith('|')) return hashedMatches(entry.hosts, token);
  let matched = false;
  for (const pattern of entry.hosts.split(',')) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(token)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
};

/** OpenSSH's `SHA256:` fingerprint of a key blob (base64 without padding). */
export const fingerprint = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** The key type named inside a key blob (an SSH string: uint32 length, then the name). */
export const keyTypeOf = (blob: Buffer): string => {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
};

/** `ED25519`, `ECDSA`, `RSA`: how OpenSSH names a key type in its messages. */
export const keyTypeLabel = (keyType: string): string =>
  keyType === 'ssh-ed25519'
    ? 'ED25519'
    : keyType.startsWith('ecdsa-')
      ? 'ECDSA'
      : keyType === 'ssh-rsa'
        ? 'RSA'
        : keyType;

export type HostKeyCheck =
  | {readonly status: 'known'; readonly entry: KnownHostEntry}
  | {readonly status: 'revoked'; readonly entry: KnownHostEntry}
  /** Keys are known for this host, and the one presented is none of them. */
  | {readonly status: 'changed'; readonly entries: readonly KnownHostEntry[]}
  | {readonly status: 'unknown'};

/**
 * What the entries say about this key for these names (e.g. the MagicDNS name
 * and the Tailscale IP). Revoked wins over everything; then any known key for
 * any of the names that differs from the one presented means "changed", even a
 * key of another type: stricter than OpenSSH (which would ask), because the
 * wizard prefers known key types in the negotiation (see preferredHostKeyTypes)
 * and a mismatch after that is worth stopping for.
 */
export const checkHostKey = (
  entries: readonly KnownHostEntry[],
  names: readonly string[],
  port: number,
  blob: Buffer,
): HostKeyCheck => {
  const key = blob.toString('base64');
  const revoked = entries.find((entry) => entry.marker === 'revoked' && entry.key === key);
  if (revoked) return {status: 'revoked', entry: revoked};
  const tokens = names.map((name) => hostToken(name, port));
  const forHost = entries.filter(
    (entry) => entry.marker === undefined && tokens.some((token) => entryMatches(entry, token)),
  );
  const others = forHost.filter((entry) => entry.key !== key);
  if (others.length > 0) return {status: 'changed', entries: others};
  const match = forHost.find((entry) => entry.key === key);
  return match ? {status: 'known', entry: match} : {status: 'unknown'};
};

/** The host key algorithms for ssh2 to offer, the types already known for this host first. */
export const preferredHostKeyTypes = (
  entries: readonly KnownHostEntry[],
  names: readonly string[],
  port: number,
  supported: readonly string[],
): string[] => {
  const tokens = names.map((name) => hostToken(name, port));
  const known = new Set(
    entries
      .filter((entry) => entry.marker === undefined && tokens.some((t) => entryMatches(entry, t)))
      .flatMap((entry) =>
        // An `ssh-rsa` key is negotiated as one of the SHA-2 signature algorithms.
        entry.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [entry.keyType],
      ),
  );
  return [
    ...supported.filter((type) => known.has(type)),
    ...supported.filter((type) => !known.has(type)),
  ];
};

/** The line `accept-new` appends: plain (unhashed) name, type, key. */
export const knownHostsLine = (name: string, port: number, blob: Buffer): string =>
  `${hostToken(name, port)} ${keyTypeOf(blob)} ${blob.toString('base64')}`;

/** OpenSSH's changed-key warning, with our file and line. */
export const changedKeyMessage = (host: string, blob: Buffer, offending: KnownHostEntry): string =>
  [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
    'It is also possible that a host key has just been changed.',
    `The fingerprint for the ${keyTypeLabel(keyTypeOf(blob))} key sent by ${host} is`,
    `${fingerprint(blob)}.`,
    `Add the correct host key in ${offending.file} to get rid of this message.`,
    `Offending ${keyTypeLabel(offending.keyType)} key in ${offending.file}:${offending.line}`,
    `Host key verification for ${host} failed.`,
  ].join('\n');

/**
 * The known_hosts files of a run. All are read; new keys go to the first. Reads
 * are fresh on every check (another host may just have been added), appends are
 * serialized so concurrent first contacts cannot interleave lines.
 */
export class KnownHostsFiles {
  #appending: Promise<void> = Promise.resolve();
  constructor(readonly files: readonly string[]) {
    if (files.length === 0) throw new Error('at least one known_hosts file');
  }

  get writeTarget(): string {
    return this.files[0] as string;
  }

  async entries(): Promise<KnownHostEntry[]> {
    const all = await Promise.all(
      this.files.map(async (file) => {
        try {
          return parseKnownHosts(await readFile(file, 'utf8'), file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
          throw error;
        }
      }),
    );
    return all.flat();
  }

  append(line: string): Promise<void> {
    const file = this.writeTarget;
    const next = this.#appending.then(async () => {
      await mkdir(dirname(file), {recursive: true, mode: 0o700});
      let text = '';
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const separator = text === '' || text.endsWith('\n') ? '' : '\n';
      await appendFile(file, `${separator}${line}\n`, {mode: 0o600});
    });
    this.#appending = next.catch(() => undefined);
    return next;
  }
}
