// `ha-wizard drill` (the BUILT CLI, dist/cli.js) on kube-vip: a cluster
// `apply` built on the lab's shared LAN (`up --lan`; kube-vip run by the
// simulated kubelet from each control plane's manifest, its VIP really on the
// leader's lan0 with a gratuitous ARP) and a worker. The drill reads who holds
// the VIP on the hosts over SSH, stops the holder's apiserver (then, with
// --node-down, kube-vip itself, its manifest moved out) and must leave the
// cluster as it found it. kube-vip does not preempt, so the VIP stays with the
// new leader: the test asks for one holder, not for cp1. What the hosts end up
// with is read from inside them. Needs root and a built dist/; holds the lab lock.
import {describe, expect, it} from 'vitest';
import {secondsUntil} from '../lab/drills.js';
import {cli, cps, labCluster, onLan, runProcess} from '../lab/lab-cluster.js';
import {receivedCommands} from '../lab/received-commands.js';
import {labSkipReason} from '../lab/skip.js';
import {parseDrillJson} from './drill-json.js';

const skipReason = labSkipReason('test/engine/drill-kube-vip.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

const workers = ['w1'];
const all = [...cps, ...workers];
/** From up's JSON line: `up --lan` leaves 10.77.0.250 free for the VIP. */
let vip = '';

describe.skipIf(skipReason !== undefined)('ha-wizard drill on kube-vip, the lab LAN (root)', () => {
  const c = labCluster(onLan('kube-vip', (found) => (vip = found)));
  const {ok, sh} = c;
  const measured: string[] = [];

  const drillArgv = (...extra: string[]) => c.drillArgv('--json', ...extra);
  const holders = () => c.holdersOf(vip);

  /** As a built cluster is: both manifests and a ready apiserver everywhere, one holder, every node Ready. */
  const assertAsBefore = async () => {
    for (const host of cps) {
      await secondsUntil(
        async () =>
          (await sh(host, 'curl -sk --max-time 2 https://127.0.0.1:6443/readyz')).stdout === 'ok',
        performance.now(),
        60_000,
      );
      expect(await ok(host, 'sudo ls -A /etc/kubernetes/manifests'), host).toMatch(
        /kube-apiserver\.yaml[\s\S]*kube-vip\.yaml/,
      );
      expect(
        await ok(host, 'sudo ls -A /etc/kubernetes /etc/kubernetes/manifests /run'),
        host,
      ).not.toMatch(/ha-wizard-drill/);
    }
    expect(await holders()).toHaveLength(1);
    const listed = await ok('w1', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes');
    for (const host of all) expect(listed).toMatch(new RegExp(`^${host} +Ready`, 'm'));
    expect((await sh('w1', `curl -sk --max-time 2 https://${vip}:6443/readyz`)).stdout).toBe('ok');
  };

  it('apply builds the cluster the drills run on', async () => {
    const run = await c.apply();
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    await assertAsBefore();
  }, 240_000);

  it("drill: the holder's apiserver stops; its kube-vip loses the Lease and the VIP moves; exit 0, and the cluster is as before", async () => {
    const [before] = await holders();
    const run = await runProcess(drillArgv(), c.env(), 240_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const json = parseDrillJson(run.stdout);
    expect(json.ok).toBe(true);
    expect(json.endpoint).toBe(`${vip}:6443`);
    expect(json.holderBefore).toBe(before);
    // kube-vip balances nothing: only a new leader serves the VIP without the stopped apiserver.
    expect(json.holderAfter).not.toBe(before);
    expect(cps).toContain(json.holderAfter);
    expect(json.downSeconds).toBeGreaterThanOrEqual(0);
    expect(json.downSeconds).toBeLessThan(30);
    expect(json.restoredSeconds).toBeGreaterThanOrEqual(0);
    expect(run.stderr).toContain(`${before} holds the VIP ${vip} (kube-vip)`);
    // What the holder received (as its sshd handed it over): the guard, the manifest out and back.
    const received = receivedCommands(c.lab().labDir, before ?? '').filter((line) =>
      line.includes('kube-apiserver.yaml.ha-wizard-drill-'),
    );
    expect(received).toHaveLength(3);
    expect(received[1]).toMatch(/mv -- \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml /);
    measured.push(
      `apiserver stop: down ${json.downSeconds} s, restored ${json.restoredSeconds} s, holder ${json.holderBefore} -> ${json.holderAfter}`,
    );
    await assertAsBefore();
  }, 300_000);

  it("drill --node-down: the holder's kube-vip manifest moves out, the VIP moves, the drill puts it back; exit 0, and the cluster is as before", async () => {
    const [before] = await holders();
    const run = await runProcess(drillArgv('--node-down'), c.env(), 240_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const json = parseDrillJson(run.stdout);
    expect(json.ok).toBe(true);
    expect(json.holderBefore).toBe(before);
    expect(json.holderAfter).not.toBe(before);
    expect(cps).toContain(json.holderAfter);
    expect(json.downSeconds).toBeLessThan(30);
    const received = receivedCommands(c.lab().labDir, before ?? '').filter((line) =>
      line.includes('kube-vip.yaml.ha-wizard-drill-'),
    );
    // The guard, the manifest out of the manifests folder (not renamed inside it), and back.
    expect(received).toHaveLength(3);
    expect(received[1]).toMatch(
      /mv -- \/etc\/kubernetes\/manifests\/kube-vip\.yaml \/etc\/kubernetes\/kube-vip\.yaml\.ha-wizard-drill-/,
    );
    expect(received[2]).toContain('/etc/kubernetes/manifests/kube-vip.yaml');
    measured.push(
      `--node-down: down ${json.downSeconds} s, restored ${json.restoredSeconds} s, holder ${json.holderBefore} -> ${json.holderAfter}`,
    );
    await assertAsBefore();
    console.log(`ha-wizard drill on kube-vip (lab LAN): ${measured.join('; ')}`);
  }, 300_000);
});
