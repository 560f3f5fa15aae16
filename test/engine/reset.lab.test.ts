// `ha-wizard reset` and `apply --start-over` (the BUILT CLI) against the lab:
// every host's files (its overlay upper dir, which holds everything written
// on the host since the lab came up) and its tailscale prefs are snapshotted
// before the first apply, and each reset must bring them back exactly: the
// same files, same contents and modes, the same prefs, no VIP, no gate. Then
// a half-built cluster with one host cut off, and a start over after a kill.
// Needs root and a built dist/; skipped with the reason printed otherwise.
// Holds the lab lock (test/lab/lock.ts) while the lab is up.
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoDir} from '../lab/config.js';
import {
  cutHost,
  down,
  hostExec,
  installHelm,
  type LabState,
  mendHost,
  readLab,
} from '../lab/lab.js';
import {mutating, runProcess} from '../lab/lab-cluster.js';
import {labSetupTimeoutMs, lockLab} from '../lab/lock.js';
import {labSkipReason} from '../lab/skip.js';
import {sleep} from '../lab/system.js';

const cli = join(repoDir, 'dist', 'cli.js');
const skipReason = labSkipReason('test/engine/reset.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

const vip = '10.200.0.1';
const cps = ['cp1', 'cp2', 'cp3'];
const hosts = [...cps, 'w1'];
/** A route cp2 advertises before the wizard: reset must keep it. */
const existingRoute = '192.168.77.0/24';

/**
 * What changes inside a host's upper dir without the wizard: the lab's own
 * bookkeeping (the call log, facts and process records, the simulated
 * kubelet's log), and tailscaled's state and log, which it rewrites as it runs
 * (its prefs are compared through `tailscale debug prefs` instead).
 */
const labBookkeeping = [
  'var/lib/hwlab/',
  'var/log/hwlab/',
  'var/lib/tailscale/',
  'var/log/tailscaled.log/',
];

/** Every file, symlink and whiteout under `dir` (directories themselves are not compared). */
const snapshotDir = (dir: string): Map<string, string> => {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (labBookkeeping.some((prefix) => `${path}/`.startsWith(prefix))) continue;
      const full = join(dir, path);
      const stat = lstatSync(full);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isDirectory()) walk(path);
      else if (stat.isSymbolicLink()) out.set(path, `symlink -> ${readlinkSync(full)}`);
      else if (stat.isCharacterDevice() && stat.rdev === 0) out.set(path, 'whiteout (deleted)');
      else
        out.set(
          path,
          `mode ${mode} uid ${stat.uid} sha256 ${createHash('sha256').update(readFileSync(full)).digest('hex')}`,
        );
    }
  };
  walk('');
  return out;
};

/** The differences between two snapshots, as lines (empty when equal). */
const differences = (before: Map<string, string>, after: Map<string, string>): string[] => [
  ...[...before].flatMap(([path, what]) =>
    !after.has(path)
      ? [`gone: /${path} (${what})`]
      : after.get(path) !== what
        ? [`changed: /${path}: ${what} -> ${after.get(path)}`]
        : [],
  ),
  ...[...after].flatMap(([path, what]) => (before.has(path) ? [] : [`new: /${path} (${what})`])),
];

describe.skipIf(skipReason !== undefined)(
  'ha-wizard reset and apply --start-over on the lab: every host back as before (root)',
  () => {
    let releaseLab: (() => Promise<void>) | undefined;
    let lab: LabState | undefined;
    let scratch = '';
    let planDir = '';
    let env: NodeJS.ProcessEnv = {};
    const state = () => {
      if (!lab) throw new Error('the lab is not up');
      return lab;
    };
    const sh = (host: string, script: string) =>
      hostExec(state(), host, ['bash', '-c', script], {timeoutMs: 30_000});
    const ok = async (host: string, script: string) => {
      const r = await sh(host, script);
      if (r.code !== 0) throw new Error(`${host}: ${script} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    const calls = (host: string) =>
      readFileSync(join(state().labDir, 'hosts', host, 'upper/var/lib/hwlab/calls.log'), 'utf8');
    const argv = (command: string, extra: readonly string[]) => [
      'node',
      cli,
      command,
      ...(command === 'apply' ? [planDir] : []),
      '--known-hosts',
      state().knownHostsFile,
      '--yes',
      ...extra,
    ];
    const wizard = (command: 'apply' | 'reset', ...extra: string[]) =>
      runProcess(argv(command, extra), env, 200_000);
    const savedRun = () => {
      try {
        return JSON.parse(
          readFileSync(join(scratch, 'state/ha-wizard/clusters/homelab.json'), 'utf8'),
        ) as {status?: string; currentPhase?: string; pid?: number};
      } catch {
        return undefined;
      }
    };
    /** Starts apply and kills it (SIGKILL) once the saved run says it is in `phase`. */
    const applyKilledIn = async (phase: string, extra: readonly string[] = []) => {
      const [file, ...args] = argv('apply', extra);
      const child = spawn(file!, args, {cwd: repoDir, env, stdio: 'ignore'});
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      const t0 = performance.now();
      let killed = false;
      while (!killed && child.exitCode === null && performance.now() - t0 < 150_000) {
        const saved = savedRun();
        if (saved?.pid === child.pid && saved?.currentPhase === phase) {
          await sleep(300);
          child.kill('SIGKILL');
          killed = true;
        } else await sleep(20);
      }
      await exited;
      expect(killed, `apply never reached ${phase}`).toBe(true);
      // A kubeadm the killed wizard started on a host runs on to its end (its SSH session
      // is gone, not the process): wait for it, as a person would before resetting.
      for (let i = 0; i < 120; i++) {
        const running = await runProcess(
          ['pgrep', '-f', 'sim.mjs kubeadm (init|join)'],
          env,
          5_000,
        );
        if (running.code !== 0) return;
        await sleep(500);
      }
      throw new Error('kubeadm still running on a host a minute after the kill');
    };

    const snapshot = async () => {
      const files = new Map<string, Map<string, string>>();
      const prefs = new Map<string, unknown>();
      for (const host of hosts) {
        files.set(host, snapshotDir(join(state().labDir, 'hosts', host, 'upper')));
        prefs.set(host, JSON.parse(await ok(host, 'tailscale debug prefs')));
      }
      return {files, prefs};
    };
    let before: Awaited<ReturnType<typeof snapshot>> | undefined;

    /** The host is as it was before the first apply: files, prefs, no VIP, no lo1, no gate. */
    const assertAsBefore = async (host: string) => {
      const now = await snapshot();
      expect(differences(before!.files.get(host)!, now.files.get(host)!), host).toEqual([]);
      const routeChanges = () =>
        calls(host)
          .split('\n')
          .filter((line) => / tailscale set /.test(line))
          .join('\n');
      expect(now.prefs.get(host), `${host}'s tailscale set calls:\n${routeChanges()}`).toEqual(
        before!.prefs.get(host),
      );
      expect(await ok(host, 'ip -j addr'), host).not.toContain(`"${vip}"`);
      expect((await sh(host, 'ip link show lo1')).code, host).not.toBe(0);
      expect((await sh(host, 'systemctl is-active ha-wizard-health-gate.service')).stdout).not.toBe(
        'active\n',
      );
    };

    /** What the cluster must have after an apply (read from the hosts and the simulated cluster). */
    const assertBuilt = async () => {
      const cluster = JSON.parse(
        readFileSync(join(state().labDir, 'cluster/cluster.json'), 'utf8'),
      ) as {etcdMembers: unknown[]; nodes: Array<{name: string}>};
      expect(cluster.nodes.map((n) => n.name).sort()).toEqual(hosts);
      expect(cluster.etcdMembers).toHaveLength(cps.length);
      for (const host of cps) {
        expect(await ok(host, 'ip -j addr show dev lo1'), host).toContain(`"local":"${vip}"`);
        expect((await sh(host, 'systemctl is-active ha-wizard-health-gate.service')).stdout).toBe(
          'active\n',
        );
      }
      for (const host of hosts)
        expect(JSON.parse(await ok(host, 'tailscale debug prefs')).RouteAll, host).toBe(true);
      expect(await ok('w1', `curl -sk --max-time 2 https://${vip}:6443/readyz`)).toBe('ok');
    };

    beforeAll(async () => {
      // Other lab test files (this run's or another process's) may hold the lab for minutes.
      releaseLab = await lockLab();
      await down();
      const up = await runProcess(
        [
          'node',
          '--import',
          'tsx',
          'test/lab/cli.ts',
          'up',
          '--control-planes',
          '3',
          '--workers',
          '1',
          '--network-manager',
          'mixed',
          '--containerd',
          'mixed',
          '--json',
        ],
        process.env,
        90_000,
      );
      expect(up.code, up.stderr).toBe(0);
      const summary = JSON.parse(up.stdout.trim().split('\n').at(-1) ?? '{}') as {
        statusFile: string;
        identityFile: string;
        sshUser: string;
      };
      lab = readLab();
      await installHelm(lab, 'cp1');
      // What the hosts had before ha-wizard: cp2 advertises a LAN route, cp3 already accepts
      // routes (reset must leave it on), w1 has no containerd config (the wizard creates one).
      await ok('cp2', `tailscale set --advertise-routes=${existingRoute}`);
      await ok('cp3', 'tailscale set --accept-routes=true');
      await ok('w1', 'rm /etc/containerd/config.toml');
      scratch = mkdtempSync(join(tmpdir(), 'ha-wizard-reset-lab-'));
      planDir = join(scratch, 'plan');
      env = {
        ...process.env,
        XDG_STATE_HOME: join(scratch, 'state'),
        KUBECONFIG: join(scratch, 'kubeconfig'),
        NO_COLOR: '1',
      };
      const plan = await runProcess(
        [
          'node',
          cli,
          'plan',
          '--status-file',
          summary.statusFile,
          '--control-plane',
          cps.join(','),
          '--worker',
          'w1',
          '--ssh-user',
          summary.sshUser,
          '--identity',
          summary.identityFile,
          '--out',
          planDir,
        ],
        env,
        30_000,
      );
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      before = await snapshot();
    }, labSetupTimeoutMs);

    afterAll(async () => {
      await down();
      await releaseLab?.();
      if (scratch) rmSync(scratch, {recursive: true, force: true});
    }, 60_000);

    it('apply builds the cluster; reset --yes puts every host back as before; a second reset changes nothing', async () => {
      const run = await wizard('apply');
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      await assertBuilt();
      expect(savedRun()?.status).toBe('finished');
      // The VIP joined cp2's own route (the union), which reset must leave behind.
      expect(JSON.parse(await ok('cp2', 'tailscale debug prefs')).AdvertiseRoutes).toEqual([
        existingRoute,
        `${vip}/32`,
      ]);

      const reset = await wizard('reset');
      expect(reset.code, `${reset.stdout}\n${reset.stderr}`).toBe(0);
      // The list it asked about (answered by --yes), then progress per host.
      expect(reset.stderr).toMatch(/^Reset cluster homelab: undo what ha-wizard did on 4 hosts/m);
      expect(reset.stderr).toMatch(
        /^ {2}w1 \(worker\): kubeadm reset -f; accept-routes back off; remove \/etc\/containerd\/config\.toml/m,
      );
      expect(reset.stderr).toMatch(/^ {2}cp3 \(control plane\): .*withdraw 10\.200\.0\.1\/32/m);
      expect(reset.stdout).toMatch(/^cp1: reset-kubeadm: done/m);
      expect(reset.stdout).toContain(
        'every host of cluster homelab is back as it was before ha-wizard.',
      );
      // kubeadm reset in reset order: the worker, then cp3, cp2, and the init node last.
      const resetAt = (host: string) =>
        Number(/^(\d+\.\d+) uid=0 kubeadm reset/m.exec(calls(host))?.[1] ?? NaN);
      const order = hosts.slice().sort((a, b) => resetAt(a) - resetAt(b));
      expect(order).toEqual(['w1', 'cp3', 'cp2', 'cp1']);
      for (const host of hosts) await assertAsBefore(host);
      expect(savedRun()).toBeUndefined();

      // Nothing left: the same reset, given the plan (no saved run now), changes nothing.
      const marks = new Map(hosts.map((h) => [h, calls(h).length]));
      const again = await wizard('reset', '--plan', planDir);
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
      expect(again.stdout).toContain('nothing needed changing');
      for (const host of hosts)
        expect(
          calls(host)
            .slice(marks.get(host))
            .split('\n')
            .filter((line) => mutating.test(line)),
          host,
        ).toEqual([]);
      for (const host of hosts) await assertAsBefore(host);
    }, 400_000);

    it('a half-built cluster (apply killed mid-join) with w1 cut off: the others are undone, w1 is named, exit 1; once w1 is back, reset finishes', async () => {
      await applyKilledIn('join-control-planes');
      await cutHost('w1');
      let mended = false;
      try {
        const reset = await wizard('reset', 'homelab');
        const output = `${reset.stdout}\n${reset.stderr}`;
        expect(reset.code, output).toBe(1);
        expect(output).toMatch(/^w1: reset-health-gate: FAILED: .*w1/m);
        expect(output).toMatch(/NOT UNDONE: Remove the health gate failed on w1/);
        expect(output).toMatch(/Run ha-wizard reset homelab again once these are fixed/);
        for (const host of cps) await assertAsBefore(host);
        // The record of what w1 had before is kept for the next reset.
        expect(savedRun()).toBeDefined();
        await mendHost('w1');
        mended = true;
        const finish = await wizard('reset', 'homelab');
        expect(finish.code, `${finish.stdout}\n${finish.stderr}`).toBe(0);
        expect(finish.stdout).toMatch(/^cp1: reset-kubeadm: already done/m);
        for (const host of hosts) await assertAsBefore(host);
      } finally {
        if (!mended) await mendHost('w1');
      }
    }, 400_000);

    it('apply --start-over after an interrupted run resets every host, then ends with a verified cluster', async () => {
      await applyKilledIn('kubeadm-init');
      expect(savedRun()?.status).toBe('running');
      const run = await wizard('apply', '--start-over');
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.code, output).toBe(0);
      expect(output).toContain('every host of cluster homelab is back as it was before ha-wizard');
      expect(output).toContain('cluster homelab is ready');
      // Reset came first: kubeadm reset on cp1 before its (second) kubeadm init.
      const log = calls('cp1');
      expect(log.lastIndexOf(' kubeadm reset')).toBeLessThan(
        log.lastIndexOf(' kubeadm init --config'),
      );
      await assertBuilt();
      expect(savedRun()?.status).toBe('finished');
    }, 400_000);
  },
);
