// `ha-wizard doctor` (the BUILT CLI) on a keepalived + HAProxy cluster (issue
// 11) that `ha-wizard apply` built on the lab's shared LAN (`up --lan`):
// Debian's real keepalived and HAProxy in the hosts, real VRRP between them,
// HAProxy health-checking the simulated apiservers. Healthy first (every check
// passes, none of the Tailscale VIP's runs), then one fault at a time, from a
// root shell in a host, undone before the next: a stopped keepalived on a
// control plane that does not hold the VIP, and an apiserver stopped (its
// manifest moved out, as the drills do) until HAProxy marks its backend down.
// Each must be named by `doctor --json` with its fix; then doctor passes again.
// Needs root and dist/; skipped with the reason printed otherwise.
import {describe, expect, it} from 'vitest';
import {checksFor} from '../../source/core/doctor/index.js';
import {secondsUntil, startApiserver, stopApiserver} from '../lab/drills.js';
import {cli, cps, labCluster, onLan} from '../lab/lab-cluster.js';
import {labSkipReason} from '../lab/skip.js';
import {check, doctorArgs, failing, runDoctorJson} from './report.js';

const skipReason = labSkipReason('test/doctor/doctor-lan.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

describe.skipIf(skipReason !== undefined)(
  'ha-wizard doctor on a keepalived + HAProxy lab cluster (root)',
  () => {
    let vip = '';
    const c = labCluster(onLan('keepalived-haproxy', (found) => (vip = found)));
    const {ok, sh} = c;
    const doctorJson = () =>
      runDoctorJson(doctorArgs(c.planDir(), c.lab().knownHostsFile), c.env());
    const holders = async () => {
      const found: string[] = [];
      for (const host of cps)
        if ((await sh(host, 'ip -4 -o addr show')).stdout.includes(` ${vip}/`)) found.push(host);
      return found;
    };
    /** The status of `server` in the HAProxy on `host`, read from its stats as doctor reads them. */
    const backendStatus = async (host: string, server: string) => {
      const csv = await ok(host, "curl -sS --max-time 2 'http://127.0.0.1:8404/stats;csv'");
      return csv
        .split('\n')
        .find((line) => line.startsWith(`apiserverbackend,${server},`))
        ?.split(',')[17];
    };
    const everyHaproxySees = async (server: string, status: string) => {
      for (const host of cps) if ((await backendStatus(host, server)) !== status) return false;
      return true;
    };
    let holder = '';
    let others: string[] = [];

    it('apply builds the cluster; doctor passes every check and runs none of the Tailscale VIP ones', async () => {
      const apply = await c.apply();
      expect(apply.code, `${apply.stdout}\n${apply.stderr}`).toBe(0);
      const found = await holders();
      expect(found).toHaveLength(1);
      holder = found[0]!;
      others = cps.filter((host) => host !== holder);
      // The first doctor right after apply, as a user may run it: what it says, for the log.
      const early = await doctorJson();
      console.log(
        `doctor right after apply: ${JSON.stringify(early.report.checks.filter((entry) => entry.status !== 'pass').map((entry) => `${entry.id}@${entry.host}: ${entry.evidence}`))}`,
      );
      // HAProxy marks an apiserver up after two good checks (rise 2, inter 2 s): the last
      // control plane to join may not be up in its eyes yet when apply returns.
      const upAfter = await secondsUntil(
        async () => {
          for (const host of cps) if (!(await everyHaproxySees(host, 'UP'))) return false;
          return true;
        },
        performance.now(),
        60_000,
      );
      console.log(`every HAProxy saw every apiserver UP ${upAfter.toFixed(1)} s after that doctor`);

      const {code, report} = await doctorJson();
      expect(
        failing(report),
        JSON.stringify(report.checks.filter((entry) => entry.status !== 'pass')),
      ).toEqual([]);
      expect(code).toBe(0);
      expect(report.ok).toBe(true);
      // Exactly the checks of keepalived + HAProxy ran: none of the Tailscale VIP's (lo1, routes, gate).
      expect(new Set(report.checks.map((entry) => entry.id))).toEqual(
        new Set(checksFor('keepalived-haproxy').map((entry) => entry.id)),
      );
      expect(report.checks.map((entry) => entry.id)).not.toContain('lo1-vip');
      expect(check(report, 'lan-vip-holder', holder)?.evidence).toBe(
        `ip -4 addr show: ${vip} on ${holder} on lan0; not on ${others.join(', ')}`,
      );
      for (const host of cps) {
        for (const id of ['keepalived-active', 'haproxy-running', 'haproxy-backend'])
          expect(check(report, id, host)?.status, `${id}@${host}`).toBe('pass');
        expect(check(report, 'haproxy-backend', host)?.evidence).toMatch(
          new RegExp(
            `^HAProxy's apiserverbackend/${host} \\(\\S+:6443\\) on cp1: UP .* on cp3: UP`,
          ),
        );
      }
      // The node basics still run on every host, the worker too.
      for (const host of c.hosts)
        for (const id of ['cgroup-driver', 'kubelet-active', 'swap', 'clock-skew'])
          expect(check(report, id, host)?.status, `${id}@${host}`).toBe('pass');
    }, 400_000);

    it("keepalived stopped on a control plane that does not hold the VIP: doctor names that node's keepalived with the fix", async () => {
      const victim = others[0]!;
      await ok(victim, 'systemctl stop keepalived');
      try {
        const {code, report} = await doctorJson();
        expect(failing(report)).toEqual([`keepalived-active@${victim}`]);
        expect(code).toBe(2);
        const entry = check(report, 'keepalived-active', victim);
        expect(entry?.evidence).toBe('systemctl is-active keepalived: inactive');
        expect(entry?.fix?.commands).toEqual([
          'sudo systemctl start keepalived',
          'sudo journalctl -u keepalived -n 30 --no-pager',
        ]);
        expect(entry?.fix?.automatic).toBe(true);
        // The VIP stayed where it was: one holder, and doctor says so.
        expect(check(report, 'lan-vip-holder', holder)?.status).toBe('pass');
      } finally {
        await ok(victim, 'systemctl start keepalived');
      }
    }, 120_000);

    it('an apiserver stopped until HAProxy marks its backend down: doctor names the backend and the control plane behind it; put back, doctor passes', async () => {
      const victim = others.at(-1)!;
      await ok(victim, stopApiserver);
      try {
        // HAProxy's own health check decides (fall 3 at inter 2 s): wait for every HAProxy to say so.
        const downAfter = await secondsUntil(
          () => everyHaproxySees(victim, 'DOWN'),
          performance.now(),
          60_000,
        );
        console.log(
          `HAProxy marked ${victim}'s apiserver DOWN ${downAfter.toFixed(1)} s after its manifest moved`,
        );
        const {code, report} = await doctorJson();
        expect(code).toBe(2);
        const entry = check(report, 'haproxy-backend', victim);
        expect(entry?.status).toBe('fail');
        for (const host of cps) expect(entry?.evidence).toContain(`on ${host}: DOWN (`);
        expect(entry?.evidence).toContain(`apiserverbackend/${victim} (`);
        expect(entry?.explanation).toContain(`HAProxy marks ${victim}'s apiserver down`);
        expect(entry?.fix?.commands).toContain('sudo crictl ps -a --name kube-apiserver');
        // What else a stopped apiserver shows is about that node only: its container is gone.
        for (const failure of failing(report)) expect(failure).toMatch(new RegExp(`@${victim}$`));
        expect(failing(report)).toEqual(
          [`control-plane-restarts@${victim}`, `haproxy-backend@${victim}`].sort(),
        );
      } finally {
        await ok(victim, startApiserver);
      }
      await secondsUntil(() => everyHaproxySees(victim, 'UP'), performance.now(), 90_000);
      const {code, report} = await doctorJson();
      expect(failing(report)).toEqual([]);
      expect(code).toBe(0);
    }, 300_000);
  },
);
