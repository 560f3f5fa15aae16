// The in-process demo's world on its own: the bundled containerd defaults, the
// TS tailscale CLI, and a network whose answers follow from the tailnet model.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {containerd16Default, containerd21Default} from '../../source/sim/containerd-defaults.js';
import {memoryWorld, type MemoryHost} from '../../source/sim/memory-world.js';

const machine = {
  tags: [],
  advertisedRoutes: [],
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  arch: 'aarch64',
  networkManager: 'systemd-networkd',
  containerd: '1.6',
} as const;
const hosts: MemoryHost[] = [
  {...machine, name: 'cp1', address: '100.64.0.1', role: 'control-plane'},
  {...machine, name: 'w1', address: '100.64.0.2', role: 'worker', containerd: '2.1'},
];

const world = (clock = {now: 1_000_000}) =>
  memoryWorld({
    hosts,
    tailnet: {magicDnsSuffix: 'tail-test.ts.net', version: '1.98.4-test', name: 'test@example.com'},
    routeApprovalMs: 2000,
    sleep: async () => {},
    now: () => clock.now,
  });
const root = {uid: 0};

describe('the memory world', () => {
  it('bundles the real containerd defaults unchanged', () => {
    const fixture = (name: string) =>
      readFileSync(new URL(`../../fixtures/real/${name}`, import.meta.url), 'utf8');
    expect(containerd16Default).toBe(fixture('containerd-default-1.6.20-debian12.toml'));
    expect(containerd21Default).toBe(fixture('containerd-default-2.1.9-debian-sid.toml'));
  });

  it('answers containerd per host build, and ip and cat from the host files', async () => {
    const w = world();
    expect((await w.run('cp1', ['containerd', 'config', 'default'], root)).stdout).toMatch(
      /^version = 2$/m,
    );
    expect((await w.run('w1', ['containerd', 'config', 'default'], root)).stdout).toMatch(
      /^version = 3$/m,
    );
    expect(await w.run('cp1', ['ip', '-j', 'addr', 'show', 'dev', 'lo1'], root)).toMatchObject({
      code: 1,
      stderr: 'Device "lo1" does not exist.\n',
    });
    expect((await w.run('cp1', ['uname', '-m'], root)).stdout).toBe('aarch64\n');
    expect((await w.run('cp1', ['nope'], root)).code).toBe(127);
  });

  it('tailscale set needs root, writes the routes canonically, and debug prefs shows them', async () => {
    const w = world();
    const prefs = async () =>
      JSON.parse((await w.run('cp1', ['tailscale', 'debug', 'prefs'], root)).stdout) as {
        AdvertiseRoutes: string[] | null;
        RouteAll: boolean;
      };
    expect((await prefs()).AdvertiseRoutes).toBeNull();
    const denied = await w.run('cp1', ['tailscale', 'set', '--accept-routes=true'], {uid: 1000});
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Access denied');
    expect(
      await w.run('cp1', ['tailscale', 'set', '--advertise-routes=10.200.0.1/24'], root),
    ).toMatchObject({code: 1, stderr: expect.stringContaining('non-address bits')});
    await w.run(
      'cp1',
      ['tailscale', 'set', '--advertise-routes=10.200.0.1/32,192.168.7.0/24'],
      root,
    );
    expect((await prefs()).AdvertiseRoutes).toEqual(['192.168.7.0/24', '10.200.0.1/32']);
  });

  it('reaches the VIP on another host only with accept-routes, once the route is approved', async () => {
    const clock = {now: 1_000_000};
    const w = world(clock);
    await w.run('cp1', ['ip', 'link', 'add', 'lo1', 'type', 'dummy'], root);
    await w.run('cp1', ['ip', 'link', 'set', 'lo1', 'up'], root);
    await w.run('cp1', ['ip', 'addr', 'replace', '10.200.0.1/32', 'dev', 'lo1'], root);
    await w.run('cp1', ['tailscale', 'set', '--advertise-routes=10.200.0.1/32'], root);
    // Nothing listens on 6443 anywhere yet, only sshd.
    expect((await w.run('cp1', ['ss', '-ltnH'], root)).stdout).toMatch(
      /^LISTEN .*\*:22 +\*:\* *\n$/,
    );
    const curl = () => w.run('w1', ['curl', '-sk', 'https://10.200.0.1:6443/readyz'], root);
    expect((await curl()).code).toBe(7);
    await w.run('w1', ['tailscale', 'set', '--accept-routes'], root);
    expect(w.tailnet().primaries['10.200.0.1/32']).toBeUndefined();
    clock.now += 2000;
    expect(w.tailnet().primaries['10.200.0.1/32']).toBe('cp1');
    const status = JSON.parse(
      (await w.run('w1', ['tailscale', 'status', '--json'], root)).stdout,
    ) as {Peer: Record<string, {HostName: string; PrimaryRoutes?: string[]}>};
    expect(Object.values(status.Peer).find((p) => p.HostName === 'cp1')?.PrimaryRoutes).toEqual([
      '10.200.0.1/32',
    ]);
  });
});
