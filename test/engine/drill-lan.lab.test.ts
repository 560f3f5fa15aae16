// `ha-wizard drill` (the BUILT CLI, dist/cli.js) on keepalived + HAProxy: a
// cluster `apply` built on the lab's shared LAN (`up --lan`; Debian's real
// keepalived and HAProxy in the 3 control planes, real VRRP and ARP between
// them, the simulated apiservers behind HAProxy) and a worker. The drill reads
// who holds the VIP on the hosts over SSH, stops the holder's apiserver (then,
// with --node-down, its keepalived) and must leave the cluster as it found
// it. What the hosts end up with is read from inside them, not from what the
// drill says. Needs root and a built dist/; holds the lab lock.
import {spawnSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {secondsUntil} from '../lab/drills.js';
import {cli, cps, labCluster, onLan, runProcess} from '../lab/lab-cluster.js';
import {receivedCommands} from '../lab/received-commands.js';
import {labSkipReason} from '../lab/skip.js';
import {parseDrillJson} from './drill-json.js';

const skipReason = labSkipReason('test/engine/drill-lan.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

const workers = ['w1'];
const all = [...cps, ...workers];
/** From up's JSON line: `up --lan` leaves 10.77.0.250 free for the VIP. */
let vip = '';

describe.skipIf(skipReason !== undefined)(
  'ha-wizard drill on keepalived + HAProxy, the lab LAN (root)',
  () => {
    const c = labCluster(onLan('keepalived-haproxy', (found) => (vip = found)));
    const {ok, sh} = c;
    const measured: string[] = [];

    const drillArgv = (...extra: string[]) => c.drillArgv('--json', ...extra);
    const holders = () => c.holdersOf(vip);
    const readyzFrom = async (host: string) =>
      (await sh(host, `curl -sk --max-time 1 https://${vip}:8443/readyz`)).stdout === 'ok';

    /** As a built cluster is: every apiserver ready, both services everywhere, one holder, every node Ready. */
    const assertAsBefore = async () => {
      for (const host of cps) {
        await secondsUntil(
          async () =>
            (await sh(host, 'curl -sk --max-time 2 https://127.0.0.1:6443/readyz')).stdout === 'ok',
          performance.now(),
          60_000,
        );
        expect(await ok(host, 'ls /etc/kubernetes/manifests'), host).toContain(
          'kube-apiserver.yaml',
        );
        expect(await ok(host, 'ls /etc/kubernetes /run'), host).not.toMatch(/ha-wizard-drill/);
        expect((await sh(host, 'systemctl is-active keepalived haproxy')).stdout, host).toBe(
          'active\nactive\n',
        );
      }
      // keepalived's priorities put the VIP back on the init node, and on it alone.
      await secondsUntil(async () => (await holders()).join() === 'cp1', performance.now(), 30_000);
      const listed = await ok('w1', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes');
      for (const host of all) expect(listed).toMatch(new RegExp(`^${host} +Ready`, 'm'));
      expect(await readyzFrom('w1')).toBe(true);
    };

    it('apply builds the cluster the drills run on, cp1 holding the VIP', async () => {
      const run = await c.apply();
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      await assertAsBefore();
    }, 240_000);

    it("drill: the holder's apiserver stops; HAProxy routes around it; exit 0, and the cluster is as before", async () => {
      const run = await runProcess(drillArgv(), c.env(), 240_000);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const json = parseDrillJson(run.stdout);
      expect(json.ok).toBe(true);
      expect(json.endpoint).toBe(`${vip}:8443`);
      expect(json.holderBefore).toBe('cp1');
      // keepalived's check moves the VIP only after 10 failures 3 s apart; HAProxy on cp1 sends
      // the API to cp2 and cp3 long before that, so the VIP stays where it was.
      expect(json.holderAfter).toBe('cp1');
      expect(json.downSeconds).toBeGreaterThanOrEqual(0);
      expect(json.downSeconds).toBeLessThan(30);
      expect(json.restoredSeconds).toBeGreaterThanOrEqual(0);
      expect(run.stderr).toContain(`cp1 holds the VIP ${vip} (keepalived + HAProxy)`);
      // What the holder received (as its sshd handed it over): the guard, the manifest out and back.
      const received = receivedCommands(c.lab().labDir, 'cp1').filter((line) =>
        line.includes('kube-apiserver.yaml.ha-wizard-drill-'),
      );
      expect(received).toHaveLength(3);
      expect(received[1]).toMatch(/mv -- \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml /);
      measured.push(
        `apiserver stop: down ${json.downSeconds} s, restored ${json.restoredSeconds} s, holder ${json.holderBefore} -> ${json.holderAfter}`,
      );
      await assertAsBefore();
    }, 300_000);

    it("drill --node-down: the holder's keepalived stops, the VIP moves, the drill starts it again; exit 0, and the cluster is as before", async () => {
      const before = c.calls('cp1').length;
      const run = await runProcess(drillArgv('--node-down'), c.env(), 240_000);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const json = parseDrillJson(run.stdout);
      expect(json.ok).toBe(true);
      expect(json.holderBefore).toBe('cp1');
      // The next priority (cp2, 149) takes the VIP.
      expect(json.holderAfter).toBe('cp2');
      expect(json.downSeconds).toBeLessThan(30);
      const calls = c.calls('cp1').slice(before);
      expect(calls).toMatch(/uid=0 systemctl stop keepalived\.service/);
      expect(calls).toMatch(/uid=0 systemctl start keepalived\.service/);
      // The drill started it (the node reached over the tailnet), not the node's own timer.
      expect(run.stderr).not.toMatch(/again by itself/);
      // The drill returned only once cp1's priority had taken the VIP back (keepalived's
      // preemption): the second hand-over is part of the drill, not left to the next one.
      expect(await holders()).toEqual(['cp1']);
      measured.push(
        `--node-down: down ${json.downSeconds} s, restored ${json.restoredSeconds} s, holder ${json.holderBefore} -> ${json.holderAfter}`,
      );
      await assertAsBefore();
    }, 300_000);

    it("--max-seconds shorter than keepalived takes to hand over: exit 2, the holder put back all the same, and the node's timer stays disarmed", async () => {
      const before = c.calls('cp1').length;
      // The stop itself comes a second after the command (stopLeadSeconds) and keepalived's
      // shutdown and the next holder's gratuitous ARP follow it: no steady answer from cp2 can
      // begin within 0.05 s of the stop.
      const run = await runProcess(
        drillArgv('--node-down', '--max-seconds', '0.05'),
        c.env(),
        240_000,
      );
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(2);
      const json = parseDrillJson(run.stdout);
      expect(json).toMatchObject({ok: false, holderBefore: 'cp1', holderAfter: null});
      expect(run.stderr).toContain(
        "was not served steadily without cp1's keepalived within 0.05 s",
      );
      await assertAsBefore();
      // The node's own timer (6 s after the stop) finds its marker gone: the drill started
      // keepalived, so the timer does not start it a second time.
      await secondsUntil(
        async () => spawnSync('pgrep', ['-f', 'ha-wizard-drill keepalived.service']).status === 1,
        performance.now(),
        60_000,
      );
      const starts = c
        .calls('cp1')
        .slice(before)
        .split('\n')
        .filter((line) => /uid=0 systemctl start keepalived\.service/.test(line));
      expect(starts).toHaveLength(1);
      console.log(`ha-wizard drill on keepalived + HAProxy (lab LAN): ${measured.join('; ')}`);
    }, 300_000);
  },
);
