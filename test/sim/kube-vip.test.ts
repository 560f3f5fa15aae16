// The simulated kube-vip reads its manifest as kube-vip v1.1.2 reads its
// environment (pkg/kubevip/config_environment.go), elects a leader with
// client-go's Lease rules, and leads only with a reachable apiserver, rights
// on the Lease and its links up (source/sim/kube-vip.ts says where each rule
// comes from). The runner runs here against a fake host: its `ip` and the
// cluster are in memory, the clock is the test's.
import {describe, expect, it} from 'vitest';
import {kubeVipManifest} from '../../source/core/artifacts/kube-vip.js';
import {fillLanPlaceholders} from '../../source/core/artifacts/lan-placeholders.js';
import type {PlanNode} from '../../source/core/plan/types.js';
import type {ClusterState} from '../../source/sim/cluster.js';
import type {Probe, SimEnv} from '../../source/sim/env.js';
import {parseKubeVipManifest, vipCidr} from '../../source/sim/kube-vip-config.js';
import {kubeVipRunner, mayUseLeases} from '../../source/sim/kube-vip.js';
import {acquireOrRenew, leaseHolder, releaseLease} from '../../source/sim/lease.js';
import {makeCertificate, rsaKeyPair} from '../../source/sim/x509.js';

const node = {name: 'cp1', role: 'control-plane'} as PlanNode;
const manifest = (kubeconfig: '/etc/kubernetes/admin.conf' | '/etc/kubernetes/super-admin.conf') =>
  fillLanPlaceholders(kubeVipManifest(node, '10.77.0.250', kubeconfig), {
    interface: 'lan0',
    prefix: 24,
    addresses: [],
  });
const withEnv = (text: string, name: string, value: string) =>
  text.replace(new RegExp(`(- name: ${name}\\n\\s+value: )"?[^"\\n]*"?`), `$1"${value}"`);

describe("the simulated kube-vip's reading of its manifest", () => {
  it("reads the wizard's manifest as kube-vip does: ARP, control plane, the lease timings, the mounted kubeconfig", () => {
    const parsed = parseKubeVipManifest(manifest('/etc/kubernetes/super-admin.conf'), 'cp1');
    expect(parsed).toEqual({
      kind: 'config',
      config: expect.objectContaining({
        interface: 'lan0',
        address: '10.77.0.250',
        port: 6443,
        subnet: '32',
        arp: true,
        controlPlane: true,
        leaderElection: true,
        namespace: 'kube-system',
        leaseName: 'plndr-cp-lock',
        leaseDurationSeconds: 5,
        renewDeadlineSeconds: 3,
        retryPeriodSeconds: 1,
        nodeName: 'cp1',
        kubeconfigHostPath: '/etc/kubernetes/super-admin.conf',
        kubernetesAddress: '127.0.0.1',
      }),
    });
    if (parsed.kind === 'config') expect(vipCidr(parsed.config)).toBe('10.77.0.250/32');
  });

  it('exits on a value strconv rejects, and when nothing is enabled, with kube-vip’s log line', () => {
    const base = manifest('/etc/kubernetes/admin.conf');
    expect(parseKubeVipManifest(withEnv(base, 'vip_arp', 'yes'), 'cp1')).toEqual({
      kind: 'exits',
      log: 'level=ERROR msg="parsing environment" err="strconv.ParseBool: parsing "yes": invalid syntax"',
    });
    expect(parseKubeVipManifest(withEnv(base, 'vip_leaseduration', '5s'), 'cp1')).toMatchObject({
      kind: 'exits',
    });
    expect(parseKubeVipManifest(withEnv(base, 'cp_enable', 'false'), 'cp1')).toEqual({
      kind: 'exits',
      log: 'level=ERROR msg="no features are enabled"',
    });
  });

  it('takes a name that is not an IP for DNS, which fails in the lab, and the kubelet skips a file that is no Pod', () => {
    const parsed = parseKubeVipManifest(
      withEnv(manifest('/etc/kubernetes/admin.conf'), 'address', 'vip.example'),
      'cp1',
    );
    expect(parsed.kind === 'config' && vipCidr(parsed.config)).toEqual({
      error: expect.stringContaining('lookup vip.example: no such host'),
    });
    expect(parseKubeVipManifest('kind: Service\napiVersion: v1\n', 'cp1').kind).toBe('not-a-pod');
    expect(parseKubeVipManifest('{{', 'cp1').kind).toBe('not-a-pod');
  });
});

describe('the plndr-cp-lock Lease (client-go rules)', () => {
  const state = {leases: {}} as unknown as ClusterState;
  const key = 'kube-system/plndr-cp-lock';

  it('is taken by the first, renewed by it, refused to others until it is leaseDuration old', () => {
    const [a, first] = acquireOrRenew(state, key, 'cp1', 5, 1000);
    expect(first).toBe(true);
    expect(acquireOrRenew(a, key, 'cp2', 5, 5999)[1]).toBe(false);
    const [b, renewed] = acquireOrRenew(a, key, 'cp1', 5, 3000);
    expect(renewed).toBe(true);
    expect(acquireOrRenew(b, key, 'cp2', 5, 7999)[1]).toBe(false);
    const [c, taken] = acquireOrRenew(b, key, 'cp2', 5, 8001);
    expect(taken).toBe(true);
    expect(c.leases?.[key]).toMatchObject({holder: 'cp2', transitions: 1});
  });

  it('released on SIGTERM, is free at once for the next', () => {
    const [a] = acquireOrRenew(state, key, 'cp1', 5, 1000);
    const released = releaseLease(a, key, 'cp1', 1500);
    expect(leaseHolder(released, key, 1500)).toBeUndefined();
    expect(acquireOrRenew(released, key, 'cp2', 5, 1600)[1]).toBe(true);
    // Only the holder releases.
    expect(releaseLease(a, key, 'cp2', 1500)).toBe(a);
  });

  it('may be used by system:masters always, by kubeadm:cluster-admins only once init bound the group', () => {
    expect(mayUseLeases(['system:masters'], undefined)).toBe(true);
    expect(mayUseLeases(['kubeadm:cluster-admins'], state)).toBe(false);
    expect(mayUseLeases(['kubeadm:cluster-admins'], {...state, clusterAdminsBound: true})).toBe(
      true,
    );
    expect(mayUseLeases([], {...state, clusterAdminsBound: true})).toBe(false);
  });
});

/** Two hosts' kube-vips on one fake cluster: what each host's `ip` was asked, and the clock. */
const fakeHosts = () => {
  let now = 0;
  let cluster: ClusterState | undefined = {clusterAdminsBound: false} as ClusterState;
  const hosts = new Map<
    string,
    {apiserver: Probe; linkUp: boolean; vip: boolean; files: Map<string, string>}
  >();
  const envOf = (host: string): SimEnv => {
    const h = {
      apiserver: 'open' as Probe,
      linkUp: true,
      vip: false,
      files: new Map<string, string>(),
    };
    hosts.set(host, h);
    return {
      host,
      now: () => now,
      fs: {
        read: (path: string) => h.files.get(path),
        write: (path: string, text: string) => void h.files.set(path, text),
        remove: (path: string) => void h.files.delete(path),
        list: () => [],
      },
      cluster: {
        read: () => cluster,
        update: <T>(fn: (s: ClusterState | undefined) => [ClusterState | undefined, T]) => {
          const [next, result] = fn(cluster);
          cluster = next;
          return result;
        },
      },
      net: {probe: async () => h.apiserver, get: async () => ({error: 'refused'})},
      exec: async (argv: readonly string[]) => {
        if (argv[0] === 'arping') return {code: 0, stdout: '', stderr: ''};
        if (argv.join(' ') === 'ip -j link show')
          return {
            code: 0,
            stdout: JSON.stringify([
              {ifname: 'lo', operstate: 'UNKNOWN', link_type: 'loopback'},
              {ifname: 'lan0', operstate: h.linkUp ? 'UP' : 'LOWERLAYERDOWN', link_type: 'ether'},
            ]),
            stderr: '',
          };
        if (argv[1] === 'addr' && argv[2] === 'add') h.vip = true;
        if (argv[1] === 'addr' && argv[2] === 'del') {
          const had = h.vip;
          h.vip = false;
          return {code: had ? 0 : 2, stdout: '', stderr: ''};
        }
        return {code: 0, stdout: '', stderr: ''};
      },
    } as unknown as SimEnv;
  };
  return {
    hosts,
    envOf,
    advance: (ms: number) => void (now += ms),
    holders: () => [...hosts].filter(([, h]) => h.vip).map(([name]) => name),
  };
};

/** A kubeconfig whose client certificate is in `group` (self-signed: only its subject matters here). */
const kubeconfigIn = (group: string) => {
  const pair = rsaKeyPair();
  const cert = makeCertificate({
    subject: {commonName: 'kubernetes-admin', organization: group},
    ...pair,
    isCa: false,
    notBefore: new Date(0),
    notAfter: new Date(4_000_000_000_000),
    clientAuth: true,
  });
  return `users:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: ${Buffer.from(cert).toString('base64')}\n`;
};

describe('the simulated kube-vip, leading', () => {
  const superAdmin = kubeconfigIn('system:masters');
  const admin = kubeconfigIn('kubeadm:cluster-admins');
  const setUp = (kubeconfig: '/etc/kubernetes/admin.conf' | '/etc/kubernetes/super-admin.conf') => {
    const world = fakeHosts();
    const envs = ['cp1', 'cp2'].map((name) => {
      const env = world.envOf(name);
      env.fs.write('/etc/kubernetes/manifests/kube-vip.yaml', manifest(kubeconfig));
      env.fs.write('/etc/kubernetes/admin.conf', admin);
      env.fs.write('/etc/kubernetes/super-admin.conf', superAdmin);
      return env;
    });
    const runners = envs.map((env) => kubeVipRunner(env, () => {}));
    const tick = async (seconds: number) => {
      for (let i = 0; i < seconds * 5; i++) {
        for (const runner of runners) await runner.tick();
        world.advance(200);
      }
    };
    return {world, envs, runners, tick};
  };

  it('mounting admin.conf before init bound its group, never takes the VIP (kube-vip #684); super-admin.conf does', async () => {
    const wrong = setUp('/etc/kubernetes/admin.conf');
    await wrong.tick(10);
    expect(wrong.world.holders()).toEqual([]);
    const right = setUp('/etc/kubernetes/super-admin.conf');
    await right.tick(2);
    expect(right.world.holders()).toHaveLength(1);
  });

  it("moves the VIP when the leader's apiserver stops answering (after the lease runs out), and on SIGTERM at once", async () => {
    const {world, envs, runners, tick} = setUp('/etc/kubernetes/admin.conf');
    envs[0]!.cluster.update((s) => [s && {...s, clusterAdminsBound: true}, undefined]);
    await tick(2);
    const [first] = world.holders();
    expect(first).toBeDefined();
    const other = first === 'cp1' ? 'cp2' : 'cp1';
    world.hosts.get(first!)!.apiserver = 'refused';
    // renewDeadline 3 s: the old leader lets go; lease 5 s after its last renewal: the other takes it.
    await tick(3);
    expect(world.holders()).toEqual([first]);
    await tick(3);
    expect(world.holders()).toEqual([other]);
    world.hosts.get(first!)!.apiserver = 'open';
    await tick(3);
    expect(world.holders()).toEqual([other]);
    // SIGTERM (its manifest removed): the lease is released, so the first takes over within a retry.
    await runners[other === 'cp1' ? 0 : 1]!.terminate();
    await tick(2);
    expect(world.holders()).toEqual([first]);
  });

  it('a leader whose links go down (its etcd in the minority) loses the VIP to the other', async () => {
    const {world, tick} = setUp('/etc/kubernetes/super-admin.conf');
    await tick(2);
    const [first] = world.holders();
    world.hosts.get(first!)!.linkUp = false;
    await tick(7);
    expect(world.holders()).toEqual([first === 'cp1' ? 'cp2' : 'cp1']);
  });

  it('exits on an interface that does not exist, and the kubelet restarts it with back-off', async () => {
    const world = fakeHosts();
    const env = world.envOf('cp1');
    env.fs.write(
      '/etc/kubernetes/manifests/kube-vip.yaml',
      withEnv(manifest('/etc/kubernetes/super-admin.conf'), 'vip_interface', 'eth9'),
    );
    env.fs.write('/etc/kubernetes/super-admin.conf', superAdmin);
    const lines: string[] = [];
    const runner = kubeVipRunner(env, (line) => lines.push(line));
    const states: string[] = [];
    for (let i = 0; i < 60 * 5; i++) {
      await runner.tick();
      states.push(runner.container());
      world.advance(200);
    }
    expect(world.holders()).toEqual([]);
    expect(lines.filter((line) => line.includes('eth9 is not valid interface'))).toHaveLength(3);
    expect(new Set(states)).toEqual(new Set(['exited']));
  });
});
