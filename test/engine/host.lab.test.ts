// SshHost against the lab's real sshd hosts: what each host ends up with is
// checked from outside (its overlay upper dir, or a root shell inside it via
// hostExec), not only what the Host reports. Needs root; otherwise skipped
// with the reason printed. Holds the lab lock (test/lab/lock.ts) while the
// lab is up, like every lab test file.
import {spawn, spawnSync} from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {HostError, sudoPasswordMessage} from '../../source/engine/host/host.js';
import {KnownHostsFiles} from '../../source/engine/host/known-hosts.js';
import {SshHost, type SshHostOptions} from '../../source/engine/host/ssh-host.js';
import {down, hostExec, up, type LabState} from '../lab/lab.js';
import {labSetupTimeoutMs, lockLab} from '../lab/lock.js';
import {runRaw, sleep} from '../lab/system.js';
import {labSkipReason} from '../lab/skip.js';

const skipReason = labSkipReason('test/engine/host.lab.test.ts');

const median = (values: number[]) =>
  values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe.skipIf(skipReason !== undefined)('SshHost against the lab (root)', () => {
  let lab: LabState;
  let releaseLab: (() => Promise<void>) | undefined;
  let scratch: string;
  const opened: SshHost[] = [];

  const address = (name: string) => {
    const host = lab.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no lab host ${name}`);
    return host.address;
  };
  const keyOf = (name: string) => {
    const line = readFileSync(lab.knownHostsFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name},`));
    return line?.split(' ').slice(1).join(' ') ?? '';
  };
  const hostFor = (name: string, over: Partial<SshHostOptions> = {}) => {
    const host = new SshHost({
      name,
      address: over.address ?? address(name),
      user: lab.sshUser,
      identityFiles: [lab.identityFile],
      knownHosts: new KnownHostsFiles([lab.knownHostsFile]),
      agent: null,
      killGraceMs: 500,
      ...over,
    });
    opened.push(host);
    return host;
  };
  const upper = (name: string, path: string) => join(lab.labDir, 'hosts', name, 'upper', path);

  beforeAll(async () => {
    releaseLab = await lockLab(); // another lab test file may have it up: wait for it
    await down(); // a crashed earlier run
    lab = await up({controlPlanes: 3, workers: 2});
    scratch = mkdtempSync(join(tmpdir(), 'hw-host-lab-'));
  }, labSetupTimeoutMs);

  afterAll(async () => {
    await Promise.all(opened.map((host) => host.close()));
    // Only the holder of the lock takes the lab down: a file that timed out waiting for it
    // would otherwise tear down the lab another file (or worktree) is using.
    if (releaseLab) {
      await down();
      await releaseLab();
    }
    if (scratch) rmSync(scratch, {recursive: true, force: true});
  }, 60_000);

  it('runs 20 commands at once on each of 5 hosts over one SSH connection per host', async () => {
    const hosts = lab.hosts.map((h) => hostFor(h.name));
    const started = Date.now();
    await Promise.all(hosts.map((host) => host.connect()));
    const connectWall = Date.now() - started;
    const results = await Promise.all(
      hosts.map((host) =>
        Promise.all(
          Array.from({length: 20}, (_, i) =>
            host.exec(['sh', '-c', 'echo "$(hostname) $1"', 'sh', String(i)]),
          ),
        ),
      ),
    );
    results.forEach((perHost, h) =>
      perHost.forEach((result, i) =>
        expect(result).toEqual({code: 0, stdout: `${hosts[h]?.name} ${i}\n`, stderr: ''}),
      ),
    );
    expect(hosts.map((host) => host.handshakes)).toEqual([1, 1, 1, 1, 1]);
    // Each host's sshd saw exactly one connection from us.
    for (const host of hosts) {
      const log = readFileSync(join(lab.labDir, 'hosts', host.name, 'sshd.log'), 'utf8');
      expect(log.match(/Accepted publickey for hwlab/g)?.length, host.name).toBe(1);
    }
    const rounds: number[] = [];
    const cp1 = hosts[0]!;
    for (let i = 0; i < 30; i++) {
      const t = process.hrtime.bigint();
      await cp1.exec(['true']);
      rounds.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const sudoRounds: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = process.hrtime.bigint();
      await cp1.exec(['true'], {sudo: true});
      sudoRounds.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    console.log(
      `SshHost: 5 concurrent connects ${connectWall} ms wall (per host ${hosts.map((h) => h.lastConnectMs).join('/')} ms); ` +
        `exec true p50 ${median(rounds).toFixed(1)} ms, sudo true p50 ${median(sudoRounds).toFixed(1)} ms`,
    );
    expect(median(rounds)).toBeLessThan(30); // Nagle off (P1): ~40 ms per exec otherwise
  });

  it('streams output in pieces while the command runs', async () => {
    const host = hostFor('cp2');
    const arrivals: Array<{at: number; chunk: string}> = [];
    const started = Date.now();
    const result = await host.exec(
      ['sh', '-c', 'for i in 1 2 3 4 5; do echo "line $i"; echo "warn $i" >&2; sleep 0.1; done'],
      {
        onOutput: (stream, chunk) =>
          arrivals.push({at: Date.now() - started, chunk: `${stream}:${chunk}`}),
      },
    );
    const total = Date.now() - started;
    expect(result.stdout).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(result.stderr).toBe('warn 1\nwarn 2\nwarn 3\nwarn 4\nwarn 5\n');
    expect(arrivals.filter((a) => a.chunk.startsWith('stdout:')).length).toBeGreaterThanOrEqual(4);
    expect(arrivals[0]!.at).toBeLessThan(total - 300); // the first line came long before the end
    expect(arrivals.map((a) => a.chunk).join('')).toContain('stderr:warn 3');
  });

  it('returns exit codes, stderr and signals without throwing', async () => {
    const host = hostFor('cp3');
    expect(await host.exec(['sh', '-c', 'echo out; echo err >&2; exit 7'])).toEqual({
      code: 7,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    expect((await host.exec(['no-such-command-hw'])).code).toBe(127);
    expect(await host.exec(['sh', '-c', 'kill -TERM $$'])).toEqual({
      code: null,
      signal: 'TERM',
      stdout: '',
      stderr: '',
    });
    expect(await host.exec(['sh', '-c', 'tr a-z A-Z'], {stdin: 'piped in\n'})).toMatchObject({
      code: 0,
      stdout: 'PIPED IN\n',
    });
  });

  it('kills a command at its timeout (also under sudo) and names the command and the timeout', async () => {
    const host = hostFor('cp3');
    for (const [argv, sudo] of [
      [['sleep', '30.4242'], false],
      [['sleep', '30.4343'], true],
    ] as const) {
      const started = Date.now();
      const error = await host.exec(argv, {timeoutMs: 300, sudo}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostError);
      const command = `${sudo ? 'sudo ' : ''}${argv.join(' ')}`;
      expect(error).toMatchObject({kind: 'timeout', host: 'cp3', command});
      expect((error as Error).message).toBe(
        `\`${command}\` on cp3 did not finish within 0.3 s and was stopped`,
      );
      expect(Date.now() - started).toBeLessThan(3000);
      // Gone on the host, not only given up on here.
      const left = await hostExec(lab, 'cp3', ['pgrep', '-f', argv.join(' ')]);
      expect(left.stdout, `${command} still running`).toBe('');
    }
    expect((await host.exec(['echo', 'still usable'])).stdout).toBe('still usable\n');
  });

  it("stops waiting for a command its SSH server will not let be stopped (OpenSSH's ForceCommand refuses signals), and says it may still run", async () => {
    const detail = lab.details.find((d) => d.name === 'cp2');
    if (!detail) throw new Error('no cp2');
    const config = '/etc/ssh/sshd_config';
    const original = (await hostExec(lab, 'cp2', ['cat', config])).stdout;
    const reload = async (text: string) => {
      await hostExec(lab, 'cp2', ['sh', '-c', `cat > ${config}`], {input: text});
      process.kill(detail.sshdPid, 'SIGHUP'); // sshd re-executes itself with the new config
      await sleep(500);
    };
    await reload(`${original}ForceCommand eval "$SSH_ORIGINAL_COMMAND"\n`);
    try {
      const host = hostFor('cp2');
      expect((await host.exec(['echo', 'forced'])).stdout).toBe('forced\n');
      const started = Date.now();
      const error = await host
        .exec(['sleep', '31.5151'], {timeoutMs: 300})
        .catch((e: unknown) => e);
      expect(error).toMatchObject({kind: 'timeout', host: 'cp2'});
      expect((error as Error).message).toBe(
        '`sleep 31.5151` on cp2 did not finish within 0.3 s, and its SSH server did not let it be stopped: it may still be running there',
      );
      // The timeout, TERM's grace, KILL's grace: then it gives up instead of hanging.
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await hostExec(lab, 'cp2', ['pkill', '-f', 'sleep 31.5151']);
      await reload(original);
    }
  }, 30_000);

  it('writes /etc/systemd/network/lo1.netdev with sudo: atomic, backed up, idempotent, owner and mode as asked', async () => {
    const host = hostFor('cp1');
    const path = '/etc/systemd/network/lo1.netdev';
    const v1 = '[NetDev]\nName=lo1\nKind=dummy\n';
    const v2 = '[NetDev]\nName=lo1\nKind=dummy\nDescription=ha-wizard VIP\n';
    const options = {sudo: true, mode: 0o644, owner: 'root:root', backup: true} as const;
    expect(await host.readFile(path, {sudo: true})).toBeUndefined();
    expect(await host.writeFile(path, v1, options)).toEqual({changed: true});
    const first = statSync(upper('cp1', 'etc/systemd/network/lo1.netdev'));

    const second = await host.writeFile(path, v2, options);
    expect(second.changed).toBe(true);
    expect(second.backupPath).toMatch(
      /^\/etc\/systemd\/network\/lo1\.netdev\.ha-wizard\.\d{8}T\d{6}\.\d{3}Z\.bak$/,
    );
    const file = upper('cp1', 'etc/systemd/network/lo1.netdev');
    expect(readFileSync(file, 'utf8')).toBe(v2);
    expect(readFileSync(upper('cp1', second.backupPath!.slice(1)), 'utf8')).toBe(v1);
    const after = statSync(file);
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([0, 0, 0o644]);
    expect(after.ino).not.toBe(first.ino); // a rename over the old file, not a rewrite in place

    expect(await host.writeFile(path, v2, options)).toEqual({changed: false});
    expect(statSync(file).ino).toBe(after.ino);
    const dir = readdirSync(upper('cp1', 'etc/systemd/network'));
    expect(dir.filter((name) => name.endsWith('.bak'))).toHaveLength(1);
    expect(dir.filter((name) => name.startsWith('.ha-wizard'))).toEqual([]);
    expect(await host.readFile(path)).toBe(v2);

    // Another owner and mode, checked from outside the host.
    const owned = await host.writeFile('/etc/hw-owned.conf', 'x\n', {
      sudo: true,
      owner: 'hwlab:hwlab',
      mode: 0o600,
    });
    expect(owned).toEqual({changed: true});
    const ownedStat = statSync(upper('cp1', 'etc/hw-owned.conf'));
    expect([ownedStat.uid, ownedStat.gid, ownedStat.mode & 0o7777]).toEqual([2000, 2000, 0o600]);
    // Without sudo the lab user cannot write /etc: a clear error, not a silent no-op.
    await expect(host.writeFile('/etc/hw-nope', 'x')).rejects.toMatchObject({
      kind: 'command',
      message: expect.stringMatching(/^writing \/etc\/hw-nope on cp1 failed: .*Permission denied/),
    });
  });

  it('never lets a reader see a half-written file while it is being replaced', async () => {
    const host = hostFor('cp1');
    const path = '/etc/hw-atomic.conf';
    const versions = ['A'.repeat(200_000), 'B'.repeat(300_000)].map((body) => `${body}\n`);
    await host.writeFile(path, versions[0]!, {sudo: true});
    const reader = host.exec([
      'sh',
      '-c',
      'for i in $(seq 150); do wc -c < "$1"; done',
      'sh',
      path,
    ]);
    for (let i = 0; i < 10; i++) await host.writeFile(path, versions[(i + 1) % 2]!, {sudo: true});
    const sizes = new Set((await reader).stdout.trim().split('\n'));
    for (const size of sizes) expect(['200001', '300001']).toContain(size);
  });

  it('delivers argv with shell metacharacters to the remote process intact, also under sudo', async () => {
    const host = hostFor('w1');
    const hostile = [
      '$(touch /tmp/pwned)',
      "a'b",
      '`touch /tmp/pwned2`',
      'x; touch /tmp/pwned3',
      '*',
      '"quoted"',
      '  spaced  ',
      '',
      'new\nline',
      '\\back',
      '--help',
    ];
    for (const sudo of [false, true]) {
      const result = await host.exec(['printf', '%s\\n', ...hostile], {sudo});
      expect(result).toEqual({code: 0, stdout: `${hostile.join('\n')}\n`, stderr: ''});
    }
    const pwned = await host.exec(['sh', '-c', 'ls /tmp /home/hwlab']);
    expect(pwned.stdout).not.toMatch(/pwned/);
  });

  it('connects through the ssh config (HostName, User, IdentityFile) of the lab', async () => {
    const host = hostFor('w1', {
      address: 'w1',
      user: undefined,
      identityFiles: undefined,
      sshConfig: readFileSync(lab.sshConfigFile, 'utf8'),
    });
    expect(host.target).toEqual({hostName: address('w1'), port: 22, user: 'hwlab'});
    expect((await host.exec(['id', '-un'])).stdout).toBe('hwlab\n');
  });

  it('authenticates with an encrypted key (asking its passphrase) or an ssh-agent, and says what it tried when all fail', async () => {
    const encrypted = join(scratch, 'id_encrypted');
    copyFileSync(lab.identityFile, encrypted);
    chmodSync(encrypted, 0o600);
    expect(
      (await runRaw(['ssh-keygen', '-q', '-p', '-f', encrypted, '-P', '', '-N', 'pass phrase']))
        .code,
    ).toBe(0);
    const base = {identityFiles: [encrypted], tryNone: false} as const;

    const asked: string[] = [];
    const good = hostFor('cp2', {
      ...base,
      askPassphrase: async (file) => (asked.push(file), 'pass phrase'),
    });
    expect((await good.exec(['id', '-un'])).stdout).toBe('hwlab\n');
    expect(asked).toEqual([encrypted]);

    const wrong = hostFor('cp2', {...base, askPassphrase: async () => 'guess'});
    await expect(wrong.exec(['true'])).rejects.toMatchObject({
      kind: 'auth',
      message: `the passphrase for ${encrypted} is wrong`,
    });

    const stranger = join(scratch, 'id_stranger');
    expect(
      (await runRaw(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', stranger])).code,
    ).toBe(0);
    const refused = hostFor('cp2', {identityFiles: [stranger, encrypted]});
    await expect(refused.exec(['true'])).rejects.toMatchObject({
      kind: 'auth',
      message: `SSH to cp2 (${address('cp2')}) as hwlab was refused; tried Tailscale SSH (none), key ${stranger}`,
    });

    // ssh-agent holding the lab key, and no key file at all.
    const socket = join(scratch, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'});
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(20);
      const add = spawnSync('ssh-add', [lab.identityFile], {
        env: {...process.env, SSH_AUTH_SOCK: socket},
        encoding: 'utf8',
      });
      expect(add.status, add.stderr).toBe(0);
      const viaAgent = hostFor('cp2', {identityFiles: [], agent: socket, tryNone: false});
      expect((await viaAgent.exec(['id', '-un'])).stdout).toBe('hwlab\n');
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('says plainly when a host is unreachable', async () => {
    const host = hostFor('ghost', {address: '100.64.10.250', connectTimeoutMs: 3000});
    const error = await host.exec(['true']).catch((e: unknown) => e);
    expect(error).toMatchObject({kind: 'connect', host: 'ghost'});
    expect((error as Error).message).toMatch(
      /^SSH to ghost \(100\.64\.10\.250\) (is unreachable|did not answer|timed out)/,
    );
  });

  it('refuses an unknown host key without the flag or a yes; a yes appends it the way accept-new does', async () => {
    const file = join(scratch, 'known_hosts.unknown');
    writeFileSync(file, '');
    const fingerprint = lab.details.find((d) => d.name === 'cp2')!.fingerprint;
    const knownHosts = new KnownHostsFiles([file]);

    const silent = hostFor('cp2', {knownHosts});
    await expect(silent.exec(['true'])).rejects.toMatchObject({
      kind: 'host-key',
      message: `cp2 (${address('cp2')}) is not in ${file}: its ED25519 host key is ${fingerprint}; confirm it interactively or pass --accept-new-host-keys`,
    });
    const asked: Array<[string, string]> = [];
    const no = hostFor('cp2', {
      knownHosts,
      confirmNewHostKey: async (name, print) => (asked.push([name, print]), false),
    });
    await expect(no.exec(['true'])).rejects.toMatchObject({kind: 'host-key'});
    expect(asked).toEqual([['cp2', fingerprint]]);
    expect(readFileSync(file, 'utf8')).toBe('');

    const yes = hostFor('cp2', {knownHosts, confirmNewHostKey: async () => true});
    expect((await yes.exec(['hostname'])).stdout).toBe('cp2\n');
    expect(readFileSync(file, 'utf8')).toBe(`${address('cp2')} ${keyOf('cp2')}\n`);
    // Now known: no question asked.
    const again = hostFor('cp2', {
      knownHosts,
      confirmNewHostKey: async () => {
        throw new Error('asked for a known key');
      },
    });
    expect((await again.exec(['hostname'])).stdout).toBe('cp2\n');

    const flagged = hostFor('cp3', {knownHosts, acceptNewHostKeys: true});
    expect((await flagged.exec(['hostname'])).stdout).toBe('cp3\n');
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe(`${address('cp3')} ${keyOf('cp3')}`);
  });

  it('refuses a changed host key with the warning, the file and the line, even with accept-new and a yes', async () => {
    const file = join(scratch, 'known_hosts.changed');
    writeFileSync(file, `# first line\n${address('cp1')} ${keyOf('cp2')}\n`);
    const host = hostFor('cp1', {
      knownHosts: new KnownHostsFiles([file]),
      acceptNewHostKeys: true,
      confirmNewHostKey: async () => true,
    });
    const error = await host.exec(['true']).catch((e: unknown) => e);
    expect(error).toMatchObject({kind: 'host-key', host: 'cp1'});
    const message = (error as Error).message;
    expect(message).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
    expect(message).toContain(lab.details.find((d) => d.name === 'cp1')!.fingerprint);
    expect(message).toContain(`Offending ED25519 key in ${file}:2`);
    expect(readFileSync(file, 'utf8')).toBe(`# first line\n${address('cp1')} ${keyOf('cp2')}\n`);
    expect(host.handshakes).toBe(0);
  });

  it('says when sudo wants a password, asks once when it can, and uses the password only in memory', async () => {
    // w1 becomes a host whose sudo needs a password (restored afterwards).
    const setup = await hostExec(lab, 'w1', ['chpasswd'], {input: 'hwlab:lab-secret-1\n'});
    expect(setup.code, setup.stderr).toBe(0);
    const sudoers = '/etc/sudoers.d/hwlab';
    expect(
      (await hostExec(lab, 'w1', ['sh', '-c', `echo 'hwlab ALL=(ALL:ALL) ALL' > ${sudoers}`])).code,
    ).toBe(0);
    try {
      const without = hostFor('w1');
      await expect(without.exec(['id', '-u'], {sudo: true})).rejects.toMatchObject({
        kind: 'sudo-password',
        message: sudoPasswordMessage('w1'),
      });
      expect((await without.exec(['id', '-u'])).stdout).toBe('2000\n'); // plain commands still work

      let asked = 0;
      const host = hostFor('w1', {askSudoPassword: async () => (asked++, 'lab-secret-1')});
      const ids = await Promise.all(
        Array.from({length: 4}, () => host.exec(['id', '-u'], {sudo: true})),
      );
      expect(ids.map((r) => [r.code, r.stdout, r.stderr])).toEqual(
        Array.from({length: 4}, () => [0, '0\n', '']),
      );
      expect(asked).toBe(1);
      // stdin reaches the command after the password, not mixed into it.
      expect(
        await host.writeFile('/etc/hw-with-password', 'content\n', {sudo: true, mode: 0o640}),
      ).toEqual({changed: true});
      expect(readFileSync(upper('w1', 'etc/hw-with-password'), 'utf8')).toBe('content\n');
      const ps = await hostExec(lab, 'w1', ['ps', '-eo', 'args']);
      expect(ps.stdout).not.toContain('lab-secret-1');

      const wrong = hostFor('w1', {askSudoPassword: async () => 'not-it'});
      await expect(wrong.exec(['id', '-u'], {sudo: true})).rejects.toMatchObject({
        kind: 'sudo-password',
        message:
          'sudo on w1 refused the password it was given; enter it again or give the SSH user passwordless sudo',
      });
    } finally {
      await hostExec(lab, 'w1', [
        'sh',
        '-c',
        `echo 'hwlab ALL=(ALL:ALL) NOPASSWD: ALL' > ${sudoers}`,
      ]);
    }
  }, 30_000);

  it('turns a host whose sshd dies mid-command into a HostError naming host and command; the others finish', async () => {
    const hosts = ['cp1', 'cp2', 'cp3', 'w1', 'w2'].map((name) => hostFor(name));
    await Promise.all(hosts.map((host) => host.connect()));
    const runs = hosts.map((host) =>
      host.exec(['sh', '-c', 'sleep 1.5; echo finished'], {timeoutMs: 10_000}).then(
        (result) => ({ok: true as const, result}),
        (error: unknown) => ({ok: false as const, error}),
      ),
    );
    // Kill every sshd of w2 (the listener and the session process) while the command runs.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pids = (await runRaw(['ip', 'netns', 'pids', 'hwlab-w2'])).stdout
      .split('\n')
      .filter((pid) => /^\d+$/.test(pid));
    const sshd = pids.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd';
      } catch {
        return false;
      }
    });
    expect(sshd.length).toBeGreaterThanOrEqual(2);
    for (const pid of sshd) process.kill(Number(pid), 'SIGKILL');

    const outcomes = await Promise.all(runs);
    outcomes.slice(0, 4).forEach((outcome, i) =>
      expect(outcome, hosts[i]?.name).toMatchObject({
        ok: true,
        result: {code: 0, stdout: 'finished\n'},
      }),
    );
    const lost = outcomes[4]!;
    expect(lost.ok).toBe(false);
    const error = (lost as {error: unknown}).error;
    expect(error).toBeInstanceOf(HostError);
    expect(error).toMatchObject({
      kind: 'connection-lost',
      host: 'w2',
      command: "sh -c 'sleep 1.5; echo finished'",
    });
    expect((error as Error).message).toMatch(
      /^lost the connection to w2 while running `sh -c 'sleep 1\.5; echo finished'`: /,
    );
    // Reconnecting fails clearly now that nothing listens.
    await expect(hosts[4]!.exec(['true'])).rejects.toMatchObject({
      kind: 'connect',
      message: `SSH to w2 (${address('w2')}) refused the connection: is sshd running on that port?`,
    });
  });
});
