// The reset phases against stateful FakeHosts: files, backups, tailscale prefs
// and lo1 kept in the fake, so a test sees what a host ends up with. The lab
// (reset.lab.test.ts) proves it on real hosts; this pins the decisions: the
// recorded previous values win, without a record only what is recognisably
// the wizard's is undone and the rest is named, and a second reset changes nothing.
import {describe, expect, it} from 'vitest';
import type {RecordedChange} from '../../source/core/run/changes.js';
import type {RunEvent} from '../../source/core/run/events.js';
import {resetPhases} from '../../source/engine/reset/index.js';
import {runPhases} from '../../source/engine/runner.js';
import {planFor} from '../core/artifacts-plans.js';
import {FakeHost} from '../support/fake-host.js';

const plan = planFor('1.36', ['nas'], ['nuc']); // one control plane (NetworkManager), one worker
const vip = '10.200.0.1/32';
const config = '/etc/containerd/config.toml';
const backup = `${config}.ha-wizard.20261124T100000.000Z.bak`;

interface NodeState {
  routeAll: boolean;
  routes: string[];
  lo1: boolean;
  nm: boolean;
  gate: boolean;
}

/** A host that answers reset's commands from its state (and keeps its files in `files`). */
const host = (name: string, state: NodeState, files: Record<string, string>) => {
  const h = new FakeHost(name, files);
  const exists = (path: string) => h.files.has(path);
  h.on(/^sh -c 'for f in "\$@"/, (call) => ({
    stdout: call.argv
      .slice(4)
      .filter(exists)
      .map((path) => `${path}\n`)
      .join(''),
  }));
  h.on(/^sh -c 'for f in "\$1"\.ha-wizard/, (call) => ({
    stdout: [...h.files.keys()]
      .filter((path) => path.startsWith(`${call.argv[4]}.ha-wizard.`))
      .map((path) => `${path}\n`)
      .join(''),
  }));
  h.on(/^rm -f -- /, (call) => {
    for (const path of call.argv.slice(3)) h.files.delete(path);
    return {};
  });
  h.on(/^mv -f -- /, (call) => {
    h.files.set(call.argv[4]!, h.files.get(call.argv[3]!) ?? '');
    h.files.delete(call.argv[3]!);
    return {};
  });
  h.on(['systemctl', 'is-active', 'ha-wizard-health-gate.service'], () =>
    state.gate ? {stdout: 'active\n'} : {stdout: 'inactive\n', code: 3},
  );
  h.on(['systemctl', 'disable', '--now', 'ha-wizard-health-gate.service'], () => {
    state.gate = false;
    return {};
  });
  h.on(/^(systemctl (daemon-reload|restart containerd)|rmdir )/);
  h.on(['tailscale', 'debug', 'prefs'], () => ({
    stdout: JSON.stringify({RouteAll: state.routeAll, AdvertiseRoutes: state.routes}),
  }));
  h.on(/^tailscale set --advertise-routes=/, (call) => {
    state.routes = call.argv[2]!.split('=')[1]!.split(',').filter(Boolean);
    return {};
  });
  h.on(['tailscale', 'set', '--accept-routes=false'], () => {
    state.routeAll = false;
    return {};
  });
  h.on(['ip', '-j', 'addr', 'show', 'dev', 'lo1'], () =>
    state.lo1
      ? {
          stdout: JSON.stringify([
            {addr_info: [{family: 'inet', local: '10.200.0.1', prefixlen: 32}]},
          ]),
        }
      : {code: 1, stderr: 'Device "lo1" does not exist.\n'},
  );
  h.on(['nmcli', 'connection', 'show', 'lo1'], () =>
    state.nm
      ? {stdout: 'connection.id:    lo1\nconnection.type:    dummy\n'}
      : {code: 10, stderr: 'Error: lo1 - no such connection profile.\n'},
  );
  h.on(['nmcli', 'connection', 'delete', 'lo1'], () => {
    state.nm = false;
    state.lo1 = false;
    return {};
  });
  return h;
};

const reset = async (hosts: Map<string, FakeHost>, changes: RecordedChange[] | undefined) => {
  const events: RunEvent[] = [];
  const outcome = await runPhases({
    plan,
    phases: resetPhases(changes),
    keepGoing: true,
    hostFactory: (node) => hosts.get(node.name)!,
    workstation: new FakeHost('workstation'),
    workstationKubeconfig: '/home/me/.kube/config',
    onEvent: (event) => events.push(event),
    sleep: async () => {},
  });
  return {outcome, events};
};

const built = () => {
  const nas: NodeState = {
    routeAll: true,
    routes: ['192.168.1.0/24', vip],
    lo1: true,
    nm: true,
    gate: true,
  };
  const nuc: NodeState = {routeAll: true, routes: [], lo1: false, nm: false, gate: false};
  const gateFiles = {
    '/etc/systemd/system/ha-wizard-health-gate.service': 'unit',
    '/usr/local/lib/ha-wizard/health-gate': 'script',
    '/etc/ha-wizard/health-gate.env': 'env',
  };
  const hosts = new Map([
    ['nas', host('nas', nas, {...gateFiles, [config]: 'new', [backup]: 'original'})],
    ['nuc', host('nuc', nuc, {[config]: 'created by ha-wizard'})],
  ]);
  return {hosts, nas, nuc};
};

describe('reset phases', () => {
  it('with the record: everything back to its previous value, other routes kept; a second reset changes nothing', async () => {
    const {hosts, nas, nuc} = built();
    const changes: RecordedChange[] = [
      {
        host: 'nas',
        phase: 'containerd',
        change: {kind: 'file', path: config, previous: 'present', backupPath: backup},
      },
      {host: 'nuc', phase: 'containerd', change: {kind: 'file', path: config, previous: 'absent'}},
      {host: 'nuc', phase: 'tailscale-flags', change: {kind: 'accept-routes', previous: false}},
      {host: 'nas', phase: 'vip', change: {kind: 'nm-connection', name: 'lo1'}},
      ...[
        '/etc/systemd/system/ha-wizard-health-gate.service',
        '/usr/local/lib/ha-wizard/health-gate',
        '/etc/ha-wizard/health-gate.env',
      ].map((path): RecordedChange => ({
        host: 'nas',
        phase: 'health-gate',
        change: {kind: 'file', path, previous: 'absent'},
      })),
    ];
    const {outcome} = await reset(hosts, changes);
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ok: true, changed: true});
    // nas: accept-routes was already on before (no record says otherwise): left on.
    expect(nas).toEqual({
      routeAll: true,
      routes: ['192.168.1.0/24'],
      lo1: false,
      nm: false,
      gate: false,
    });
    expect(nuc.routeAll).toBe(false);
    expect([...hosts.get('nas')!.files]).toEqual([[config, 'original']]);
    expect([...hosts.get('nuc')!.files]).toEqual([]);
    expect(hosts.get('nas')!.lines()).toContain(
      'sudo systemctl disable --now ha-wizard-health-gate.service',
    );
    for (const h of hosts.values()) expect(h.unmatched).toEqual([]);

    const again = await reset(hosts, changes);
    expect(again.outcome).toMatchObject({ok: true, changed: false});
  });

  it('without a record: undoes what is its own, leaves accept-routes and an unknown config, and says so', async () => {
    const {hosts, nas, nuc} = built();
    const {outcome, events} = await reset(hosts, undefined);
    expect(outcome).toMatchObject({ok: true, changed: true});
    expect(nas).toMatchObject({routes: ['192.168.1.0/24'], lo1: false, nm: false, gate: false});
    // The oldest backup is taken for the original; nuc's config may be the user's: kept.
    expect(hosts.get('nas')!.files.get(config)).toBe('original');
    expect(hosts.get('nuc')!.files.get(config)).toBe('created by ha-wizard');
    expect(nuc.routeAll).toBe(true);
    const warnings = events.flatMap((event) =>
      event.type === 'notice' && event.level === 'warning'
        ? [`${event.host}: ${event.message}`]
        : [],
    );
    expect(warnings).toEqual(
      expect.arrayContaining([
        'nuc: accept-routes left on: no record of whether ha-wizard turned it on (sudo tailscale set --accept-routes=false turns it off)',
        `nuc: ${config} left as it is: no record of whether ha-wizard created it`,
      ]),
    );
  });
});
