// known_hosts as OpenSSH writes it. The hashed lines and fingerprints below
// were made by the real tools: `ssh-keygen -H -f` and `ssh-keygen -lf`.
import {mkdtempSync, readFileSync, rmSync, writeFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it, onTestFinished} from 'vitest';
import {
  changedKeyMessage,
  checkHostKey,
  entryMatches,
  fingerprint,
  hostToken,
  keyTypeOf,
  knownHostsLine,
  KnownHostsFiles,
  parseKnownHosts,
  preferredHostKeyTypes,
} from '../../source/engine/host/known-hosts.js';

const keyA = 'AAAAC3NzaC1lZDI1NTE5AAAAIJ9qGLlPpEKG5WcGJOWZUeEyZSBDs8aPeSrweN+g8eoL';
const keyB = 'AAAAC3NzaC1lZDI1NTE5AAAAIHs3/LXNtAXbdiunRTYNKv9yOjMJ+6kIRnoJjGS5qEjS';
const keyC = 'AAAAC3NzaC1lZDI1NTE5AAAAIB1c85Y0yAI7soLJ9ncoh6iF1Mnlv3xFXChgFEFVxO/u';
const keyD =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFB29Nuz/o3u5Fkh7Qbd964m9PsQc0zJBtwIwZcELL+93ezBsYHDNYP/KRzKVqGIT2DZuDEqktOamQ6UaFudiHY=';
const blob = (key: string) => Buffer.from(key, 'base64');

// `ssh-keygen -H` of "node1.tail.ts.net <keyA>" and "[node2.tail.ts.net]:2222 <keyB>".
const hashed = `|1|otxc8/VznSDgnPjLwa3NceV7HkQ=|2Ph5aUEG5hWBx+pEPY5GgOwA0o4= ssh-ed25519 ${keyA}
|1|/sNR1oqdZ7ZypRdtxIQThVtnNUQ=|mD9Zj8qt3DmHcD0BeQf2k6jDQj4= ssh-ed25519 ${keyB}
`;

describe('known_hosts parsing', () => {
  it('reads plain, bracketed, marked and commented lines with their line numbers', () => {
    const text = `# a comment

cp1,100.64.10.11 ssh-ed25519 ${keyA} root@cp1
[cp2]:2222 ssh-ed25519 ${keyB}
@revoked * ssh-ed25519 ${keyC}
@cert-authority *.tail.ts.net ssh-ed25519 ${keyB}
@bogus x ssh-ed25519 ${keyB}
truncated-line ssh-ed25519
`;
    const entries = parseKnownHosts(text, '/k');
    expect(entries).toEqual([
      {file: '/k', line: 3, hosts: 'cp1,100.64.10.11', keyType: 'ssh-ed25519', key: keyA},
      {file: '/k', line: 4, hosts: '[cp2]:2222', keyType: 'ssh-ed25519', key: keyB},
      {file: '/k', line: 5, marker: 'revoked', hosts: '*', keyType: 'ssh-ed25519', key: keyC},
      {
        file: '/k',
        line: 6,
        marker: 'cert-authority',
        hosts: '*.tail.ts.net',
        keyType: 'ssh-ed25519',
        key: keyB,
      },
    ]);
  });

  it('matches names, ports, wildcards and negations as OpenSSH does', () => {
    expect(hostToken('CP1.Tail.ts.net')).toBe('cp1.tail.ts.net');
    expect(hostToken('cp1', 2222)).toBe('[cp1]:2222');
    const at = (hosts: string, token: string) => entryMatches({hosts}, token);
    expect(at('cp1,100.64.10.11', '100.64.10.11')).toBe(true);
    expect(at('cp1,100.64.10.11', 'cp10')).toBe(false);
    expect(at('cp1', '[cp1]:2222')).toBe(false); // a non-22 port is its own name
    expect(at('[cp1]:2222', '[cp1]:2222')).toBe(true);
    expect(at('*.tail.ts.net,!evil.tail.ts.net', 'cp1.tail.ts.net')).toBe(true);
    expect(at('*.tail.ts.net,!evil.tail.ts.net', 'evil.tail.ts.net')).toBe(false);
    expect(at('cp?', 'cp7')).toBe(true);
    expect(at('cp.', 'cpx')).toBe(false); // a dot is a dot, not a regex wildcard
  });

  it('matches hashed names (HMAC-SHA1 over the name, with the port form too)', () => {
    const [first, second] = parseKnownHosts(hashed, '/k');
    expect(entryMatches(first!, 'node1.tail.ts.net')).toBe(true);
    expect(entryMatches(first!, 'node2.tail.ts.net')).toBe(false);
    expect(entryMatches(second!, hostToken('node2.tail.ts.net', 2222))).toBe(true);
    expect(entryMatches(second!, 'node2.tail.ts.net')).toBe(false);
    expect(checkHostKey([first!, second!], ['NODE1.tail.ts.net'], 22, blob(keyA))).toMatchObject({
      status: 'known',
    });
  });

  it("prints the fingerprint ssh-keygen -lf prints, and reads the key's type", () => {
    expect(fingerprint(blob(keyA))).toBe('SHA256:Q9hR745Ql1DAFG48XHRSuwdziqwb0IlxSauzB7u9EX8');
    expect(fingerprint(blob(keyD))).toBe('SHA256:ho8be2ELXQHe996UqWjytdtrLs/yRLpz0Mm3+aQh37c');
    expect(keyTypeOf(blob(keyD))).toBe('ecdsa-sha2-nistp256');
  });
});

describe('host key checks', () => {
  const entries = parseKnownHosts(
    `cp1,100.64.10.11 ssh-ed25519 ${keyA}
other ssh-ed25519 ${keyC}
@revoked * ssh-ed25519 ${keyC}
[cp3]:2222 ecdsa-sha2-nistp256 ${keyD}
`,
    '/home/u/.ssh/known_hosts',
  );

  it('knows a listed key, under any of its names', () => {
    expect(checkHostKey(entries, ['100.64.10.11'], 22, blob(keyA))).toEqual({
      status: 'known',
      entry: entries[0],
    });
  });

  it('calls a key unknown when nothing is listed for the name (or for that port)', () => {
    expect(checkHostKey(entries, ['cp2'], 22, blob(keyB))).toEqual({status: 'unknown'});
    expect(checkHostKey(entries, ['cp1'], 2200, blob(keyA))).toEqual({status: 'unknown'});
  });

  it('detects a changed key, naming the offending file and line', () => {
    const check = checkHostKey(entries, ['cp1'], 22, blob(keyB));
    expect(check).toEqual({status: 'changed', entries: [entries[0]]});
    // A key of another type where one is known is treated as changed too.
    expect(checkHostKey(entries, ['cp3'], 2222, blob(keyA)).status).toBe('changed');
    const message = changedKeyMessage('cp1', blob(keyB), entries[0]!);
    expect(message).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
    expect(message).toContain(fingerprint(blob(keyB)));
    expect(message).toContain('Offending ED25519 key in /home/u/.ssh/known_hosts:1');
  });

  it('refuses a revoked key whatever else is listed for the host', () => {
    expect(checkHostKey(entries, ['other'], 22, blob(keyC))).toEqual({
      status: 'revoked',
      entry: entries[2],
    });
  });

  it('offers the key types already known for the host first', () => {
    const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512'];
    expect(preferredHostKeyTypes(entries, ['cp3'], 2222, all)).toEqual([
      'ecdsa-sha2-nistp256',
      'ssh-ed25519',
      'rsa-sha2-512',
    ]);
    expect(preferredHostKeyTypes(entries, ['nobody'], 22, all)).toEqual(all);
  });

  it('appends new keys like accept-new: plain names, one line each, even when many hosts append at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-kh-'));
    onTestFinished(() => rmSync(dir, {recursive: true, force: true}));
    const file = join(dir, 'ssh', 'known_hosts');
    const store = new KnownHostsFiles([file]);
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((name, i) =>
        store.append(knownHostsLine(name, i === 4 ? 2222 : 22, blob(keyA))),
      ),
    );
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.toSorted()).toEqual(
      ['a', 'b', 'c', 'd', '[e]:2222'].map((name) => `${name} ssh-ed25519 ${keyA}`).toSorted(),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A file without a final newline gets one before the appended line.
    writeFileSync(file, `x ssh-ed25519 ${keyB}`);
    await store.append(knownHostsLine('y', 22, blob(keyA)));
    expect(readFileSync(file, 'utf8')).toBe(`x ssh-ed25519 ${keyB}\ny ssh-ed25519 ${keyA}\n`);
    expect((await store.entries()).map((e) => e.hosts)).toEqual(['x', 'y']);
  });
});
