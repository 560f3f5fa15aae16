// The simulated tools are as strict as the real ones where the wizard once
// relied on them being lenient (../shared/research/conformance-review.md,
// table S): each case is what the real tool does, with its source.
import {describe, expect, it} from 'vitest';
import {memoryWorld, type MemoryHost} from '../../source/sim/memory-world.js';
import type {SimSettings} from '../../source/sim/env.js';

const machine = {
  tags: [],
  advertisedRoutes: [],
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  arch: 'aarch64',
  networkManager: 'systemd-networkd',
  containerd: '1.6',
} as const;

const world = (settings: Partial<SimSettings> = {}, host: Partial<MemoryHost> = {}) =>
  memoryWorld({
    hosts: [{...machine, name: 'cp1', address: '100.64.0.1', role: 'control-plane', ...host}],
    tailnet: {magicDnsSuffix: 'tail-test.ts.net', version: '1.98.4-test', name: 'test@example.com'},
    settings,
    routeApprovalMs: 0,
    sleep: async () => {},
    now: () => 1_000_000,
  });
const root = {uid: 0};

const initConfig = (apiVersion: string) =>
  `apiVersion: ${apiVersion}\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 100.64.0.1\n---\napiVersion: ${apiVersion}\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.5\n`;

describe('the simulated kubeadm (S4, S9)', () => {
  it('of 1.30 refuses v1beta4, which only 1.31 and later know, with the real decoding error', async () => {
    const w = world({kubeadmVersion: 'v1.30.5'});
    const result = await w.run(
      'cp1',
      ['kubeadm', 'init', '--config', '/dev/stdin', '--upload-certs'],
      {...root, stdin: initConfig('kubeadm.k8s.io/v1beta4')},
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'no kind "InitConfiguration" is registered for version "kubeadm.k8s.io/v1beta4"',
    );
  });

  it("refuses --ttl together with --config, as kubeadm's ValidateMixedArguments does", async () => {
    const w = world();
    const result = await w.run(
      'cp1',
      ['kubeadm', 'token', 'create', '--config', '/dev/stdin', '--ttl', '2h'],
      {...root, stdin: initConfig('kubeadm.k8s.io/v1beta4')},
    );
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^can not mix '--config' with arguments \[ttl\]\n/),
    });
  });
});

describe('the simulated host name (S6)', () => {
  it('keeps the OS host name’s case in hostname and tailscale status, the node name lowercase', async () => {
    const w = world({}, {hostName: 'CP1'});
    expect((await w.run('cp1', ['hostname'], root)).stdout).toBe('CP1\n');
    const status = JSON.parse(
      (await w.run('cp1', ['tailscale', 'status', '--json'], root)).stdout,
    ) as {
      Self: {HostName: string; DNSName: string};
    };
    expect(status.Self).toMatchObject({HostName: 'CP1', DNSName: 'cp1.tail-test.ts.net.'});
  });
});

describe('the simulated networkctl (S2)', () => {
  it('reload applies a new .network, but with the files unchanged reconfigures nothing; reconfigure does', async () => {
    const w = world();
    const fs = w.fs('cp1');
    fs?.write('/etc/systemd/network/lo1.netdev', '[NetDev]\nName=lo1\nKind=dummy\n');
    fs?.write(
      '/etc/systemd/network/lo1.network',
      '[Match]\nName=lo1\n\n[Network]\nAddress=10.200.0.1/32\n',
    );
    const lo1 = async () =>
      (await w.run('cp1', ['ip', '-j', 'addr', 'show', 'dev', 'lo1'], root)).stdout;
    expect((await w.run('cp1', ['networkctl', 'reload'], root)).code).toBe(0);
    expect(await lo1()).toContain('10.200.0.1');
    await w.run('cp1', ['ip', 'addr', 'del', '10.200.0.1/32', 'dev', 'lo1'], root);
    await w.run('cp1', ['networkctl', 'reload'], root);
    expect(await lo1()).not.toContain('10.200.0.1');
    await w.run('cp1', ['networkctl', 'reconfigure', 'lo1'], root);
    expect(await lo1()).toContain('10.200.0.1');
  });
});

describe('the simulated commands on a fresh node (S1)', () => {
  it('has no helm unless it is installed; sudo on the RHEL family does not look in /usr/local/bin', async () => {
    expect(await world().run('cp1', ['helm', 'version'], root)).toMatchObject({
      code: 1,
      stderr: 'sudo: helm: command not found\n',
    });
    const rocky = world(
      {},
      {prettyName: 'Rocky Linux 9.4 (Blue Onyx)', commands: {helm: '/usr/local/bin/helm'}},
    );
    expect((await rocky.run('cp1', ['helm', 'version'], root)).stderr).toBe(
      'sudo: helm: command not found\n',
    );
    expect((await rocky.run('cp1', ['helm', 'version'], {uid: 1000})).code).toBe(0);
    expect((await rocky.run('cp1', ['/usr/local/bin/helm', 'version'], root)).code).toBe(0);
    const debian = world({}, {commands: {helm: '/usr/local/bin/helm'}});
    expect((await debian.run('cp1', ['helm', 'version'], root)).code).toBe(0);
  });
});

describe('the simulated containerd config dump (S3)', () => {
  const v2File =
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\nSystemdCgroup = true\n';
  it('2.0.5 prints version 3 but leaves a version-2 file unmigrated; 2.1 migrates it; 1.6 prints version 2', async () => {
    const dump = async (containerd: '1.6' | '2.0' | '2.1') =>
      (
        await world({}, {containerd, containerdConfig: v2File}).run(
          'cp1',
          ['containerd', 'config', 'dump'],
          root,
        )
      ).stdout;
    const old = await dump('2.0');
    expect(old).toMatch(/^version = 3$/m);
    expect(old).toMatch(
      /\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\.options\]\nSystemdCgroup = true/,
    );
    expect(old).toMatch(
      /\[plugins\."io\.containerd\.cri\.v1\.runtime"\.containerd\.runtimes\.runc\.options\]\n(.*\n)*?SystemdCgroup = false/,
    );
    const migrated = await dump('2.1');
    expect(migrated).toMatch(/^version = 3$/m);
    expect(migrated).toMatch(
      /\[plugins\."io\.containerd\.cri\.v1\.runtime"\.containerd\.runtimes\.runc\.options\]\n(.*\n)*?SystemdCgroup = true/,
    );
    expect(migrated).not.toContain('"io.containerd.grpc.v1.cri".containerd');
    expect(await dump('1.6')).toMatch(/^version = 2$/m);
  });
});
