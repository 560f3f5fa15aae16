// `ha-wizard apply` (the BUILT CLI, dist/cli.js) against the lab: real SSH,
// real kernel routing, the simulated cluster tools. What the hosts end up with
// is read from outside (a root shell inside each host, the simulators' own
// records), not from what the wizard reports. Then the two failover drills on
// the same cluster. Needs root and a built dist/; skipped with the reason
// printed otherwise. Holds the lab lock (test/lab/lock.ts) while the lab is up.
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {cutHost, mendHost} from '../lab/lab.js';
import {cli, cps, labCluster, vip} from '../lab/lab-cluster.js';
import {sleep} from '../lab/system.js';
import {labSkipReason} from '../lab/skip.js';

const skipReason = labSkipReason('test/engine/apply.lab.test.ts', {
  path: cli,
  reason: 'dist/cli.js is missing: npm run build first',
});

const workers = ['w1', 'w2'];
const all = [...cps, ...workers];
/** A route cp2 advertises before the wizard runs: the wizard must keep it (union). */
const existingRoute = '192.168.77.0/24';
/** The lab coordinator's failover delay (seconds). */
const failoverDelay = 1;
/** The health gate's timing, as the wizard installed it on a host (/etc/ha-wizard/health-gate.env). */
const gateSettings = (envFile: string) => {
  const value = (key: string) => {
    const match = new RegExp(`^${key}=(\\d+)$`, 'm').exec(envFile);
    if (!match) throw new Error(`health-gate.env has no ${key}`);
    return Number(match[1]);
  };
  return {
    interval: value('INTERVAL'),
    failAfter: value('FAIL_AFTER'),
    recoverAfter: value('RECOVER_AFTER'),
  };
};

/** Tool calls that change a host (as the simulators log them in calls.log). */
const mutating =
  /uid=\d+ (tailscale (set|up|down)|kubeadm (init|join|reset|token create|init phase)|systemctl (start|stop|restart|enable|disable|daemon-reload|reload)|networkctl reload|nmcli (connection|con|c) (add|up|down|delete|modify)|helm (upgrade|install|uninstall)|containerd config default)\b/;

/** Polls until pass() holds; the elapsed seconds since `since`, or throws after timeoutMs. */
const until = async (pass: () => Promise<boolean>, since: number, timeoutMs: number) => {
  for (;;) {
    if (await pass()) return (performance.now() - since) / 1000;
    if (performance.now() - since > timeoutMs) throw new Error(`not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
};

/** What every host must end up with, read from inside the hosts and the simulated cluster. */
const assertVerifiedCluster = async (c: ReturnType<typeof labCluster>) => {
  const {ok, sh, prefs, vipOnLo1, hosts, facts} = c;
  for (const host of hosts) {
    // containerd: SystemdCgroup on at its config version's path, the old file backed up,
    // and the effective config (containerd config dump) agrees.
    const toml = await ok(host, 'cat /etc/containerd/config.toml');
    const version = facts(host).containerdConfigVersion;
    const section =
      version === 2
        ? '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]'
        : '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]';
    expect(toml, host).toContain(`version = ${version}`);
    const options = toml.slice(toml.indexOf(section));
    expect(toml.indexOf(section), `${host}: ${section}`).toBeGreaterThan(-1);
    expect(options.split(/\n\[/)[0], host).toMatch(/SystemdCgroup = true/);
    expect(toml, host).not.toMatch(/SystemdCgroup = false/);
    expect(await ok(host, 'ls /etc/containerd'), host).toMatch(
      /config\.toml\.ha-wizard\.\d{8}T\d{6}\.\d{3}Z\.bak/,
    );
    expect(await ok(host, 'containerd config dump'), host).toMatch(/SystemdCgroup = true/);
    // tailscale: accept-routes everywhere.
    expect((await prefs(host)).RouteAll, host).toBe(true);
  }
  for (const host of cps) {
    expect((await prefs(host)).AdvertiseRoutes ?? [], host).toContain(`${vip}/32`);
    expect(await vipOnLo1(host), host).toBe(true);
    // lo1 comes from the host's own network manager.
    if (facts(host).networkManager === 'NetworkManager')
      expect(await ok(host, 'cat /etc/NetworkManager/system-connections/lo1.nmconnection')).toMatch(
        /type=dummy[\s\S]*address1=10\.200\.0\.1\/32/,
      );
    else
      expect(await ok(host, 'cat /etc/systemd/network/lo1.network')).toContain(`Address=${vip}/32`);
    expect((await sh(host, 'systemctl is-active ha-wizard-health-gate.service')).stdout).toBe(
      'active\n',
    );
    expect(await ok(host, 'cat /etc/ha-wizard/health-gate.env')).toContain(`VIP=${vip}`);
  }
  for (const host of hosts.filter((h) => !cps.includes(h)))
    expect((await sh(host, 'ip link show lo1')).code, host).not.toBe(0);

  // kubeadm membership as the simulated cluster records it, and as the apiserver answers.
  const cluster = JSON.parse(
    readFileSync(join(c.lab().labDir, 'cluster/cluster.json'), 'utf8'),
  ) as {
    etcdMembers: unknown[];
    nodes: unknown[];
    helm?: Record<string, {values: string[]}>;
  };
  expect(cluster.etcdMembers).toHaveLength(cps.length);
  expect(cluster.nodes).toHaveLength(hosts.length);
  const nodes = JSON.parse(
    await ok('cp1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json'),
  ) as {
    items: Array<{
      metadata: {name: string};
      status: {conditions: Array<{type: string; status: string}>};
    }>;
  };
  expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(hosts);
  for (const node of nodes.items)
    expect(node.status.conditions.find((x) => x.type === 'Ready')?.status, node.metadata.name).toBe(
      'True',
    );
  const etcd = JSON.parse(
    await ok(
      'cp1',
      'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get pods -l component=etcd -o json',
    ),
  ) as {items: unknown[]};
  expect(etcd.items).toHaveLength(cps.length);

  // Cilium installed with the generated values.
  const ciliumDir = join(c.planDir(), 'cilium');
  const values = readFileSync(join(ciliumDir, readdirSync(ciliumDir)[0] ?? ''), 'utf8');
  expect(cluster.helm?.['kube-system/cilium']?.values.at(-1)).toBe(values);

  // The workstation's kubeconfig (the temp KUBECONFIG) got the context.
  const kubeconfig = readFileSync(join(c.scratch(), 'kubeconfig'), 'utf8');
  expect(kubeconfig).toContain('name: homelab');
  expect(kubeconfig).toContain(`server: https://${vip}:6443`);

  // A worker's kubelet.conf goes through the VIP (via the tailnet router) and sees every node.
  expect(await ok('w1', 'grep server: /etc/kubernetes/kubelet.conf')).toContain(
    `https://${vip}:6443`,
  );
  expect(await ok('w1', `ip route get ${vip}`)).toContain('tailscale0');
  const listed = await ok('w1', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes');
  for (const host of hosts) expect(listed).toMatch(new RegExp(`^${host} +Ready`, 'm'));
};

describe.skipIf(skipReason !== undefined)('ha-wizard apply on the lab (root)', () => {
  const c = labCluster({
    workers,
    upArgs: ['--control-planes', '3', '--workers', '2', '--failover-delay', String(failoverDelay)],
    // cp2 already advertises a LAN route of its own (inside the lab's namespaces only).
    prepare: async (ok) => {
      await ok('cp2', `tailscale set --advertise-routes=${existingRoute}`);
    },
  });
  const {ok, calls, apply, primary, vipAnswers, prefs, vipOnLo1} = c;

  it('apply brings 3 control planes + 2 workers to a verified cluster', async () => {
    const run = await apply();
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout + run.stderr).toContain('cluster homelab is ready');
    await assertVerifiedCluster(c);
    // The VIP route joined cp2's own route (the union), in its prefs and in its gate's settings.
    expect((await prefs('cp2')).AdvertiseRoutes).toEqual(
      expect.arrayContaining([existingRoute, `${vip}/32`]),
    );
    expect(await ok('cp2', 'cat /etc/ha-wizard/health-gate.env')).toContain(existingRoute);
  }, 180_000);

  it('a second apply exits 0, says nothing needed changing, and runs nothing that changes a host', async () => {
    const before = new Map(all.map((h) => [h, calls(h).length]));
    const backups = await ok('cp1', 'ls /etc/containerd /etc/systemd/network /etc/ha-wizard');
    const run = await apply();
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout + run.stderr).toContain('nothing needed changing');
    for (const host of all) {
      const added = calls(host)
        .slice(before.get(host))
        .split('\n')
        .filter((line) => mutating.test(line));
      expect(added, host).toEqual([]);
    }
    expect(await ok('cp1', 'ls /etc/containerd /etc/systemd/network /etc/ha-wizard')).toBe(backups);
  }, 180_000);

  const recovery: Record<string, number> = {};

  it('drill 1: the primary router goes offline; the VIP answers from a worker again within the failover delay', async () => {
    expect(primary()).toBe('cp1');
    expect(await vipAnswers()).toBe(true);
    const t0 = performance.now();
    await ok('cp1', 'tailscale down');
    recovery['node offline'] = await until(
      async () => primary() !== 'cp1' && primary() !== undefined && (await vipAnswers()),
      t0,
      (failoverDelay + 10) * 1000,
    );
    expect(recovery['node offline']).toBeLessThan(failoverDelay + 5);
    const listed = await ok('w1', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes');
    expect(listed.split('\n').filter((l) => / Ready /.test(l))).toHaveLength(5);
    // cp1 comes back; Tailscale does not hand the route back to it.
    await ok('cp1', 'tailscale up');
    await sleep(500);
    expect(primary()).not.toBe('cp1');
  }, 60_000);

  it("drill 2: the primary's apiserver stops while its tailscale stays up; the health gate moves the VIP, then puts it back", async () => {
    const victim = primary();
    expect(victim).toBeDefined();
    if (!victim) return;
    const gate = gateSettings(await ok(victim, 'cat /etc/ha-wizard/health-gate.env'));
    const t0 = performance.now();
    await ok(
      victim,
      'mv /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kube-apiserver.yaml.drill',
    );
    // Until the gate acts, Tailscale keeps routing the VIP to the node whose apiserver is gone.
    await sleep(1000);
    expect(await vipAnswers()).toBe(false);
    expect(primary()).toBe(victim);
    const bound = gate.interval * gate.failAfter + failoverDelay;
    recovery['apiserver stopped'] = await until(
      async () => primary() !== victim && primary() !== undefined && (await vipAnswers()),
      t0,
      (bound + 15) * 1000,
    );
    expect(recovery['apiserver stopped']).toBeLessThan(bound + 4);
    // Its tailscale stayed up; the gate withdrew only the VIP.
    expect(await vipOnLo1(victim)).toBe(false);
    expect((await prefs(victim)).AdvertiseRoutes ?? []).not.toContain(`${vip}/32`);
    expect(await ok('w1', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get nodes')).toMatch(
      /Ready/,
    );
    // The apiserver comes back: the gate puts the VIP and the route back (the other routes kept).
    const t1 = performance.now();
    await ok(
      victim,
      'mv /etc/kubernetes/kube-apiserver.yaml.drill /etc/kubernetes/manifests/kube-apiserver.yaml',
    );
    const back = await until(
      async () =>
        (await vipOnLo1(victim)) &&
        ((await prefs(victim)).AdvertiseRoutes ?? []).includes(`${vip}/32`),
      t1,
      (gate.interval * (gate.recoverAfter + 2) + 15) * 1000,
    );
    if (victim === 'cp2') expect((await prefs('cp2')).AdvertiseRoutes).toContain(existingRoute);
    expect(await vipAnswers()).toBe(true);
    console.log(
      `failover: node offline -> VIP back in ${recovery['node offline']?.toFixed(1)} s (failover delay ${failoverDelay} s); ` +
        `apiserver stopped -> ${recovery['apiserver stopped'].toFixed(1)} s (gate ${gate.interval} s x ${gate.failAfter} + ${failoverDelay} s); ` +
        `gate restored VIP and route in ${back.toFixed(1)} s`,
    );
  }, 90_000);
});

describe.skipIf(skipReason !== undefined)(
  'ha-wizard apply on a mixed lab (networkd + NetworkManager, containerd config 2 + 3) with a host cut off mid-phase (root)',
  () => {
    const c = labCluster({
      workers,
      upArgs: [
        '--control-planes',
        '3',
        '--workers',
        '2',
        '--network-manager',
        'mixed',
        '--containerd',
        'mixed',
      ],
    });
    const tokenCreates = () =>
      c
        .calls('cp1')
        .split('\n')
        .filter((l) => / kubeadm token create /.test(l)).length;
    const joinedNodes = () =>
      (
        JSON.parse(readFileSync(join(c.lab().labDir, 'cluster/cluster.json'), 'utf8')) as {
          nodes: Array<{name: string}>;
        }
      ).nodes.map((n) => n.name);

    it('w2 loses its network during the worker joins: apply fails clearly, nothing is half-done; once back, a re-run converges to a verified cluster', async () => {
      const managers = new Set(c.hosts.map((h) => c.facts(h).networkManager));
      const versions = new Set(c.hosts.map((h) => c.facts(h).containerdConfigVersion));
      expect([...managers].sort()).toEqual(['NetworkManager', 'systemd-networkd']);
      expect([...versions].sort()).toEqual([2, 3]);

      // Cut w2 the moment the workers' join material is minted (token create number 3,
      // after cp2's and cp3's): the join-workers phase has begun, no worker join has started.
      const running = c.apply();
      const t0 = performance.now();
      let cut = false;
      while (!cut && performance.now() - t0 < 120_000) {
        if (tokenCreates() >= cps.length) {
          await cutHost('w2');
          cut = true;
        } else await sleep(10);
      }
      expect(cut).toBe(true);
      const failed = await running;
      const output = `${failed.stdout}\n${failed.stderr}`;
      expect(failed.code, output).not.toBe(0);
      // The failure names the host, the phase, the command and what to do.
      expect(output).toMatch(/^w2: join-workers: FAILED: .*w2/m);
      expect(output).toMatch(/^w2: {3}command: sudo .*kubeadm join --config \/dev\/stdin/m);
      expect(output).toMatch(/^w2: {3}try: Check that w2 is up and reachable/m);
      expect(output).toMatch(/FAILED: Join workers failed on w2/);
      // Nothing half-done: w2 never started its join; w1 joined completely (in parallel);
      // the control planes are whole; nothing after the failed phase ran.
      expect(c.calls('w2')).not.toMatch(/kubeadm join/);
      expect(output).toMatch(/^w1: join-workers: done/m);
      expect(joinedNodes().sort()).toEqual(['cp1', 'cp2', 'cp3', 'w1']);
      expect((await c.sh('w1', 'test -s /etc/kubernetes/kubelet.conf')).code).toBe(0);
      for (const host of cps) {
        expect(await c.vipOnLo1(host), host).toBe(true);
        expect((await c.sh(host, 'systemctl is-active ha-wizard-health-gate.service')).stdout).toBe(
          'active\n',
        );
      }
      expect(c.calls('cp1')).not.toMatch(/helm upgrade/);

      await mendHost('w2');
      const again = await c.apply();
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
      expect(again.stdout).toMatch(/^w1: join-workers: already done/m);
      expect(again.stdout).toMatch(/^w2: join-workers: done/m);
      await assertVerifiedCluster(c);
    }, 180_000);
  },
);
