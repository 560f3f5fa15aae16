// `ha-wizard apply` of a keepalived + HAProxy plan (issue 11) on the lab's
// shared LAN (`up --lan`): Debian's real keepalived and HAProxy in the hosts,
// real VRRP and ARP between them, the simulated apiservers behind HAProxy.
// What the hosts end up with is read from inside them, not from what the
// wizard reports. Then the VRRP failover (the holder's keepalived stopped),
// timed, and a reset that leaves the hosts as they were. Needs root and a
// built dist/; holds the lab lock (test/lab/lock.ts) while the lab is up.
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {secondsUntil} from '../lab/drills.js';
import {cli, cps, labCluster, onLan, mutatingCallsSince} from '../lab/lab-cluster.js';
import {labSkipReason} from '../lab/skip.js';

const skipReason = labSkipReason('test/engine/lan-apply.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

const workers = ['w1'];
const all = [...cps, ...workers];
/** `up --lan` leaves 10.77.0.250 free for the VIP (test/lab/README.md); the test reads it from up's JSON. */
let vip = '';
const lanAddress: Record<string, string> = {
  cp1: '10.77.0.11',
  cp2: '10.77.0.12',
  cp3: '10.77.0.13',
};

describe.skipIf(skipReason !== undefined)(
  'ha-wizard apply, keepalived + HAProxy on the lab LAN (root)',
  () => {
    const debianHaproxy = new Map<string, string>();
    const c = labCluster({
      ...onLan('keepalived-haproxy', (found) => (vip = found)),
      // What the hosts had before the wizard: Debian's haproxy.cfg, no keepalived.conf.
      prepare: async (ok) => {
        for (const host of cps)
          debianHaproxy.set(host, await ok(host, 'cat /etc/haproxy/haproxy.cfg'));
      },
    });
    const {ok, sh, calls, apply, nodesFrom} = c;

    const holders = () => c.holdersOf(vip);
    const runReset = c.reset;
    const readyzFrom = async (host: string) =>
      (await sh(host, `curl -sk --max-time 1 https://${vip}:8443/readyz`)).stdout === 'ok';

    it('apply brings 3 control planes + 1 worker to a verified cluster behind VIP:8443', async () => {
      expect(vip).toMatch(/^10\.77\.0\.\d+$/);
      const run = await apply();
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout + run.stderr).toContain('cluster homelab is ready');
      expect(run.stdout + run.stderr).toMatch(
        new RegExp(`API at https://${vip.replaceAll('.', '\\.')}:8443 \\(VIP held by cp\\d\\)`),
      );
      // Preflight names the interface it uses on each control plane.
      for (const host of cps)
        expect(run.stdout).toMatch(
          new RegExp(
            `^${host}: preflight: done \\(.*LAN lan0 ${lanAddress[host]!.replaceAll('.', '\\.')}/24`,
            'm',
          ),
        );
      expect(run.stdout).toMatch(/lan-preflight: done \(10\.77\.0\.250 unused on 10\.77\.0\.0\/24/);
      // The Tailscale VIP's phases are not part of the run.
      expect(run.stdout).not.toMatch(/route-approval|health-gate|: vip:/);
      for (const host of cps) {
        const conf = await ok(host, 'sudo cat /etc/keepalived/keepalived.conf');
        expect(conf).toContain('interface lan0');
        expect(conf).toContain(`unicast_src_ip ${lanAddress[host]}`);
        expect(conf).toContain(`${vip}/24 dev lan0`);
        expect(conf).not.toMatch(/@@LAN_[A-Z0-9_]+@@/);
        for (const other of cps.filter((name) => name !== host))
          expect(conf).toContain(`        ${lanAddress[other]}\n`);
        expect(await ok(host, 'stat -c %a /etc/keepalived/check_apiserver.sh')).toBe('755\n');
        expect(await ok(host, 'cat /etc/haproxy/haproxy.cfg')).toContain('bind *:8443');
        // Debian's haproxy.cfg was backed up before it was replaced.
        expect(await ok(host, 'ls /etc/haproxy')).toMatch(/haproxy\.cfg\.ha-wizard\.\S+\.bak/);
        expect((await sh(host, 'systemctl is-active keepalived haproxy')).stdout).toBe(
          'active\nactive\n',
        );
        // No lo1, no VIP route: those are the Tailscale VIP's.
        expect((await sh(host, 'ip link show lo1')).code, host).not.toBe(0);
        expect(
          JSON.parse(await ok(host, 'tailscale debug prefs')).AdvertiseRoutes ?? [],
        ).not.toContain('10.200.0.1/32');
      }
      expect(await holders()).toHaveLength(1);
      // kubeadm was given the endpoint: the kubeconfigs point at VIP:8443.
      expect(await ok('w1', 'sudo cat /etc/kubernetes/kubelet.conf')).toContain(
        `server: https://${vip}:8443`,
      );
      const cluster = JSON.parse(
        readFileSync(join(c.lab().labDir, 'cluster/cluster.json'), 'utf8'),
      ) as {etcdMembers: unknown[]; nodes: unknown[]};
      expect(cluster.etcdMembers).toHaveLength(3);
      expect(cluster.nodes).toHaveLength(4);
      expect(await readyzFrom('w1')).toBe(true);
      // The workstation (this machine's namespace, through hwlab-ws) reaches the endpoint too,
      // where the kubeconfig context the run merged points.
      expect(
        spawnSync('curl', ['-sk', '--max-time', '2', `https://${vip}:8443/readyz`], {
          encoding: 'utf8',
        }).stdout,
      ).toBe('ok');
      expect(readFileSync(c.env()['KUBECONFIG'] ?? '', 'utf8')).toContain(
        `server: https://${vip}:8443`,
      );
    }, 240_000);

    it('a second apply exits 0, says nothing needed changing, and runs nothing that changes a host', async () => {
      const before = new Map(all.map((h) => [h, calls(h).length]));
      const files = await ok(
        'cp2',
        'ls /etc/keepalived /etc/haproxy; md5sum /etc/keepalived/* /etc/haproxy/haproxy.cfg',
      );
      const run = await apply();
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout + run.stderr, run.stdout + run.stderr).toContain('nothing needed changing');
      for (const host of all)
        expect(mutatingCallsSince(calls(host), before.get(host)), host).toEqual([]);
      expect(
        await ok(
          'cp2',
          'ls /etc/keepalived /etc/haproxy; md5sum /etc/keepalived/* /etc/haproxy/haproxy.cfg',
        ),
      ).toBe(files);
    }, 180_000);

    it('kubectl on the worker reaches the cluster through the endpoint', async () => {
      expect(await nodesFrom('w1')).toEqual(all.map((h) => `${h} Ready`).sort());
    }, 60_000);

    it("stopping the VIP holder's keepalived moves the VIP to another control plane and VIP:8443 answers again", async () => {
      const [holder] = await holders();
      expect(holder).toBeDefined();
      const start = performance.now();
      expect((await sh(holder!, 'sudo systemctl stop keepalived')).code).toBe(0);
      const stopSeconds = (performance.now() - start) / 1000;
      const moved = await secondsUntil(
        async () => {
          const now = await holders();
          return now.length === 1 && now[0] !== holder;
        },
        start,
        30_000,
      );
      const answered = await secondsUntil(() => readyzFrom('w1'), start, 30_000);
      const newHolder = (await holders())[0];
      console.log(
        `keepalived + HAProxy failover: ${holder}'s keepalived stopped (systemctl stop took ${stopSeconds.toFixed(2)} s); ${newHolder} holds ${vip} after ${moved.toFixed(2)} s, https://${vip}:8443/readyz answers from w1 after ${answered.toFixed(2)} s`,
      );
      expect(answered).toBeLessThan(10);
      // Put it back as it was: the holder's keepalived runs again (and, priority highest, takes the VIP back).
      expect((await sh(holder!, 'sudo systemctl start keepalived')).code).toBe(0);
      await secondsUntil(
        async () => (await holders()).length === 1 && (await readyzFrom('w1')),
        performance.now(),
        30_000,
      );
    }, 120_000);

    it('reset leaves the hosts as they were: no config of the wizard, keepalived and haproxy stopped, no VIP', async () => {
      const reset = await runReset();
      expect(reset.code, `${reset.stdout}\n${reset.stderr}`).toBe(0);
      expect(reset.stderr).toMatch(
        /^ {2}cp1 \(init node\): .*stop keepalived and haproxy where ha-wizard started them/m,
      );
      for (const host of cps) {
        expect(
          (await sh(host, 'sudo test -e /etc/keepalived/keepalived.conf')).code,
          host,
        ).not.toBe(0);
        expect(
          (await sh(host, 'sudo test -e /etc/keepalived/check_apiserver.sh')).code,
          host,
        ).not.toBe(0);
        expect(await ok(host, 'cat /etc/haproxy/haproxy.cfg'), host).toBe(debianHaproxy.get(host));
        expect(await ok(host, 'ls /etc/haproxy /etc/keepalived'), host).not.toMatch(/ha-wizard/);
        expect((await sh(host, 'systemctl is-active keepalived haproxy')).stdout, host).toBe(
          'inactive\ninactive\n',
        );
      }
      expect(await holders()).toEqual([]);
      const again = await runReset();
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
      expect(again.stdout).toContain('nothing needed changing');
    }, 300_000);
  },
);
