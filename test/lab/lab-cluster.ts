// One lab cluster per test file: `lab up … --json` (the CLI), a plan for it
// written by the BUILT `ha-wizard plan`, set up in beforeAll and always taken
// down in afterAll under the lab lock, with helpers that look inside the hosts.
// Used by the apply and doctor lab tests.
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, expect} from 'vitest';
import {repoDir} from './config.js';
import {vipAnswersFrom, vipPrimary} from './drills.js';
import {down, hostExec, installHelm, readLab, type LabState} from './lab.js';
import {labSetupTimeoutMs, lockLab} from './lock.js';

export const cli = join(repoDir, 'dist', 'cli.js');
export const vip = '10.200.0.1';
export const cps = ['cp1', 'cp2', 'cp3'];

/** Tool calls that change a host (as calls.log records them: the simulators, and the real tailscale behind its logging wrapper). */
export const mutating =
  /uid=\d+ (tailscale (set|up|down)|kubeadm (init|join|reset|token create|init phase)|systemctl (start|stop|restart|enable|disable|daemon-reload|reload)|networkctl (reload|delete)|nmcli (connection|con|c) (add|up|down|delete|modify)|helm (upgrade|install|uninstall)|containerd config default)\b/;

/** The calls in a host's calls.log past `from` (its length earlier) that changed the host. */
export const mutatingCallsSince = (log: string, from: number | undefined): string[] =>
  log
    .slice(from)
    .split('\n')
    .filter((line) => mutating.test(line));

export interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const runProcess = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Proc> =>
  new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    const child = spawn(file ?? 'false', args, {
      cwd: repoDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({code, stdout, stderr});
    });
  });

/**
 * A lab (`lab up … --json`, the CLI) and a plan for it (`ha-wizard plan`, the built CLI), set up in
 * beforeAll and always taken down in afterAll, with helpers that look inside the hosts.
 */
/**
 * labCluster's options for the LAN endpoints' lab files: 3 control planes and w1 on the lab's
 * LAN (`up --lan`), planned with `endpoint` and the VIP up leaves free (handed to `onVip`), with
 * the default pod and service ranges: the lab's LAN lies outside both, as a home LAN does.
 */
export const onLan = (
  endpoint: 'keepalived-haproxy' | 'kube-vip',
  onVip: (vip: string) => void,
) => ({
  workers: ['w1'],
  upArgs: ['--control-planes', '3', '--workers', '1', '--lan'],
  planArgs: (up: {readonly lan?: {readonly vip: string}}) => {
    const vip = up.lan?.vip ?? '';
    onVip(vip);
    return ['--endpoint', endpoint, '--vip', vip];
  },
});

export const labCluster = (options: {
  workers: readonly string[];
  upArgs: readonly string[];
  /** Runs on the lab before the plan is written. */
  prepare?: (ok: (host: string, script: string) => Promise<string>) => Promise<void>;
  /** Leave helm off the init node (it starts as the kubeadm install guide leaves a node). */
  withoutHelm?: boolean;
  /** More `ha-wizard plan` arguments, from up's JSON line (the LAN endpoints take its `lan.vip`). */
  planArgs?: (up: {readonly lan?: {readonly cidr: string; readonly vip: string}}) => string[];
}) => {
  const hosts = [...cps, ...options.workers];
  let releaseLab: (() => Promise<void>) | undefined;
  let lab: LabState | undefined;
  let scratch = '';
  let planDir = '';
  let env: NodeJS.ProcessEnv = {};
  const state = () => {
    if (!lab) throw new Error('the lab is not up');
    return lab;
  };

  const sh = async (host: string, script: string, timeoutMs = 30_000) =>
    hostExec(state(), host, ['bash', '-c', script], {timeoutMs});
  const ok = async (host: string, script: string) => {
    const r = await sh(host, script);
    if (r.code !== 0)
      throw new Error(`${host}: ${script} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  };
  const calls = (host: string) =>
    readFileSync(join(state().labDir, 'hosts', host, 'upper/var/lib/hwlab/calls.log'), 'utf8');
  const applyArgv = (extra: readonly string[]) => [
    'node',
    cli,
    'apply',
    planDir,
    '--known-hosts',
    state().knownHostsFile,
    '--yes',
    ...extra,
  ];
  const apply = (...extra: string[]) => runProcess(applyArgv(extra), env, 150_000);
  /** `ha-wizard drill` of the plan, without its question. */
  const drillArgv = (...extra: string[]) => [
    'node',
    cli,
    'drill',
    '--plan',
    planDir,
    '--known-hosts',
    state().knownHostsFile,
    '--yes',
    ...extra,
  ];
  /** Which lab node the workstation's status says is the VIP's primary router. */
  const primary = () => vipPrimary(vip);
  /** readyz through the VIP, from w1 (through the tailnet router). */
  const vipAnswers = () => vipAnswersFrom(state(), 'w1', vip);
  const prefs = async (host: string) =>
    JSON.parse(await ok(host, 'tailscale debug prefs')) as {
      RouteAll: boolean;
      AdvertiseRoutes: string[] | null;
    };
  const vipOnLo1 = async (host: string) =>
    (await sh(host, 'ip -j addr show dev lo1')).stdout.includes(`"local":"${vip}"`);
  const facts = (host: string) =>
    JSON.parse(
      readFileSync(join(state().labDir, 'hosts', host, 'upper/var/lib/hwlab/facts.json'), 'utf8'),
    ) as {networkManager: string; containerdConfigVersion: number};

  beforeAll(async () => {
    releaseLab = await lockLab();
    await down();
    const up = await runProcess(
      ['node', '--import', 'tsx', 'test/lab/cli.ts', 'up', ...options.upArgs, '--json'],
      process.env,
      90_000,
    );
    expect(up.code, up.stderr).toBe(0);
    const summary = JSON.parse(up.stdout.trim().split('\n').at(-1) ?? '{}') as {
      statusFile: string;
      identityFile: string;
      knownHostsFile: string;
      sshUser: string;
      hosts: Array<{name: string; role: string}>;
      lan?: {cidr: string; vip: string};
    };
    expect(summary.hosts.map((h) => h.name)).toEqual(hosts);
    lab = readLab();
    // The init node gets helm where its install script puts it (the Cilium phase needs it).
    if (!options.withoutHelm) await installHelm(lab, 'cp1');
    await options.prepare?.(ok);
    scratch = mkdtempSync(join(tmpdir(), 'ha-wizard-apply-lab-'));
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
        options.workers.join(','),
        '--ssh-user',
        summary.sshUser,
        '--identity',
        summary.identityFile,
        '--out',
        planDir,
        ...(options.planArgs?.(summary) ?? []),
      ],
      env,
      30_000,
    );
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  }, labSetupTimeoutMs); // the wait for the lab lock, then up and plan

  afterAll(async () => {
    // Only the holder of the lock takes the lab down: a file that timed out waiting for it
    // would otherwise tear down the lab another file (or worktree) is using.
    if (releaseLab) {
      await down();
      await releaseLab();
    }
    if (scratch) rmSync(scratch, {recursive: true, force: true});
  }, 60_000);

  /** The control planes that have `address` (a LAN endpoint's VIP) on an interface now. */
  const holdersOf = async (address: string) => {
    const found: string[] = [];
    for (const host of cps)
      if ((await sh(host, 'ip -4 -o addr show')).stdout.includes(` ${address}/`)) found.push(host);
    return found;
  };
  /** `NAME STATUS` of every node, sorted, as kubectl on `host` lists them (through the endpoint). */
  const nodesFrom = async (host: string) =>
    (await ok(host, 'sudo kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/).slice(0, 2).join(' '))
      .sort();
  /** `ha-wizard reset` of the plan, answering its question with --yes. */
  const reset = () =>
    runProcess(
      ['node', cli, 'reset', '--plan', planDir, '--known-hosts', state().knownHostsFile, '--yes'],
      env,
      200_000,
    );

  return {
    hosts,
    sh,
    holdersOf,
    nodesFrom,
    reset,
    ok,
    calls,
    apply,
    applyArgv,
    drillArgv,
    primary,
    vipAnswers,
    prefs,
    vipOnLo1,
    facts,
    lab: state,
    planDir: () => planDir,
    /** The environment the CLI runs with (its own state dir and KUBECONFIG). */
    env: () => env,
    scratch: () => scratch,
  };
};
