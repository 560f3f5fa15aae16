// The pure parts of `ha-wizard drill`: who holds the Tailscale VIP in a
// status, the Ready control planes in a node list, the verdict, its exit code,
// its JSON and its table, and the remote commands' shapes.
import {execFileSync} from 'node:child_process';
import {parseDrillJson} from '../engine/drill-json.js';
import {describe, expect, it} from 'vitest';
import {
  detachedArgv,
  heldManifest,
  manifestGuardArgv,
  moveManifestOutArgv,
  restoreManifestArgv,
  restoreUnitArgv,
  stopUnitForArgv,
  unitStopMarker,
} from '../../source/core/drill/commands.js';
import {holdingText, vipHolder} from '../../source/core/drill/holder.js';
import {lanHolding} from '../../source/core/drill/lan-holder.js';
import {readyNodeNames} from '../../source/core/drill/ready-nodes.js';
import {drillExitCode, drillJson, drillResult, drillTable} from '../../source/core/drill/result.js';
import {controlPlanes} from '../../source/core/plan/build.js';
import type {PlanNode} from '../../source/core/plan/types.js';
import {quoteCommand} from '../../source/core/remote/quote.js';
import {plainStyle} from '../../source/core/style.js';
import type {Tailnet} from '../../source/core/tailnet/types.js';
import {demoPlan} from '../support/demo-plan.js';

const now = new Date('2026-11-24T00:00:00Z');
const plan = demoPlan(now);
const cps = controlPlanes(plan);
const vip = '10.200.0.1';

/** The demo tailnet with `routes` as each named device's PrimaryRoutes. */
const routed = (routes: Record<string, string[]>): Tailnet => {
  return {
    source: 'test',
    backendState: 'Running',
    version: '1.98.10',
    magicDnsSuffix: 'tail.test',
    peers: plan.nodes.map((node) => ({
      id: node.id,
      hostName: node.name.toUpperCase(),
      dnsName: node.dnsName,
      os: 'linux',
      ipv4: node.ip,
      ipv6: undefined,
      online: true,
      isSelf: false,
      tags: [],
      primaryRoutes: routes[node.name] ?? [],
      advertisedRoutes: routes[node.name] ?? [],
      keyExpiry: undefined,
      keyExpired: false,
      relay: '',
      direct: true,
      exitNodeOption: false,
      lanAddresses: [],
    })),
  };
};

describe('vipHolder', () => {
  it('is the control plane whose PrimaryRoutes hold VIP/32 (whatever the case of its host name)', () => {
    const holding = vipHolder(routed({'rpi4-b': [`${vip}/32`]}), vip, cps);
    expect(holding.kind === 'node' && holding.node.name).toBe('rpi4-b');
  });

  it('finds the node by its tailnet ID even when the device renamed itself', () => {
    const tailnet = routed({opi5: [`${vip}/32`]});
    const renamed: Tailnet = {
      ...tailnet,
      peers: tailnet.peers.map((peer) =>
        peer.primaryRoutes.length > 0 ? {...peer, hostName: 'new-name'} : peer,
      ),
    };
    const holding = vipHolder(renamed, vip, cps);
    expect(holding.kind === 'node' && holding.node.name).toBe('opi5');
  });

  it('is none without a primary, and a stranger when a device outside the control planes routes it', () => {
    expect(vipHolder(routed({}), vip, cps)).toEqual({kind: 'none'});
    expect(vipHolder(routed({'rpi4-a': ['10.200.0.2/32']}), vip, cps)).toEqual({kind: 'none'});
    expect(vipHolder(routed({nuc: [`${vip}/32`]}), vip, cps)).toEqual({
      kind: 'stranger',
      name: 'nuc',
    });
  });
});

describe("lanHolding (a LAN VIP on the control planes' own interfaces)", () => {
  const lanVip = '10.77.0.25';
  /** `ip -j -4 addr show` of a node on lan0 with `extra` as secondary addresses there. */
  const addrs = (own: string, ...extra: string[]) =>
    JSON.stringify([
      {ifname: 'lo', addr_info: [{family: 'inet', local: '127.0.0.1', prefixlen: 8}]},
      {
        ifname: 'lan0',
        addr_info: [
          {family: 'inet', local: own, prefixlen: 24},
          ...extra.map((local) => ({family: 'inet', local, prefixlen: 24, secondary: true})),
        ],
      },
    ]);
  const [a, b, c] = cps as [PlanNode, PlanNode, PlanNode];

  it('is the one control plane with the VIP among its addresses (10.77.0.250 is not 10.77.0.25)', () => {
    const holding = lanHolding(lanVip, [
      {node: a, stdout: addrs('10.77.0.11', '10.77.0.250')},
      {node: b, stdout: addrs('10.77.0.12', lanVip)},
      {node: c, stdout: addrs('10.77.0.13')},
    ]);
    expect(holding).toEqual({kind: 'node', node: b});
    expect(holdingText(holding)).toBe(b.name);
  });

  it('is none when no control plane has it (or ip printed nothing readable), and split brain when two do', () => {
    expect(
      lanHolding(lanVip, [
        {node: a, stdout: addrs('10.77.0.11')},
        {node: b, stdout: 'Error: ip: not JSON'},
      ]),
    ).toEqual({kind: 'none'});
    const split = lanHolding(lanVip, [
      {node: a, stdout: addrs('10.77.0.11', lanVip)},
      {node: b, stdout: addrs('10.77.0.12')},
      {node: c, stdout: addrs('10.77.0.13', lanVip)},
    ]);
    expect(split).toEqual({kind: 'split', nodes: [a, c]});
    expect(holdingText(split)).toBe(`${a.name} and ${c.name} at once (split brain)`);
  });
});

describe('readyNodeNames', () => {
  const node = (name: string, ready: string) => ({
    metadata: {name},
    status: {
      conditions: [
        {type: 'MemoryPressure', status: 'False'},
        {type: 'Ready', status: ready},
      ],
    },
  });

  it('keeps the nodes whose Ready condition is True', () => {
    const json = JSON.stringify({
      items: [
        node('cp1', 'True'),
        node('cp2', 'False'),
        node('cp3', 'Unknown'),
        {metadata: {name: 'w1'}},
      ],
    });
    expect([...readyNodeNames(json)]).toEqual(['cp1']);
  });

  it('throws on text that is no node list', () => {
    expect(() => readyNodeNames('{"kind":"Status"}')).toThrow(/no node list/);
    expect(() => readyNodeNames('null')).toThrow(/no node list/);
    expect(() => readyNodeNames('Error from server')).toThrow(SyntaxError);
  });
});

describe('the verdict, its exit code and its JSON', () => {
  const measured = {
    endpoint: '10.200.0.1:6443',
    holderBefore: 'cp1',
    holderAfter: 'cp2',
    downSeconds: 4.256,
    restoredSeconds: 7.1,
    maxSeconds: 30,
  };

  it('ok and exit 0 when the endpoint came back within max-seconds', () => {
    const result = drillResult(measured);
    expect(result.ok).toBe(true);
    expect(drillExitCode(result)).toBe(0);
    expect(result.downSeconds).toBe(4.26);
  });

  it('exit 2 when it came back too late or not at all', () => {
    expect(drillExitCode(drillResult({...measured, downSeconds: 30.5}))).toBe(2);
    const never = drillResult({...measured, downSeconds: null, holderAfter: null});
    expect(never.ok).toBe(false);
    expect(drillExitCode(never)).toBe(2);
  });

  it('is exactly one object with the contract keys, in order', () => {
    const json = drillJson(drillResult(measured));
    expect(json).not.toContain('\n');
    const parsed = parseDrillJson(json);
    expect(parsed).toEqual({
      ok: true,
      endpoint: '10.200.0.1:6443',
      holderBefore: 'cp1',
      holderAfter: 'cp2',
      downSeconds: 4.26,
      restoredSeconds: 7.1,
    });
    expect(
      JSON.parse(
        drillJson(
          drillResult({...measured, downSeconds: null, holderAfter: null, restoredSeconds: null}),
        ),
      ),
    ).toMatchObject({
      ok: false,
      holderAfter: null,
      downSeconds: null,
      restoredSeconds: null,
    });
  });

  it('prints a small table and the verdict', () => {
    const lines = drillTable(
      drillResult(measured),
      {mode: 'apiserver', maxSeconds: 30},
      plainStyle,
    );
    expect(lines).toEqual([
      '  Endpoint       10.200.0.1:6443',
      "  Drill          the holder's apiserver stopped",
      '  Holder before  cp1',
      '  Holder after   cp2',
      '  Down for       4.3 s',
      '  Restored in    7.1 s',
      '✓ The endpoint came back within 30 s (in 4.3 s).',
    ]);
    const late = drillTable(
      drillResult({...measured, downSeconds: null, holderAfter: null}),
      {mode: 'node-down', maxSeconds: 30},
      plainStyle,
    );
    expect(late).toContain('  Down for       more than 30 s');
    expect(late.at(-1)).toBe('✗ The endpoint did not come back within 30 s.');
  });
});

describe('the remote commands', () => {
  it('move the manifest out of the manifests directory and back, by positional parameters only', () => {
    const held = heldManifest('kube-apiserver', 'abcd1234');
    expect(held).toBe('/etc/kubernetes/kube-apiserver.yaml.ha-wizard-drill-abcd1234');
    expect(heldManifest('kube-vip', 'abcd1234')).toBe(
      '/etc/kubernetes/kube-vip.yaml.ha-wizard-drill-abcd1234',
    );
    expect(moveManifestOutArgv('kube-apiserver', held)).toEqual([
      'mv',
      '--',
      '/etc/kubernetes/manifests/kube-apiserver.yaml',
      held,
    ]);
    const restore = restoreManifestArgv('kube-apiserver', held);
    expect(restore.slice(0, 2)).toEqual(['sh', '-c']);
    expect(restore.slice(3)).toEqual([
      'ha-wizard-drill',
      held,
      '/etc/kubernetes/manifests/kube-apiserver.yaml',
    ]);
    // The scripts are constants: no value is pasted into them.
    for (const argv of [
      restore,
      manifestGuardArgv('kube-apiserver', held, 90),
      stopUnitForArgv('tailscaled.service', 35, unitStopMarker('abcd1234')),
      restoreUnitArgv('keepalived.service', unitStopMarker('abcd1234')),
    ])
      expect(argv.slice(0, 4).join(' ')).not.toMatch(/abcd1234|tailscaled|keepalived|35|90/);
    expect(stopUnitForArgv('tailscaled.service', 35, unitStopMarker('abcd1234')).slice(-4)).toEqual(
      ['tailscaled.service', '35', '1', '/run/ha-wizard-drill-abcd1234'],
    );
  });

  it('detach a script from the SSH channel: the command returns at once, the script runs on with its arguments', () => {
    const dir = execFileSync('mktemp', ['-d'], {encoding: 'utf8'}).trim();
    const out = `${dir}/out`;
    const started = Date.now();
    // Through a real /bin/sh, quoted as the Host quotes it; an argument with a quote and a space.
    execFileSync(
      'sh',
      ['-c', quoteCommand(detachedArgv('sleep 0.3; printf %s "$1" > "$2"', ["it's a b", out]))],
      {
        stdio: 'ignore',
      },
    );
    expect(Date.now() - started).toBeLessThan(250);
    execFileSync('sh', [
      '-c',
      'i=0; while [ ! -s "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
      'wait',
      out,
    ]);
    expect(execFileSync('cat', [out], {encoding: 'utf8'})).toBe("it's a b");
    execFileSync('rm', ['-rf', dir]);
  });
});
