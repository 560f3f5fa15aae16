// Where a real node differs from what the wizard once assumed
// (../shared/research/conformance-review.md): each case runs the real phase
// list (and doctor) over the in-process simulated world, whose tools behave as
// the real ones do on that point, and asserts what the user sees or what the
// host ends up with.
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../source/core/run/events.js';
import {
  demoWorld,
  runDemo,
  type DemoWorld,
  type DemoWorldOptions,
} from '../../source/engine/demo-run.js';
import {ciliumChartVersion} from '../../source/core/artifacts/cilium-values.js';
import {containerd16Default} from '../../source/sim/containerd-defaults.js';
import {runDiagnosis} from '../../source/engine/doctor/session.js';
import {SimHost} from '../../source/engine/host/sim-host.js';
import {demoPlan} from '../support/demo-plan.js';

const plan = demoPlan(new Date());

const apply = async (options: DemoWorldOptions = {}, world = demoWorld(plan, 0, options)) => {
  const events: RunEvent[] = [];
  const outcome = await runDemo(plan, world, {
    onEvent: (event) => events.push(event),
    signal: new AbortController().signal,
  });
  return {world, events, outcome};
};

/** Doctor over the same world, as `ha-wizard doctor --plan` would look. */
const doctor = ({world}: DemoWorld) =>
  runDiagnosis(plan, {
    hostFor: (node) => new SimHost({world, host: node.name, pace: 0}),
    sampleSeconds: 0,
  });

describe('a host whose OS host name is mixed case (B5, S6)', () => {
  it('is the VIP primary the run reports, and doctor finds it among the control planes', async () => {
    const {world, outcome} = await apply({machines: {'rpi4-a': {hostName: 'RPI4-A'}}});
    expect(outcome.ok).toBe(true);
    expect(outcome.summary.primaryRouter).toBe('rpi4-a');
    const {results} = await doctor(world);
    const primary = results.find((result) => result.id === 'vip-primary-apiserver');
    expect(primary).toMatchObject({host: 'rpi4-a', status: 'pass'});
  });
});

const changedSteps = (events: readonly RunEvent[]) =>
  events.filter((event) => event.type === 'host-step-finished' && event.changed);
const hostOutput = (events: readonly RunEvent[]) =>
  events.flatMap((event) => (event.type === 'host-output' ? [event.line] : []));

describe('the kubeadm found on the nodes (D8, S4)', () => {
  it('older than the plan stops the run in preflight, before anything changed, saying what to install', async () => {
    const {world, events, outcome} = await apply({settings: {kubeadmVersion: 'v1.34.3'}});
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain(
      "kubeadm on rpi4-a is v1.34.3, older than the plan's Kubernetes 1.36",
    );
    const failure = events.find(
      (event) => event.type === 'host-step-finished' && event.status === 'failed',
    );
    expect(JSON.stringify(failure)).toContain('https://pkgs.k8s.io/core:/stable:/v1.36/');
    expect(changedSteps(events)).toEqual([]);
    expect(world.world.fs('rpi4-a')?.read('/etc/kubernetes/admin.conf')).toBeUndefined();
  });

  it('of the plan minor sets the exact version it is, so kubeadm looks nothing up on the internet', async () => {
    const {world, events, outcome} = await apply();
    expect(outcome.ok).toBe(true);
    // No stable-X.Y lookup (kubeadm init, token create) and no default-route guess (token create).
    expect(hostOutput(events).filter((line) => /could not (fetch|obtain)/.test(line))).toEqual([]);
    const version = await world.world.run(
      'rpi4-a',
      ['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'version'],
      {uid: 0},
    );
    expect(version.stdout).toContain('Server Version: v1.36.2');
  });

  it('one minor newer than the plan deploys the plan with the config version that kubeadm reads, and warns', async () => {
    const older = {...plan, kubernetesVersion: '1.30'};
    const world = demoWorld(older, 0, {settings: {kubeadmVersion: 'v1.31.2'}});
    const events: RunEvent[] = [];
    const outcome = await runDemo(older, world, {
      onEvent: (event) => events.push(event),
      signal: new AbortController().signal,
    });
    expect(outcome.ok).toBe(true);
    expect(
      events.filter((event) => event.type === 'notice').map((event) => event.message),
    ).toContain(
      "kubeadm on rpi4-a is v1.31.2, one minor newer than the plan's Kubernetes 1.30; it deploys 1.30 (the newest patch kubeadm finds on dl.k8s.io)",
    );
  });
});

describe('the VIP after the health gate withdrew it (C3, S2)', () => {
  it('a re-run puts it back on lo1 of a networkd node, although its files did not change', async () => {
    const {world} = await apply();
    const run = (argv: string[]) => world.world.run('rpi4-a', argv, {uid: 0});
    // What the gate does when the apiserver fails: the VIP off lo1, the route withdrawn.
    await run(['ip', 'addr', 'del', '10.200.0.1/32', 'dev', 'lo1']);
    await run(['tailscale', 'set', '--advertise-routes=']);
    const again = await apply({}, world);
    expect(again.outcome.error).toBeUndefined();
    expect(again.outcome.ok).toBe(true);
    const lo1 = await run(['ip', '-j', 'addr', 'show', 'dev', 'lo1']);
    expect(lo1.stdout).toContain('"local":"10.200.0.1"');
  });
});

describe('the Cilium chart (F7)', () => {
  it('is the pinned version the plan names, on the first install and after a re-run', async () => {
    const {world} = await apply();
    const release = () => world.world.cluster()?.helm['kube-system/cilium'];
    expect(release()).toMatchObject({chart: `cilium-${ciliumChartVersion}`, revision: 1});
    await apply({}, world);
    expect(release()).toMatchObject({chart: `cilium-${ciliumChartVersion}`, revision: 1});
  });
});

describe('the commands a run needs (A8, F6, H3, S1)', () => {
  const failures = (events: readonly RunEvent[]) =>
    events.flatMap((event) =>
      event.type === 'host-step-finished' && event.status === 'failed'
        ? [{phase: event.phase, host: event.host, failure: event.failure}]
        : [],
    );

  it('a node as the kubeadm install guide leaves it has no helm: preflight says so, and how to get it, before anything changes', async () => {
    const {events, outcome} = await apply({machines: {'rpi4-a': {commands: {}}}});
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(
      'Preflight failed on rpi4-a: rpi4-a lacks helm (for installing Cilium)',
    );
    const [failure] = failures(events);
    expect(failure?.phase).toBe('preflight');
    expect(failure?.failure?.suggestion).toContain(
      'helm: install Helm 3 with its script (curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash)',
    );
    expect(changedSteps(events)).toEqual([]);
  });

  it('names every missing command on every host at once, with one sentence each', async () => {
    const {events, outcome} = await apply({
      machines: {
        'rpi4-a': {commands: {helm: '/usr/local/bin/helm', kubectl: null}},
        nuc: {commands: {curl: null}},
      },
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('rpi4-a lacks kubectl (for verifying the cluster)');
    expect(outcome.error).toContain('nuc lacks curl (for checking the VIP from here)');
    const byHost = Object.fromEntries(
      failures(events).map((entry) => [entry.host, entry.failure?.suggestion]),
    );
    expect(byHost['rpi4-a']).toMatch(
      /^kubectl: install kubectl 1\.36 with kubeadm and kubelet from https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.36\//,
    );
    expect(byHost['nuc']).toMatch(/^curl: install your distribution's curl package/);
    expect(changedSteps(events)).toEqual([]);
  });

  it('on the RHEL family, tools in /usr/local/bin (outside sudo’s secure_path) are called by their path', async () => {
    const local = {
      helm: '/usr/local/bin/helm',
      kubeadm: '/usr/local/bin/kubeadm',
      kubelet: '/usr/local/bin/kubelet',
      crictl: '/usr/local/bin/crictl',
    };
    const {world, events, outcome} = await apply({
      machines: {'rpi4-a': {prettyName: 'Rocky Linux 9.4 (Blue Onyx)', commands: local}},
    });
    // What `sudo helm` says there: the binary is not on secure_path.
    expect(await world.world.run('rpi4-a', ['helm', 'version'], {uid: 0})).toMatchObject({
      code: 1,
      stderr: 'sudo: helm: command not found\n',
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(hostOutput(events)).toContain(
      `sudo /usr/local/bin/helm upgrade --install cilium cilium --repo https://helm.cilium.io --version ${ciliumChartVersion} --namespace kube-system --values /dev/stdin --kubeconfig /etc/kubernetes/admin.conf`,
    );
  });
});

describe('containerd 2.0.0-2.0.5 with a version-2 config.toml (E4, S3)', () => {
  it('is verified by the setting the daemon really uses, and doctor agrees', async () => {
    // A node upgraded from containerd 1.7 keeps its version-2 file; 2.0.5's dump does not migrate it.
    const {world, outcome} = await apply({
      machines: {nuc: {containerd: '2.0', containerdConfig: containerd16Default}},
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    const dump = await world.world.run('nuc', ['containerd', 'config', 'dump'], {uid: 0});
    expect(dump.stdout).toMatch(/^version = 3$/m);
    const {results} = await doctor(world);
    expect(results.find((r) => r.id === 'cgroup-driver' && r.host === 'nuc')?.status).toBe('pass');
  });
});

describe('the kubelet’s cgroup driver with Kubernetes 1.31+ and containerd 2.x (E5, S8)', () => {
  it('comes from containerd at the kubelet’s start: config.yaml does not count, doctor and the static pods agree', async () => {
    const {world, outcome} = await apply({machines: {'rpi4-b': {containerd: '2.1'}}});
    expect(outcome.ok).toBe(true);
    const run = (argv: string[]) => world.world.run('rpi4-b', argv, {uid: 0});
    const fs = world.world.fs('rpi4-b');
    const config = fs?.read('/var/lib/kubelet/config.yaml') ?? '';
    fs?.write(
      '/var/lib/kubelet/config.yaml',
      config.replace(/cgroupDriver: systemd/, 'cgroupDriver: cgroupfs'),
    );
    await run(['systemctl', 'restart', 'kubelet']);
    const {results} = await doctor(world);
    const on = (id: string) => results.find((r) => r.id === id && r.host === 'rpi4-b');
    expect(on('cgroup-driver')).toMatchObject({status: 'pass'});
    expect(on('control-plane-restarts')).toMatchObject({status: 'pass'});
  });
});

describe('doctor on the RHEL family (H3)', () => {
  it('finds crictl and containerd in /usr/local/bin, where sudo does not look', async () => {
    const {world, outcome} = await apply({
      machines: {
        'rpi4-b': {
          prettyName: 'AlmaLinux 9.5 (Teal Serval)',
          commands: {crictl: '/usr/local/bin/crictl', containerd: '/usr/local/bin/containerd'},
        },
      },
    });
    expect(outcome.ok).toBe(true);
    const {results} = await doctor(world);
    const on = (id: string) => results.find((r) => r.id === id && r.host === 'rpi4-b');
    expect(on('cgroup-driver')).toMatchObject({status: 'pass'});
    expect(on('control-plane-restarts')).toMatchObject({status: 'pass'});
  });
});
