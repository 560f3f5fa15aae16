// The lab itself, end to end: real sshd hosts, real routing, the coordinator
// and the simulated tailscale. Needs root (namespaces, mounts); otherwise
// skipped with the reason printed. The lab is one set of machine-wide names:
// like every lab test file, this one holds lockLab() (test/lab/lock.ts) from
// before its first `down` until after its last.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Client} from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseStatus} from '../../source/core/tailnet/parse-status.js';
import {runCli} from '../support/cli.js';
import {defaultVip, hostNs, repoDir} from './config.js';
import {alive, down, hostExec, leftovers, readLab, type LabState} from './lab.js';
import {labSetupTimeoutMs, lockLab} from './lock.js';
import {connect, exec} from './ssh.js';
import {labSkipReason} from './skip.js';

const skipReason = labSkipReason('test/lab/lab.test.ts');

const labCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repoDir, 'test/lab/cli.ts'), ...args], {
    cwd: repoDir,
    encoding: 'utf8',
    timeout: 60_000,
  });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const askVip = "timeout 2 bash -c 'exec 3<>/dev/tcp/10.200.0.1/6443 && head -c 100 <&3' 2>&1";

describe.skipIf(skipReason !== undefined)('the lab (root)', () => {
  let lab: LabState;
  let upSummary: Record<string, unknown>;
  const clients = new Map<string, Client>();
  const client = (name: string) => {
    const c = clients.get(name);
    if (!c) throw new Error(`no ssh connection to ${name}`);
    return c;
  };

  let releaseLab: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLab = await lockLab(); // another lab test file may have it up: wait for it
    await down(); // a crashed earlier run
    const started = Date.now();
    const result = labCli('up', '--control-planes', '3', '--workers', '2', '--json');
    console.log(`lab up (CLI, 3 CP + 2 workers): ${Date.now() - started} ms`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    upSummary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
    lab = readLab();
  }, labSetupTimeoutMs);

  afterAll(async () => {
    for (const c of clients.values()) c.end();
    // Only the holder of the lock takes the lab down: a file that timed out waiting for it
    // would otherwise tear down the lab another file (or worktree) is using.
    if (releaseLab) {
      await down();
      await releaseLab();
    }
  }, 30_000);

  it('up prints one JSON object with where the hosts are, and their suggested roles', () => {
    expect(Object.keys(upSummary)).toEqual([
      'statusFile',
      'identityFile',
      'knownHostsFile',
      'sshUser',
      'hosts',
    ]);
    expect(upSummary['hosts']).toEqual([
      {name: 'cp1', address: '100.64.10.11', role: 'control-plane'},
      {name: 'cp2', address: '100.64.10.12', role: 'control-plane'},
      {name: 'cp3', address: '100.64.10.13', role: 'control-plane'},
      {name: 'w1', address: '100.64.10.101', role: 'worker'},
      {name: 'w2', address: '100.64.10.102', role: 'worker'},
    ]);
    for (const key of ['statusFile', 'identityFile', 'knownHostsFile'] as const) {
      expect(existsSync(String(upSummary[key]))).toBe(true);
    }
  });

  it('ssh2 reaches every host with the generated identity, host keys checked against known_hosts', async () => {
    const started = Date.now();
    await Promise.all(
      lab.hosts.map(async (host) => {
        const c = await connect(lab, host.name);
        clients.set(host.name, c);
        const result = await exec(
          c,
          'hostname; id -un; sudo -n true && echo sudo-ok; echo $HWLAB_HOST',
        );
        expect(result.stdout).toBe(`${host.name}\nhwlab\nsudo-ok\n${host.name}\n`);
      }),
    );
    console.log(`5 concurrent ssh2 connects + exec: ${Date.now() - started} ms`);
    // cp2's key presented for cp1: refused, not accepted.
    await expect(connect(lab, 'cp1', {expectedKeyOf: 'cp2'})).rejects.toThrow(
      /verification failed/,
    );
  });

  it("keeps each host's files its own: cp1's /etc write is absent on cp2 and on this machine", async () => {
    const file = '/etc/systemd/network/hwlab-isolation.netdev';
    const write = await exec(
      client('cp1'),
      `printf '[NetDev]\\nName=lo1\\n' | sudo tee ${file} >/dev/null && cat ${file}`,
    );
    expect(write.code).toBe(0);
    expect(write.stdout).toContain('Name=lo1');
    expect((await exec(client('cp2'), `test -e ${file}; echo $?`)).stdout).toBe('1\n');
    expect(existsSync(file)).toBe(false);
    const unsudo = await exec(client('cp1'), 'echo x > /etc/hwlab-x');
    expect(unsudo.stderr).toMatch(/Permission denied/);
    const outside = await exec(client('cp1'), 'echo x | sudo tee /srv/hwlab-x');
    expect(outside.stderr).toMatch(/Read-only file system/);
  });

  it('records per-host facts: network manager and containerd config version from the real binary', async () => {
    const facts = JSON.parse((await exec(client('cp1'), 'cat /var/lib/hwlab/facts.json')).stdout);
    expect(facts).toMatchObject({networkManager: 'systemd-networkd', containerdConfigVersion: 2});
    const dump = await exec(
      client('cp1'),
      'containerd config dump 2>/dev/null | grep -m1 -E "^version"',
    );
    expect(dump.stdout.trim()).toBe('version = 2');
  });

  it('writes a workstation status file that the project parser and `ha-wizard plan` accept', () => {
    const text = readFileSync(lab.statusFile, 'utf8');
    const tailnet = parseStatus(text, lab.statusFile);
    expect(tailnet.peers.map((peer) => [peer.hostName, peer.ipv4, peer.online])).toEqual([
      ['hwlab-workstation', '100.64.10.2', true],
      ['cp1', '100.64.10.11', true],
      ['cp2', '100.64.10.12', true],
      ['cp3', '100.64.10.13', true],
      ['w1', '100.64.10.101', true],
      ['w2', '100.64.10.102', true],
    ]);
    const plan = runCli([
      'plan',
      '--status-file',
      lab.statusFile,
      '--control-plane',
      'cp1,cp2,cp3',
      '--worker',
      'w1,w2',
      '--json',
    ]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ok: true});
  });

  it('keeps every lab packet on this machine: no default route in hosts, lab ranges never reach the real uplink', async () => {
    const route = await hostExec(lab, 'w1', ['ip', 'route', 'get', '8.8.8.8']);
    expect(route.code).not.toBe(0);
    expect(route.stderr).toMatch(/unreachable/i);
    for (const target of ['192.168.1.1/80', '8.8.8.8/53']) {
      const probe = await exec(
        client('w1'),
        `timeout 2 bash -c 'exec 3<>/dev/tcp/${target}' 2>&1; echo rc=$?`,
      );
      expect(probe.stdout).toMatch(/Network is unreachable/);
    }
    const uplink = /dev (\S+)/.exec(
      spawnSync('ip', ['route', 'show', 'default'], {encoding: 'utf8'}).stdout,
    )?.[1];
    for (const address of [
      '100.64.99.99',
      '10.200.0.77',
      '10.244.3.3',
      '10.96.0.10',
      '100.64.10.250',
    ]) {
      const result = spawnSync('ip', ['route', 'get', address], {encoding: 'utf8'});
      const text = `${result.stdout}${result.stderr}`;
      expect(text, address).toMatch(/dev hwlab-op0|unreachable|No route to host/i);
      if (uplink) expect(text, address).not.toContain(`dev ${uplink}`);
    }
  });

  it('routes the VIP to the oldest advertiser, fails over after the delay when it goes down, and does not flap back', async () => {
    for (const [i, cp] of ['cp1', 'cp2', 'cp3'].entries()) {
      expect(
        (await hostExec(lab, cp, ['ip', 'addr', 'add', `${defaultVip}/32`, 'dev', 'lo'])).code,
      ).toBe(0);
      const listener = spawn(
        'ip',
        [
          'netns',
          'exec',
          hostNs(cp),
          process.execPath,
          '-e',
          "require('net').createServer((s)=>s.end('hello from '+process.argv[1]+'\\n')).listen(6443)",
          cp,
        ],
        {detached: true, stdio: 'ignore'},
      );
      listener.unref();
      // Advertise one after the other, so cp1 is the oldest advertiser.
      const set = await exec(client(cp), `sudo tailscale set --advertise-routes=${defaultVip}/32`);
      expect(set.code, set.stderr).toBe(0);
      if (i < 2) await sleep(50);
    }
    for (const w of ['w1', 'w2'])
      expect((await exec(client(w), 'sudo tailscale set --accept-routes')).code).toBe(0);

    const waitFor = async (pattern: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = (await exec(client('w1'), askVip)).stdout;
        if (pattern.test(last)) return last;
        await sleep(50);
      }
      throw new Error(`w1 never saw ${pattern} through the VIP; last answer: ${last}`);
    };
    expect(await waitFor(/hello from cp1/, 5000)).toContain('hello from cp1');
    const w1Status = JSON.parse((await exec(client('w1'), 'tailscale status --json')).stdout);
    const primaries = Object.values(
      w1Status.Peer as Record<string, {HostName: string; PrimaryRoutes?: string[]}>,
    )
      .filter((peer) => peer.PrimaryRoutes?.length)
      .map((peer) => [peer.HostName, peer.PrimaryRoutes]);
    expect(primaries).toEqual([['cp1', [`${defaultVip}/32`]]]);

    const down1 = await exec(client('cp1'), 'sudo tailscale down');
    expect(down1.code).toBe(0);
    const wentDown = Date.now();
    await waitFor(/hello from cp2/, 10_000);
    const failover = Date.now() - wentDown;
    console.log(
      `failover (tailscale down on the primary -> w1 served by cp2): ${failover} ms, delay ${lab.failoverDelay} s`,
    );
    expect(failover).toBeGreaterThanOrEqual(lab.failoverDelay * 1000 - 100);
    const workstation = parseStatus(readFileSync(lab.statusFile, 'utf8'), 'status');
    expect(workstation.peers.find((peer) => peer.hostName === 'cp1')?.online).toBe(false);
    expect(workstation.peers.find((peer) => peer.hostName === 'cp2')?.primaryRoutes).toEqual([
      `${defaultVip}/32`,
    ]);

    expect((await exec(client('cp1'), 'sudo tailscale up')).code).toBe(0);
    await sleep(500);
    expect((await exec(client('w1'), askVip)).stdout).toContain('hello from cp2');
    // A control plane holding the VIP answers it locally (the `local` table wins over table 52).
    expect((await exec(client('cp3'), askVip)).stdout).toContain('hello from cp3');
  }, 40_000);

  it('replaces the advertised list on `tailscale set --advertise-routes`, never merges; an empty value clears it', async () => {
    const prefs = async () =>
      JSON.parse((await exec(client('w2'), 'tailscale debug prefs')).stdout).AdvertiseRoutes;
    expect(
      (
        await exec(
          client('w2'),
          'sudo tailscale set --advertise-routes=192.168.77.0/24,10.201.0.0/24',
        )
      ).code,
    ).toBe(0);
    expect(await prefs()).toEqual(['10.201.0.0/24', '192.168.77.0/24']);
    expect(
      (await exec(client('w2'), 'sudo tailscale set --advertise-routes=10.201.0.0/24')).code,
    ).toBe(0);
    expect(await prefs()).toEqual(['10.201.0.0/24']);
    expect((await exec(client('w2'), 'sudo tailscale set --advertise-routes=')).code).toBe(0);
    expect(await prefs()).toBeNull();
    const bad = await exec(client('w2'), 'sudo tailscale set --advertise-routes=10.201.0.1/24');
    expect([bad.code, bad.stderr]).toEqual([
      1,
      '10.201.0.1/24 has non-address bits set; expected 10.201.0.0/24\n',
    ]);
  });

  it("refuses like the real CLI: up's flag-reset error, unknown flags, prefs writes without root", async () => {
    const upResult = await exec(client('cp2'), 'sudo tailscale up --accept-routes');
    expect(upResult.code).toBe(1);
    expect(upResult.stderr).toBe(
      "Error: changing settings via 'tailscale up' requires mentioning all\n" +
        'non-default flags. To proceed, either re-run your command with --reset or\n' +
        'use the command below to explicitly mention the current value of\n' +
        'all non-default settings:\n\n' +
        `\ttailscale up --accept-routes --advertise-routes=${defaultVip}/32\n\n\n`,
    );
    const unknown = await exec(client('cp2'), 'sudo tailscale set --advertise-route=10.0.0.0/8');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^flag provided but not defined: -advertise-route\n/);
    const denied = await exec(client('cp2'), 'tailscale set --accept-routes');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      /^Access denied: checkprefs access denied\n\nUse 'sudo tailscale set --accept-routes'\./,
    );
    const deniedDown = await exec(client('cp2'), 'tailscale down');
    expect(deniedDown.stderr).toMatch(/^Access denied: prefs write access denied\n/);
    const log = (await exec(client('cp2'), 'cat /var/lib/hwlab/calls.log')).stdout;
    expect(log).toMatch(
      new RegExp(`^\\d+\\.\\d+ uid=0 tailscale set --advertise-routes=10\\.200\\.0\\.1/32$`, 'm'),
    );
    expect(log).toMatch(/^\d+\.\d+ uid=2000 tailscale down$/m);
  });

  it('measures the simulated tailscale over ssh2', async () => {
    const time = async (command: string, n = 20) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i++) expect((await exec(client('w1'), command)).code).toBe(0);
      return Number(process.hrtime.bigint() - started) / 1e6 / n;
    };
    const bare = await time('true');
    const status = await time('tailscale status --json >/dev/null');
    const set = await time('sudo tailscale set --accept-routes');
    console.log(
      `per exec over ssh2: true ${bare.toFixed(1)} ms, tailscale status --json ${status.toFixed(1)} ms, sudo tailscale set ${set.toFixed(1)} ms`,
    );
    expect(status).toBeLessThan(500);
  }, 30_000);

  it('down leaves no netns, link, rule, route, mount or process behind, and can be repeated', async () => {
    for (const c of clients.values()) c.end();
    clients.clear();
    const pids = [lab.coordinatorPid, ...lab.details.map((host) => host.sshdPid)];
    const started = Date.now();
    const first = labCli('down');
    console.log(`lab down (CLI): ${Date.now() - started} ms`);
    expect(first.status, first.stderr).toBe(0);
    expect(await leftovers()).toEqual([]);
    expect(pids.filter(alive)).toEqual([]);
    const again = labCli('down');
    expect(again.status, again.stderr).toBe(0);
  }, 60_000);
});
