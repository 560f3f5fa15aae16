// The lab itself, end to end: real sshd hosts, real routing, a real tailnet
// (tailscaled on every host and the workstation, Headscale as the control
// server). Needs root (namespaces, mounts); otherwise
// skipped with the reason printed. The lab is one set of machine-wide names:
// like every lab test file, this one holds lockLab() (test/lab/lock.ts) from
// before its first `down` until after its last.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import type {Client} from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseStatus} from '../../source/core/tailnet/parse-status.js';
import {runCli} from '../support/cli.js';
import {defaultVip, hostNs} from './config.js';
import {
  alive,
  down,
  hostExec,
  leftovers,
  readLab,
  startTailscaled,
  stopTailscaled,
  type LabState,
} from './lab.js';
import {refreshStatusFile} from './tailnet.js';
import {labCli} from './lab-cli.js';
import {labSetupTimeoutMs, lockLab} from './lock.js';
import {connect, exec} from './ssh.js';
import {labSkipReason} from './skip.js';

const skipReason = labSkipReason('test/lab/lab.test.ts');

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

  it('up prints one JSON object with where the hosts are, their roles, how to run the wizard and the control server', async () => {
    expect(Object.keys(upSummary)).toEqual([
      'statusFile',
      'identityFile',
      'knownHostsFile',
      'sshUser',
      'hosts',
      'run',
      'headscale',
    ]);
    // Each address is the host's Tailscale IP, as its own tailscaled reports it.
    const hosts = upSummary['hosts'] as Array<{name: string; address: string; role: string}>;
    expect(hosts.map(({name, role}) => [name, role])).toEqual([
      ['cp1', 'control-plane'],
      ['cp2', 'control-plane'],
      ['cp3', 'control-plane'],
      ['w1', 'worker'],
      ['w2', 'worker'],
    ]);
    for (const host of hosts) {
      const own = await hostExec(lab, host.name, ['tailscale', 'ip', '-4']);
      expect(own.stdout.trim(), host.name).toBe(host.address);
    }
    // The machine's own namespace reaches the tailnet through the workstation: nothing to prefix.
    expect(upSummary['run']).toEqual([]);
    expect(upSummary['headscale']).toEqual({
      url: 'http://10.99.0.2:8080',
      apiKeyFile: '/tmp/hwlab/headscale/api-key',
    });
    expect(readFileSync('/tmp/hwlab/headscale/api-key', 'utf8')).toMatch(/^\S{20,}\n$/);
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

  it("writes the workstation's real `tailscale status --json`, which the project parser and `ha-wizard plan` accept", () => {
    const text = readFileSync(lab.statusFile, 'utf8');
    const tailnet = parseStatus(text, lab.statusFile);
    expect(tailnet.peers.map((peer) => peer.hostName).sort()).toEqual(
      ['hwlab-workstation', 'cp1', 'cp2', 'cp3', 'w1', 'w2'].sort(),
    );
    expect(tailnet.peers.every((peer) => peer.online)).toBe(true);
    // Tailscale addresses from Headscale, in the lab's own /24; the summary's are the same.
    for (const host of lab.hosts) {
      expect(host.address).toMatch(/^100\.64\.10\.\d+$/);
      expect(tailnet.peers.find((peer) => peer.hostName === host.name)?.ipv4).toBe(host.address);
    }
    expect(new Set(lab.hosts.map((h) => h.address)).size).toBe(lab.hosts.length);
    expect(JSON.parse(text).Self.HostName).toBe('hwlab-workstation');
    expect(JSON.parse(text).Version).toMatch(/^1\.98\.10\b/);
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

  it('keeps every lab packet on this machine: no default route anywhere in the lab, lab ranges never reach the real uplink', async () => {
    const namespaces = [
      ...lab.details.map((host) => host.namespace),
      'hwlab-net',
      'hwlab-hs',
      'hwlab-ws',
    ];
    for (const ns of namespaces) {
      const routes = spawnSync('ip', ['-n', ns, 'route', 'show', 'default'], {encoding: 'utf8'});
      expect(routes.stdout, ns).toBe('');
      const get = spawnSync('ip', ['-n', ns, 'route', 'get', '8.8.8.8'], {encoding: 'utf8'});
      expect(get.status, ns).not.toBe(0);
      // tailscaled's table 52 holds only the peers it knows, none of them outside the lab.
      const table52 = spawnSync('ip', ['-n', ns, 'route', 'show', 'table', '52'], {
        encoding: 'utf8',
      }).stdout;
      for (const line of table52.split('\n').filter(Boolean))
        expect(line, ns).toMatch(/^(100\.64\.10\.\d+|100\.100\.100\.100|10\.200\.0\.\d+(\/\d+)?) /);
    }
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
      '10.99.0.2',
      '10.77.0.77',
    ]) {
      const result = spawnSync('ip', ['route', 'get', address], {encoding: 'utf8'});
      const text = `${result.stdout}${result.stderr}`;
      expect(text, address).toMatch(/dev hwlab-op0|unreachable|No route to host/i);
      if (uplink) expect(text, address).not.toContain(`dev ${uplink}`);
    }
  });

  it('the tailnet is real: WireGuard between hosts, DERP through Headscale when direct UDP is blocked', async () => {
    const cp2 = lab.hosts.find((h) => h.name === 'cp2')?.address ?? '';
    const direct = await exec(client('cp1'), `tailscale ping --c 5 ${cp2}`);
    expect(direct.stdout).toMatch(
      /^pong from cp2 \(100\.64\.10\.\d+\) via 10\.99\.0\.12:41641 in /m,
    );
    expect(
      (await hostExec(lab, 'cp1', ['ip', '-br', 'link', 'show', 'tailscale0'])).stdout,
    ).toMatch(/^tailscale0 /);
    expect(labCli('relay', 'cp3').status).toBe(0);
    try {
      const cp3 = lab.hosts.find((h) => h.name === 'cp3')?.address ?? '';
      // A fresh path: the first pongs come through DERP; with UDP blocked, none ever comes direct.
      let relayed = '';
      for (let i = 0; i < 20 && !/via DERP\(lab\)/.test(relayed); i++)
        relayed = (await exec(client('cp1'), `tailscale ping --c 2 ${cp3}`)).stdout;
      expect(relayed).toMatch(/pong from cp3 \(100\.64\.10\.\d+\) via DERP\(lab\) in /);
      // Traffic flows over the relay too: ssh from cp1 to cp3's sshd port through it.
      const tcp = await exec(
        client('cp1'),
        `timeout 5 bash -c 'exec 3<>/dev/tcp/${cp3}/22 && head -c 7 <&3'`,
      );
      expect(tcp.stdout).toBe('SSH-2.0');
    } finally {
      expect(labCli('relay').status).toBe(0);
    }
  }, 90_000);

  it('routes the VIP to one approved advertiser (Headscale picks it), moves it when that tailscaled stops, and never flaps back', async () => {
    for (const cp of ['cp1', 'cp2', 'cp3']) {
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
      const set = await exec(client(cp), `sudo tailscale set --advertise-routes=${defaultVip}/32`);
      expect(set.code, set.stderr).toBe(0);
    }
    for (const w of ['w1', 'w2'])
      expect((await exec(client(w), 'sudo tailscale set --accept-routes')).code).toBe(0);

    const waitFor = async (pattern: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = (await exec(client('w1'), askVip)).stdout;
        if (pattern.test(last)) return last;
        await sleep(100);
      }
      throw new Error(`w1 never saw ${pattern} through the VIP; last answer: ${last}`);
    };
    const primaryOf = async () => {
      const status = JSON.parse((await exec(client('w1'), 'tailscale status --json')).stdout);
      return Object.values(
        status.Peer as Record<string, {HostName: string; PrimaryRoutes?: string[]}>,
      )
        .filter((peer) => peer.PrimaryRoutes?.includes(`${defaultVip}/32`))
        .map((peer) => peer.HostName);
    };
    const first = (await waitFor(/hello from cp\d/, 15_000)).trim().split(' ').at(-1) ?? '';
    expect(await primaryOf()).toEqual([first]);

    await stopTailscaled(first);
    const wentDown = Date.now();
    const second = (await waitFor(new RegExp(`hello from (?!${first})cp\\d`), 60_000))
      .trim()
      .split(' ')
      .at(-1);
    console.log(
      `failover (tailscaled stopped on the primary ${first} -> w1 served by ${second}): ${Date.now() - wentDown} ms`,
    );
    // The workstation's own tailscaled hears of it as a netmap update of its own: poll, do not sleep.
    let workstation = parseStatus(await refreshStatusFile(), 'status');
    for (let i = 0; i < 100; i++) {
      const peer = workstation.peers.find((p) => p.hostName === second);
      if (peer?.primaryRoutes.includes(`${defaultVip}/32`)) break;
      await sleep(100);
      workstation = parseStatus(await refreshStatusFile(), 'status');
    }
    expect(workstation.peers.find((peer) => peer.hostName === first)?.online).toBe(false);
    expect(workstation.peers.find((peer) => peer.hostName === second)?.primaryRoutes).toEqual([
      `${defaultVip}/32`,
    ]);

    await startTailscaled(lab, first);
    await sleep(3000);
    expect((await exec(client('w1'), askVip)).stdout).toContain(`hello from ${second}`);
    // A control plane holding the VIP answers it locally (the `local` table wins over table 52).
    expect((await exec(client(first), askVip)).stdout).toContain(`hello from ${first}`);
  }, 120_000);

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

  it("refuses as the wizard expects: up's flag-reset error, unknown flags, prefs writes without root, down over Tailscale", async () => {
    const upResult = await exec(client('cp2'), 'sudo tailscale up --accept-routes');
    expect(upResult.code).toBe(1);
    expect(upResult.stderr).toMatch(
      /^Error: changing settings via 'tailscale up' requires mentioning all\nnon-default flags\./,
    );
    expect(upResult.stderr).toContain(`--advertise-routes=${defaultVip}/32`);
    const unknown = await exec(client('cp2'), 'sudo tailscale set --advertise-route=10.0.0.0/8');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^flag provided but not defined: -advertise-route\n/);
    const denied = await exec(client('cp2'), 'tailscale set --accept-routes');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      /^Access denied: checkprefs access denied\n\nUse 'sudo tailscale set --accept-routes'\./,
    );
    // Connected over Tailscale, `down` would cut the session itself: the CLI refuses without --accept-risk.
    // (stdin closed: the CLI would otherwise wait for a yes on it.)
    const deniedDown = await exec(client('cp2'), 'sudo tailscale down </dev/null');
    expect(deniedDown.code).toBe(1);
    expect(deniedDown.stdout + deniedDown.stderr).toMatch(/--accept-risk=lose-ssh/);
    const log = (await exec(client('cp2'), 'cat /var/lib/hwlab/calls.log')).stdout;
    expect(log).toMatch(
      new RegExp(`^\\d+\\.\\d+ uid=0 tailscale set --advertise-routes=10\\.200\\.0\\.1/32$`, 'm'),
    );
    expect(log).toMatch(/^\d+\.\d+ uid=2000 tailscale set --accept-routes$/m);
  });

  it('measures the real tailscale CLI over ssh2', async () => {
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
    expect(status).toBeLessThan(2000);
  }, 60_000);

  it('down leaves no netns, link, rule, route, mount or process behind, and can be repeated', async () => {
    for (const c of clients.values()) c.end();
    clients.clear();
    const pids = [lab.headscalePid, lab.workstationPid, ...lab.details.map((host) => host.sshdPid)];
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
