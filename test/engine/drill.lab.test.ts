// `ha-wizard drill` (the BUILT CLI, dist/cli.js) on a lab cluster the wizard
// built: 3 control planes and a worker on the real tailnet (tailscaled +
// Headscale). The drill reads the workstation's live `tailscale status`
// (its real CLI first on PATH), stops the VIP holder's apiserver (then, with
// --node-down, its tailscaled), and must leave the cluster as it found it;
// Ctrl-C mid-drill puts the apiserver back. What the hosts end up with is read
// from inside them, not from what the drill says. Needs root and a built
// dist/; skipped with the reason printed otherwise. Holds the lab lock.
import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {secondsUntil} from '../lab/drills.js';
import {cli, cps, labCluster, runProcess, vip} from '../lab/lab-cluster.js';
import {receivedCommands} from '../lab/received-commands.js';
import {labSkipReason} from '../lab/skip.js';
import {writeWorkstationTailscale} from '../lab/tailnet.js';
import {parseDrillJson} from './drill-json.js';

const skipReason = labSkipReason('test/engine/drill.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

const workers = ['w1'];
const all = [...cps, ...workers];
/** Headscale's HA probe interval in this lab (seconds), as apply.lab.test.ts uses it. */
const haProbeInterval = 4;

describe.skipIf(skipReason !== undefined)('ha-wizard drill on the lab (root)', () => {
  const c = labCluster({
    workers,
    upArgs: [
      '--control-planes',
      '3',
      '--workers',
      '1',
      '--ha-probe-interval',
      String(haProbeInterval),
    ],
  });
  const measured: Record<string, number | null> = {};

  /** The drill's environment: the workstation's real tailscale CLI first on PATH. */
  const env = () => {
    const bin = join(c.scratch(), 'bin');
    writeWorkstationTailscale(bin);
    return {...c.env(), PATH: `${bin}:${process.env['PATH'] ?? ''}`};
  };
  const {drillArgv} = c;

  /** The cluster as a built one is: every apiserver ready, tailscaled up everywhere, the VIP on every lo1, every node Ready. */
  const assertAsBefore = async () => {
    for (const host of cps) {
      expect(
        (await c.sh(host, 'curl -sk --max-time 2 https://127.0.0.1:6443/readyz')).stdout,
        `${host} readyz`,
      ).toBe('ok');
      expect(await c.ok(host, 'ls /etc/kubernetes/manifests'), host).toContain(
        'kube-apiserver.yaml',
      );
      expect(await c.ok(host, 'ls /etc/kubernetes'), host).not.toMatch(/ha-wizard-drill/);
      // The health gate put the VIP back where it had taken it away.
      await secondsUntil(() => c.vipOnLo1(host), performance.now(), 60_000);
      expect((await c.prefs(host)).AdvertiseRoutes ?? [], host).toContain(`${vip}/32`);
    }
    for (const host of all) {
      const active = await c.sh(host, 'systemctl is-active tailscaled');
      expect(active.stdout, `tailscaled on ${host}`).toBe('active\n');
      expect(
        (await c.ok(host, 'tailscale status --json')).includes('"BackendState": "Running"'),
        host,
      ).toBe(true);
    }
    const listed = await c.ok('w1', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes');
    for (const host of all) expect(listed).toMatch(new RegExp(`^${host} +Ready`, 'm'));
    expect(await c.vipAnswers()).toBe(true);
  };

  it('apply builds the cluster the drills run on', async () => {
    const run = await c.apply('--headscale-api-key-file', c.lab().headscale.apiKeyFile);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    await assertAsBefore();
  }, 180_000);

  it("drill: the holder's apiserver stops; the health gate moves the VIP; exit 0, and the cluster is as before", async () => {
    const before = await c.primary();
    expect(before).toBeDefined();
    const run = await runProcess(drillArgv('--json'), env(), 240_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const json = parseDrillJson(run.stdout);
    expect(json.ok).toBe(true);
    expect(json.endpoint).toBe(`${vip}:6443`);
    expect(json.holderBefore).toBe(before);
    expect(json.holderAfter).not.toBe(json.holderBefore);
    expect(cps).toContain(json.holderAfter);
    expect(json.downSeconds).toBeGreaterThan(0);
    expect(json.downSeconds).toBeLessThan(30);
    expect(json.restoredSeconds).toBeGreaterThanOrEqual(0);
    // What the holder received (as its sshd handed it over): the guard, the manifest out and back.
    const received = receivedCommands(c.lab().labDir, json.holderBefore).filter((line) =>
      line.includes('kube-apiserver.yaml.ha-wizard-drill-'),
    );
    expect(received).toHaveLength(3);
    expect(received[1]).toMatch(/mv -- \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml /);
    expect(run.stderr).toContain(`${json.holderBefore} holds the Tailscale VIP ${vip}`);
    measured['apiserver stopped'] = json.downSeconds;
    measured['apiserver restored'] = json.restoredSeconds;
    await assertAsBefore();
  }, 300_000);

  it("drill --node-down: the holder's tailscaled stops and starts again by itself; exit 0, and the cluster is as before", async () => {
    const before = await c.primary();
    const run = await runProcess(drillArgv('--json', '--node-down'), env(), 300_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const json = parseDrillJson(run.stdout);
    expect(json.ok).toBe(true);
    expect(json.holderBefore).toBe(before);
    expect(json.holderAfter).not.toBe(json.holderBefore);
    expect(json.downSeconds).toBeLessThan(30);
    // The node's own timer stopped and started tailscaled (the simulated systemctl acts on the real daemon).
    const calls = c.calls(json.holderBefore);
    expect(calls).toMatch(/uid=0 systemctl stop tailscaled\.service/);
    expect(calls).toMatch(/uid=0 systemctl start tailscaled\.service/);
    expect(run.stderr).toMatch(/starts tailscaled again by itself in \d+ s/);
    measured['node down'] = json.downSeconds;
    measured['node restored'] = json.restoredSeconds;
    await assertAsBefore();
  }, 300_000);

  it('Ctrl-C during the drill puts the apiserver back at once (exit 130), and the cluster is as before', async () => {
    const before = await c.primary();
    expect(before).toBeDefined();
    const [file, ...args] = drillArgv();
    const child = spawn(file ?? 'node', args, {env: env(), stdio: ['ignore', 'pipe', 'pipe']});
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // Ctrl-C once the apiserver is stopped, while the drill watches the endpoint.
    await secondsUntil(
      async () => /Stopped \S+'s apiserver/.test(stderr),
      performance.now(),
      120_000,
    );
    const victim = /Stopped (\S+)'s apiserver/.exec(stderr)?.[1] ?? '';
    expect(victim).toBe(before);
    expect(await c.ok(victim, 'ls /etc/kubernetes/manifests')).not.toContain('kube-apiserver.yaml');
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `ha-wizard drill: stopped; ${victim} is back and ${vip}:6443 answers.`,
    );
    expect(await c.ok(victim, 'ls /etc/kubernetes/manifests')).toContain('kube-apiserver.yaml');
    await assertAsBefore();
    console.log(
      `ha-wizard drill on the lab's tailnet (Headscale HA probe ${haProbeInterval} s): apiserver stopped -> endpoint back in ${measured['apiserver stopped']} s (restored in ${measured['apiserver restored']} s); ` +
        `--node-down (tailscaled stopped) -> back in ${measured['node down']} s (restored in ${measured['node restored']} s)`,
    );
  }, 300_000);
});
