// The keepalived + HAProxy phases against command-matching FakeHosts (the lab
// test runs the real daemons): preflight's LAN side and the cross-node check
// with the ARP probe, the files with the LAN facts filled in, the services,
// the one VIP holder, a second run that changes nothing, and the refusals.
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../source/core/run/events.js';
import {controlPlanes} from '../../source/core/plan/build.js';
import type {Plan} from '../../source/core/plan/types.js';
import {keepalivedHaproxy} from '../../source/engine/phases/keepalived-haproxy.js';
import {lanPreflight} from '../../source/engine/phases/lan-preflight.js';
import {lanVipUp} from '../../source/engine/phases/lan-vip.js';
import {resetKeepalivedHaproxy} from '../../source/engine/reset/keepalived-haproxy.js';
import {recordChange, type RecordedChange} from '../../source/core/run/changes.js';
import type {Phase} from '../../source/engine/phases/phase.js';
import {checkLanSide} from '../../source/engine/phases/preflight-lan.js';
import {runPhases} from '../../source/engine/runner.js';
import {goldenCases, lanVip} from '../core/artifacts-plans.js';
import {FakeHost} from '../support/fake-host.js';

const plan = goldenCases['C']!; // keepalived + HAProxy, VIP 192.168.1.250; CPs rpi4-a, rpi4-b, nas

/** Preflight's LAN part alone (the rest of preflight has its own tests). */
const lanSides: Phase = {
  id: 'preflight',
  title: 'Preflight',
  mode: 'parallel',
  hosts: (p) => controlPlanes(p),
  apply: async (step) => checkLanSide(step),
};

interface LanHost {
  address: string;
  subnetPrefix: number;
  holdsVip: boolean;
  installed: boolean;
  active: Set<string>;
  enabled: Set<string>;
}

const addrJson = (state: LanHost) =>
  JSON.stringify([
    {
      ifname: 'eth0',
      addr_info: [
        {family: 'inet', local: state.address, prefixlen: state.subnetPrefix},
        ...(state.holdsVip
          ? [{family: 'inet', local: lanVip, prefixlen: state.subnetPrefix, secondary: true}]
          : []),
      ],
    },
  ]);

/** A control plane on 192.168.1.0/24 with eth0; keepalived on the init node takes the VIP when started. */
const lanCluster = (p: Plan, options: {arpAnswer?: boolean; offSubnet?: string} = {}) => {
  const states = new Map<string, LanHost>();
  const hosts = new Map<string, FakeHost>();
  controlPlanes(p).forEach((node, index) => {
    const off = options.offSubnet === node.name;
    const state: LanHost = {
      address: off ? `192.168.7.${11 + index}` : `192.168.1.${11 + index}`,
      subnetPrefix: 24,
      holdsVip: false,
      installed: index !== 2,
      active: new Set(),
      enabled: new Set(['keepalived', 'haproxy']),
    };
    states.set(node.name, state);
    const host = new FakeHost(node.name)
      .on(['ip', '-j', '-4', 'addr', 'show'], () => ({stdout: addrJson(state)}))
      .on(['ip', '-j', '-4', 'route', 'get', lanVip], () =>
        off
          ? {stdout: JSON.stringify([{dst: lanVip, gateway: '192.168.7.1', dev: 'eth0'}])}
          : {stdout: JSON.stringify([{dst: lanVip, dev: 'eth0', prefsrc: state.address}])},
      )
      .on(/^ip neigh flush to /)
      .on(/^curl --silent --connect-timeout 2 /, {code: 28})
      .on(/^ip -j -4 neigh show to /, {
        stdout: options.arpAnswer
          ? JSON.stringify([
              {dst: lanVip, dev: 'eth0', lladdr: '02:00:00:00:00:99', state: ['REACHABLE']},
            ])
          : JSON.stringify([{dst: lanVip, dev: 'eth0', state: ['FAILED']}]),
      })
      .on(/^sh -c .*command -v/, (call) => ({
        stdout: call.argv
          .slice(4)
          .flatMap((tool) => (tool === 'apt-get' || state.installed ? [`/usr/sbin/${tool}`] : []))
          .join('\n'),
      }))
      .on(/^env DEBIAN_FRONTEND=noninteractive apt-get install -y keepalived haproxy$/, () => {
        state.installed = true;
        // Debian's haproxy starts with its own config on install.
        state.active.add('haproxy');
        return {};
      })
      .on(/^systemctl is-active (\S+)$/, (call) => {
        const active = state.active.has(call.argv[2]!);
        return {stdout: active ? 'active\n' : 'inactive\n', code: active ? 0 : 3};
      })
      .on(/^systemctl is-active keepalived haproxy$/, () => ({
        stdout: ['keepalived', 'haproxy']
          .map((name) => (state.active.has(name) ? 'active\n' : 'inactive\n'))
          .join(''),
      }))
      .on(/^systemctl is-enabled (\S+)$/, (call) => ({
        stdout: state.enabled.has(call.argv[2]!) ? 'enabled\n' : 'disabled\n',
      }))
      .on(/^systemctl (start|restart) (\S+)$/, (call) => {
        const name = call.argv[2]!;
        state.active.add(name);
        if (name === 'keepalived' && index === 0) state.holdsVip = true;
        return {};
      })
      .on(/^systemctl enable (\S+)$/, (call) => {
        state.enabled.add(call.argv[2]!);
        return {};
      })
      .on(/^systemctl stop (\S+)$/, (call) => {
        state.active.delete(call.argv[2]!);
        if (call.argv[2] === 'keepalived') state.holdsVip = false;
        return {};
      })
      .on(/^systemctl disable (\S+)$/, (call) => {
        state.enabled.delete(call.argv[2]!);
        return {};
      })
      // What reset reads and does with files (engine/reset/files.ts).
      .on(/^sh -c 'for f in "\$@"/, (call, h) => ({
        stdout: call.argv
          .slice(4)
          .filter((path) => h.files.has(path))
          .map((path) => `${path}\n`)
          .join(''),
      }))
      .on(/^sh -c 'for f in "\$1"\.ha-wizard/, () => ({}))
      .on(/^rm -f -- /, (call, h) => {
        for (const path of call.argv.slice(3)) h.files.delete(path);
        return {};
      });
    hosts.set(node.name, host);
  });
  return {states, hosts, host: (name: string) => hosts.get(name)!};
};

const run = async (
  cluster: ReturnType<typeof lanCluster>,
  phases: readonly Phase[] = [lanSides, lanPreflight, keepalivedHaproxy, lanVipUp],
) => {
  const events: RunEvent[] = [];
  let now = 0;
  const outcome = await runPhases({
    plan,
    phases,
    hostFactory: (node) => cluster.host(node.name),
    workstation: new FakeHost('workstation'),
    workstationKubeconfig: '/home/me/.kube/config',
    onEvent: (event) => events.push(event),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  const notes = events.flatMap((event) =>
    event.type === 'host-step-finished'
      ? [`${event.host}: ${event.phase}: ${event.note ?? event.failure?.message ?? ''}`]
      : [],
  );
  return {outcome, events, notes};
};

describe('keepalived + HAProxy phases', () => {
  it('take clean control planes to keepalived and HAProxy running and one VIP holder; a second run changes nothing', async () => {
    const cluster = lanCluster(plan);
    const first = await run(cluster);
    expect(first.outcome.error).toBeUndefined();
    expect(first.outcome).toMatchObject({ok: true, changed: true});
    expect(first.outcome.summary).toMatchObject({
      apiEndpoint: `${lanVip}:8443`,
      lanEndpoint: true,
      primaryRouter: 'rpi4-a',
    });
    expect(first.notes).toEqual(
      expect.arrayContaining([
        'rpi4-a: preflight: LAN eth0 192.168.1.11/24',
        'nas: preflight: LAN eth0 192.168.1.13/24',
        `rpi4-a: lan-preflight: ${lanVip} unused on 192.168.1.0/24; the VIP goes on rpi4-a eth0, rpi4-b eth0, nas eth0`,
        `rpi4-a: lan-vip: ${lanVip} held by rpi4-a`,
      ]),
    );
    // nas lacked the packages: apt-get, noninteractive, as root.
    expect(cluster.host('nas').lines()).toContain(
      'sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y keepalived haproxy',
    );
    expect(
      cluster
        .host('rpi4-b')
        .lines()
        .some((line) => line.includes('apt-get install')),
    ).toBe(false);
    for (const [name, host] of cluster.hosts) {
      expect(host.unmatched, name).toEqual([]);
      const conf = host.files.get('/etc/keepalived/keepalived.conf') ?? '';
      expect(conf).toContain('interface eth0');
      expect(conf).toContain(`${lanVip}/24 dev eth0`);
      expect(conf).not.toMatch(/@@LAN_[A-Z0-9_]+@@/);
      expect(
        host.writes.find((w) => w.path === '/etc/keepalived/check_apiserver.sh')?.options.mode,
      ).toBe(0o755);
      expect(host.files.get('/etc/haproxy/haproxy.cfg')).toContain('bind *:8443');
      expect(cluster.states.get(name)!.active).toEqual(new Set(['haproxy', 'keepalived']));
    }
    expect(cluster.host('rpi4-b').files.get('/etc/keepalived/keepalived.conf')).toContain(
      'unicast_src_ip 192.168.1.12',
    );
    // The haproxy Debian started on install was restarted to read the new config.
    expect(cluster.host('nas').lines()).toContain('sudo systemctl restart haproxy');
    const again = await run(cluster);
    expect(again.outcome).toMatchObject({ok: true, changed: false});
    // The VIP is held now: no ARP probe on a re-run.
    expect(again.notes).toContain(
      `rpi4-a: lan-preflight: ${lanVip} held by rpi4-a; 192.168.1.0/24 on rpi4-a eth0, rpi4-b eth0, nas eth0`,
    );
  });

  it('records what reset needs: the files as they were, and each service state before', async () => {
    const cluster = lanCluster(plan);
    const {events} = await run(cluster);
    const changes = events.flatMap((event) =>
      event.type === 'host-change' && event.host === 'nas' ? [event.change] : [],
    );
    expect(changes).toEqual(
      expect.arrayContaining([
        {kind: 'service', name: 'keepalived', previousActive: false, previousEnabled: false},
        {kind: 'service', name: 'haproxy', previousActive: false, previousEnabled: false},
        {kind: 'file', path: '/etc/keepalived/keepalived.conf', previous: 'absent'},
      ]),
    );
  });

  it('refuses, before changing anything, a VIP that answers ARP and a control plane off the subnet', async () => {
    const inUse = lanCluster(plan, {arpAnswer: true});
    const taken = await run(inUse);
    expect(taken.outcome.ok).toBe(false);
    expect(taken.outcome.error).toBe(
      `LAN preflight failed on rpi4-a: The VIP ${lanVip} is already in use on 192.168.1.0/24: 02:00:00:00:00:99 answered rpi4-a's ARP request on eth0`,
    );
    expect(inUse.host('nas').writes).toEqual([]);

    const off = lanCluster(plan, {offSubnet: 'nas'});
    const away = await run(off);
    expect(away.outcome.error).toMatch(
      /^Preflight failed on nas: nas reaches the VIP 192\.168\.1\.250 through the gateway 192\.168\.7\.1 on eth0/,
    );
    expect(off.host('rpi4-a').writes).toEqual([]);
  });
});

describe('reset of keepalived + HAProxy', () => {
  it('stops and disables what the wizard started and enabled, removes the files it created, and a second reset changes nothing', async () => {
    const cluster = lanCluster(plan);
    const {events} = await run(cluster);
    const changes = events.reduce<readonly RecordedChange[]>(recordChange, []);
    const reset = await run(cluster, [resetKeepalivedHaproxy(changes)]);
    expect(reset.outcome).toMatchObject({ok: true, changed: true});
    for (const [name, host] of cluster.hosts) {
      expect(host.unmatched, name).toEqual([]);
      expect([...host.files.keys()], name).toEqual([]);
      expect(cluster.states.get(name)!.active, name).toEqual(new Set());
      expect(cluster.states.get(name)!.holdsVip, name).toBe(false);
    }
    // They were enabled before the wizard on rpi4-a and rpi4-b (as Debian installs them): still are.
    expect(cluster.states.get('rpi4-b')!.enabled).toEqual(new Set(['keepalived', 'haproxy']));
    // nas got them from the wizard's apt-get: disabled again, though still installed.
    expect(cluster.states.get('nas')!.enabled).toEqual(new Set());
    expect(cluster.states.get('nas')!.installed).toBe(true);
    expect(cluster.host('rpi4-a').lines().indexOf('sudo systemctl stop keepalived')).toBeLessThan(
      cluster.host('rpi4-a').lines().indexOf('sudo systemctl stop haproxy'),
    );
    const again = await run(cluster, [resetKeepalivedHaproxy(undefined)]);
    expect(again.outcome).toMatchObject({ok: true, changed: false});
  });

  it("without a record, stops only a service still running the wizard's config, and disables nothing", async () => {
    const cluster = lanCluster(plan);
    await run(cluster);
    const reset = await run(cluster, [resetKeepalivedHaproxy(undefined)]);
    expect(reset.outcome).toMatchObject({ok: true, changed: true});
    // Whether it wrote keepalived.conf and haproxy.cfg it cannot know: they stay, and reset says so.
    const again = await run(cluster, [resetKeepalivedHaproxy(undefined)]);
    expect(again.outcome).toMatchObject({ok: true, changed: false});
    expect(
      again.events.flatMap((event) =>
        event.type === 'notice' && event.host === 'nas' ? [event.message] : [],
      ),
    ).toEqual([
      '/etc/keepalived/keepalived.conf left as it is: no record of whether ha-wizard created it',
      '/etc/haproxy/haproxy.cfg left as it is: no record of whether ha-wizard created it',
    ]);
    for (const name of ['rpi4-a', 'rpi4-b', 'nas']) {
      expect(cluster.states.get(name)!.active, name).toEqual(new Set());
      expect(
        cluster
          .host(name)
          .lines()
          .some((line) => line.includes('systemctl disable')),
        name,
      ).toBe(false);
    }
  });
});
