// Every phase against a cluster of command-matching FakeHosts: from clean
// hosts to a verified cluster, what each host ends up with, the order of the
// commands that matter, and a second apply that changes nothing.
import {parse} from 'yaml';
import {describe, expect, it} from 'vitest';
import {describeChange} from '../../source/core/run/changes.js';
import type {RunEvent} from '../../source/core/run/events.js';
import {readSystemdCgroup} from '../../source/core/containerd/systemd-cgroup.js';
import {phases} from '../../source/engine/phases/index.js';
import {runPhases} from '../../source/engine/runner.js';
import {SecretStore, caCertHash} from '../../source/engine/secrets.js';
import {goldenCases} from '../core/artifacts-plans.js';
import {FakeHost} from '../support/fake-host.js';
import {fakeCluster, mutating, testCaHash, testCaPem} from './fake-cluster.js';

const plan = goldenCases['A']!; // CPs rpi4-a (init), rpi4-b, nas (routes 192.168.1.0/24); workers opi5, nuc

const apply = async (
  cluster: ReturnType<typeof fakeCluster>,
  workstation: FakeHost,
  extra: {secrets?: SecretStore; signal?: AbortSignal} = {},
) => {
  const events: RunEvent[] = [];
  let now = 0;
  const outcome = await runPhases({
    plan,
    phases,
    hostFactory: cluster.hostFactory,
    workstation,
    workstationKubeconfig: '/home/me/.kube/config',
    onEvent: (event) => events.push(event),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    ...extra,
  });
  return {outcome, events};
};

const lines = (host: FakeHost) => host.lines();
const indexOf = (host: FakeHost, pattern: RegExp) =>
  lines(host).findIndex((line) => pattern.test(line));

describe('apply on clean hosts', () => {
  it('builds the cluster: every host ends up configured as DOMAIN.md says', async () => {
    const cluster = fakeCluster(plan, {networkManager: ['nas']});
    const workstation = new FakeHost('workstation');
    const {outcome, events} = await apply(cluster, workstation);
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ok: true, changed: true});
    expect(outcome.summary).toMatchObject({
      vip: '10.200.0.1',
      primaryRouter: 'rpi4-a',
      kubeconfigContext: 'homelab',
      kubeconfigPath: '/home/me/.kube/config',
    });
    for (const host of cluster.hosts.values()) {
      expect(host.unmatched).toEqual([]);
      expect(
        readSystemdCgroup(host.files.get('/etc/containerd/config.toml') ?? '').systemdCgroup,
      ).toBe(true);
      expect(cluster.state(host.name).routeAll).toBe(true);
      expect(cluster.state(host.name).joined).toBe(true);
    }
    for (const name of ['rpi4-a', 'rpi4-b', 'nas']) {
      const host = cluster.host(name);
      expect(cluster.state(name).lo1).toBe('with-vip');
      expect(cluster.state(name).gateActive).toBe(true);
      expect(host.files.get('/usr/local/lib/ha-wizard/health-gate')).toMatch(/^#!\/bin\/sh/);
      expect(
        host.writes.find((w) => w.path === '/usr/local/lib/ha-wizard/health-gate')?.options.mode,
      ).toBe(0o755);
    }
    // networkd hosts get the two files; the NetworkManager host gets nmcli instead.
    expect(cluster.host('rpi4-a').files.get('/etc/systemd/network/lo1.network')).toContain(
      'Address=10.200.0.1/32',
    );
    expect(cluster.host('nas').files.has('/etc/systemd/network/lo1.network')).toBe(false);
    expect(lines(cluster.host('nas'))).toContain(
      'sudo nmcli connection add type dummy ifname lo1 con-name lo1 ipv4.method manual ipv4.addresses 10.200.0.1/32 ipv6.method ignore',
    );
    // The NAS keeps its LAN route: the union, never a replacement.
    expect(cluster.state('nas').routes).toEqual(['192.168.1.0/24', '10.200.0.1/32']);
    // The gate reads the routes to keep when it acts, so its settings list none.
    const gateEnv = cluster.host('nas').files.get('/etc/ha-wizard/health-gate.env');
    expect(gateEnv).toContain('VIP=10.200.0.1');
    expect(gateEnv).not.toContain('192.168.1.0/24');
    // Workers hold no VIP and advertise nothing.
    expect(cluster.state('nuc').lo1).toBe('absent');
    expect(cluster.state('nuc').routes).toEqual([]);
    // The workstation's kubeconfig gained the cluster as context homelab.
    const kubeconfig = parse(workstation.files.get('/home/me/.kube/config') ?? '') as Record<
      string,
      unknown
    >;
    expect(kubeconfig['current-context']).toBe('homelab');
    expect(workstation.writes[0]?.options.mode).toBe(0o600);
    expect(events.at(-1)).toMatchObject({type: 'run-finished', ok: true});
  });

  it('records what it changed on each host and what was there before (for ha-wizard reset)', async () => {
    const cluster = fakeCluster(plan, {networkManager: ['nas']});
    const {events} = await apply(cluster, new FakeHost('workstation'));
    const changes = events.flatMap((event) =>
      event.type === 'host-change' ? [`${event.host} ${describeChange(event.change)}`] : [],
    );
    for (const name of ['rpi4-a', 'rpi4-b', 'nas', 'opi5', 'nuc']) {
      expect(changes).toContain(`${name} accept-routes was false`);
      expect(
        changes.filter((c) => c.startsWith(`${name} /etc/containerd/config.toml`)),
      ).toHaveLength(1);
    }
    expect(changes).toContain('nas advertised routes were [192.168.1.0/24]');
    expect(changes).toContain('rpi4-a advertised routes were []');
    expect(changes).toContain('nas NetworkManager connection lo1 added');
    expect(changes).toContain('rpi4-a /etc/systemd/network/lo1.netdev created');
    expect(changes).toContain('rpi4-b /etc/ha-wizard/health-gate.env created');
    expect(changes.filter((c) => /^(opi5|nuc) .*(lo1|health-gate|advertised)/.test(c))).toEqual([]);
    // A second apply changes nothing, so it records nothing.
    const again = await apply(cluster, new FakeHost('workstation'));
    expect(again.events.filter((event) => event.type === 'host-change')).toEqual([]);
  });

  it('puts the VIP on the init node before kubeadm init, and on a joiner only after its /readyz', async () => {
    const cluster = fakeCluster(plan);
    await apply(cluster, new FakeHost('workstation'));
    const init = cluster.host('rpi4-a');
    expect(indexOf(init, /^sudo networkctl reload$/)).toBeLessThan(
      indexOf(init, /^sudo kubeadm init /),
    );
    expect(indexOf(init, /advertise-routes=10\.200\.0\.1\/32$/)).toBeLessThan(
      indexOf(init, /^sudo kubeadm init /),
    );
    const joiner = cluster.host('rpi4-b');
    const join = indexOf(joiner, /^sudo kubeadm join /);
    const readyz = lines(joiner).findIndex(
      (line, index) => index > join && /127\.0\.0\.1:6443\/readyz/.test(line),
    );
    expect(join).toBeGreaterThanOrEqual(0);
    expect(readyz).toBeGreaterThan(join);
    expect(indexOf(joiner, /^sudo networkctl reload$/)).toBeGreaterThan(readyz);
    expect(
      indexOf(joiner, /^sudo systemctl enable --now ha-wizard-health-gate.service$/),
    ).toBeGreaterThan(readyz);
  });

  it('joins control planes one at a time with fresh join material each, workers with one token', async () => {
    const cluster = fakeCluster(plan);
    await apply(cluster, new FakeHost('workstation'));
    const init = lines(cluster.host('rpi4-a'));
    expect(
      init.filter((line) => line.startsWith('sudo kubeadm init phase upload-certs')),
    ).toHaveLength(2);
    expect(init.filter((line) => line.startsWith('sudo kubeadm token create'))).toHaveLength(3);
    // Secrets go on stdin, never on a command line.
    for (const host of cluster.hosts.values()) {
      for (const line of lines(host))
        expect(line).not.toMatch(/[a-z0-9]{6}\.[a-z0-9]{16}|[a-f0-9]{64}/);
    }
    const joinStdin =
      cluster.host('nuc').calls.find((call) => call.argv[1] === 'join')?.stdin ?? '';
    expect(joinStdin).toContain(testCaHash);
    expect(joinStdin).toMatch(/token: "?[a-z0-9]{6}\.[a-z0-9]{16}/);
    expect(joinStdin).not.toMatch(/@@[A-Z_]+@@/);
    const cpStdin =
      cluster.host('rpi4-b').calls.find((call) => call.argv[1] === 'join')?.stdin ?? '';
    expect(cpStdin).toMatch(/certificateKey: "?[a-f0-9]{64}/);
  });

  it('keeps every token and certificate key out of events, even when kubeadm prints them', async () => {
    const cluster = fakeCluster(plan);
    const secrets = new SecretStore();
    const {events, outcome} = await apply(cluster, new FakeHost('workstation'), {secrets});
    const stdins = [...cluster.hosts.values()].flatMap((host) =>
      host.calls.map((call) => call.stdin ?? ''),
    );
    const leaked = stdins.flatMap((stdin) => [
      ...(stdin.match(/[a-z0-9]{6}\.[a-z0-9]{16}/g) ?? []),
      ...(stdin.match(/[a-f0-9]{64}/g) ?? []),
    ]);
    expect(leaked.length).toBeGreaterThan(3);
    const text = JSON.stringify([events, outcome]);
    for (const secret of leaked) expect(text).not.toContain(secret);
    expect(text).toContain('<redacted>');
  });
});

describe('apply on a finished cluster', () => {
  it('changes nothing: no mutating command, no file written, every phase skipped or read-only', async () => {
    const cluster = fakeCluster(plan, {networkManager: ['nas']});
    const workstation = new FakeHost('workstation');
    await apply(cluster, workstation);
    const before = new Map([...cluster.hosts].map(([name, host]) => [name, host.calls.length]));
    const writes = new Map([...cluster.hosts].map(([name, host]) => [name, host.writes.length]));
    const {outcome, events} = await apply(cluster, workstation);
    expect(outcome).toMatchObject({ok: true, changed: false});
    for (const [name, host] of cluster.hosts) {
      const second = host.calls.slice(before.get(name)).map((call) => call.line);
      expect(second.filter((line) => mutating.test(line))).toEqual([]);
      expect(host.writes.length).toBe(writes.get(name));
    }
    expect(workstation.writes).toHaveLength(1);
    const statuses = events.flatMap((event) =>
      event.type === 'phase-finished' ? [`${event.phase}:${event.status}`] : [],
    );
    expect(statuses).toEqual([
      'preflight:done',
      'containerd:skipped',
      'tailscale-flags:skipped',
      'vip:skipped',
      'route-approval:skipped',
      'kubeadm-init:skipped',
      'health-gate:skipped',
      'join-control-planes:skipped',
      'join-workers:skipped',
      'cilium:skipped',
      'verify:done',
      'kubeconfig:skipped',
    ]);
  });
});

describe('route approval', () => {
  it('waits with the admin-console link and the autoApprovers snippet, then continues by itself', async () => {
    const cluster = fakeCluster(plan, {
      approveAfterPolls: 11 /* 5 in preflight, the check asks 3 observers, then a poll of 3 */,
    });
    const {outcome, events} = await apply(cluster, new FakeHost('workstation'));
    expect(outcome.ok).toBe(true);
    const waiting = events.find((event) => event.type === 'waiting');
    expect(waiting).toMatchObject({
      phase: 'route-approval',
      host: 'rpi4-a',
      links: [expect.stringContaining('https://login.tailscale.com/admin/machines/')],
    });
    expect(waiting?.type === 'waiting' && JSON.parse(waiting.snippet ?? '{}')).toEqual({
      autoApprovers: {routes: {'10.200.0.1/32': ['tag:k8s-control-plane']}},
    });
    const over = events.findIndex((event) => event.type === 'waiting-over');
    const init = events.findIndex(
      (event) => event.type === 'phase-started' && event.phase === 'kubeadm-init',
    );
    expect(over).toBeGreaterThan(0);
    expect(init).toBeGreaterThan(over);
  });

  it('stops waiting when the run is aborted', async () => {
    const cluster = fakeCluster(plan, {approveAfterPolls: Number.POSITIVE_INFINITY});
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const outcome = await runPhases({
      plan,
      phases,
      hostFactory: cluster.hostFactory,
      workstation: new FakeHost('workstation'),
      workstationKubeconfig: '/k',
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'waiting') controller.abort();
      },
      signal: controller.signal,
      sleep: async (_ms, signal) => {
        if (signal.aborted) throw new Error('aborted');
      },
    });
    expect(outcome).toMatchObject({ok: false, aborted: true});
    expect(
      events.some((event) => event.type === 'phase-started' && event.phase === 'kubeadm-init'),
    ).toBe(false);
  });
});

describe('failures', () => {
  it('reports the host, the phase, the command, its exit code, stderr and a fix; later phases do not run', async () => {
    const cluster = fakeCluster(plan);
    cluster.host('nuc').on(['systemctl', 'restart', 'containerd'], {
      stderr:
        'Job for containerd.service failed because the control process exited with error code.\nSee "systemctl status containerd.service" and "journalctl -xeu containerd.service" for details.\n',
      code: 1,
    });
    const {outcome, events} = await apply(cluster, new FakeHost('workstation'));
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(
      'containerd failed on nuc: systemctl restart containerd failed on nuc (exit code 1)',
    );
    expect(
      events.find((event) => event.type === 'host-step-finished' && event.status === 'failed'),
    ).toMatchObject({
      host: 'nuc',
      phase: 'containerd',
      failure: {
        command: 'sudo systemctl restart containerd',
        exitCode: 1,
        stderrTail: [
          expect.stringContaining('Job for containerd.service failed'),
          expect.stringContaining('journalctl'),
        ],
        suggestion: expect.stringContaining('journalctl -u containerd on nuc'),
      },
    });
    // The other hosts finished their containerd step; nothing after it ran.
    expect(cluster.host('opi5').lines()).toContain('sudo systemctl restart containerd');
    expect(
      events.some((event) => event.type === 'phase-started' && event.phase === 'tailscale-flags'),
    ).toBe(false);
  });

  it('refuses a host with swap on in preflight, with the fix', async () => {
    const cluster = fakeCluster(plan);
    cluster.host('opi5').on(['cat', '/proc/swaps'], {
      stdout: 'Filename Type Size Used Priority\n/swapfile file 1048572 0 -2\n',
    });
    const {outcome, events} = await apply(cluster, new FakeHost('workstation'));
    expect(outcome.error).toMatch(/^Preflight failed on opi5: swap is on/);
    const failed = events.find(
      (event) => event.type === 'host-step-finished' && event.status === 'failed',
    );
    expect(failed?.type === 'host-step-finished' && failed.failure?.suggestion).toContain(
      'swapoff -a',
    );
  });
});

describe('the Cilium step when helm fails (F6)', () => {
  it('reads helm’s message: an unreachable apiserver is not blamed on the internet', async () => {
    const cluster = fakeCluster(plan);
    cluster.host('rpi4-a').on(/^helm upgrade --install cilium/, {
      stderr:
        'Error: Kubernetes cluster unreachable: Get "https://10.200.0.1:6443/version": dial tcp 10.200.0.1:6443: connect: connection refused\n',
      code: 1,
    });
    const {outcome, events} = await apply(cluster, new FakeHost('workstation'));
    expect(outcome.error).toMatch(/^Cilium failed on rpi4-a/);
    const failed = events.find(
      (event) => event.type === 'host-step-finished' && event.status === 'failed',
    );
    const suggestion = failed?.type === 'host-step-finished' ? failed.failure?.suggestion : '';
    expect(suggestion).toMatch(/^helm could not reach the apiserver/);
    expect(suggestion).not.toMatch(/internet/);
  });
});

describe('caCertHash', () => {
  it('hashes the DER SubjectPublicKeyInfo of an ECDSA CA as openssl does', () => {
    expect(caCertHash(testCaPem)).toBe(testCaHash);
  });
});
