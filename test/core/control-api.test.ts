// The control servers' API shapes and the approval command the wizard shows
// (issue 9, conformance review B8): every approval keeps the device's others.
import {spawnSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {
  approvalOf,
  findHeadscaleNode,
  headscaleApproveCommand,
  parseHeadscaleNodes,
  parseTailscaleRoutes,
  withApproved,
} from '../../source/core/tailnet/control-api.js';

describe('control server APIs', () => {
  it("reads Headscale's GET /api/v1/node (ids as strings, camelCase, lists possibly absent)", () => {
    const nodes = parseHeadscaleNodes({
      nodes: [
        {
          id: '2',
          name: 'cp1',
          givenName: 'cp1',
          ipAddresses: ['100.64.10.2'],
          approvedRoutes: ['10.200.0.1/32'],
          availableRoutes: ['10.200.0.1/32'],
        },
        {id: 3, givenName: 'CP2', ipAddresses: ['100.64.10.3']},
      ],
    });
    expect(nodes).toEqual([
      {
        id: '2',
        names: ['cp1', 'cp1'],
        addresses: ['100.64.10.2'],
        advertised: ['10.200.0.1/32'],
        approved: ['10.200.0.1/32'],
      },
      {id: '3', names: ['CP2'], addresses: ['100.64.10.3'], advertised: [], approved: []},
    ]);
    expect(findHeadscaleNode(nodes ?? [], {ip: '100.64.10.3', name: 'x'})?.id).toBe('3');
    expect(findHeadscaleNode(nodes ?? [], {ip: '', name: 'cp2'})?.id).toBe('3');
    expect(parseHeadscaleNodes({nodes: [{name: 'no id'}]})).toBeUndefined();
  });

  it("reads Tailscale's device routes and adds to the approved set without dropping any", () => {
    const routes = parseTailscaleRoutes({
      advertisedRoutes: ['10.200.0.1/32', '192.168.1.0/24'],
      enabledRoutes: ['192.168.1.0/24'],
    });
    expect(routes).toEqual({
      advertised: ['10.200.0.1/32', '192.168.1.0/24'],
      approved: ['192.168.1.0/24'],
    });
    expect(approvalOf(routes!, '10.200.0.1/32')).toBe('not-approved');
    expect(approvalOf(routes!, '10.9.9.9/32')).toBe('not-advertised');
    expect(withApproved(routes!.approved, '10.200.0.1/32')).toEqual([
      '10.200.0.1/32',
      '192.168.1.0/24',
    ]);
    expect(withApproved(['10.200.0.1/32'], '10.200.0.1/32')).toEqual(['10.200.0.1/32']);
    expect(parseTailscaleRoutes({advertisedRoutes: 'nope'})).toBeUndefined();
  });

  it("the headscale command keeps the node's approved routes (its jq filter run on real `nodes list -o json` output)", () => {
    const command = headscaleApproveCommand({id: '4'}, '10.200.0.1/32');
    expect(command).toMatch(
      /^headscale nodes approve-routes --identifier 4 --routes "\$\(headscale nodes list -o json \| jq -r '/,
    );
    const filter = /jq -r '(.*)'\)"$/.exec(command)?.[1] ?? '';
    // The shape `headscale nodes list -o json` prints (0.29: snake_case, numeric ids).
    const listed = JSON.stringify([
      {id: 3, given_name: 'cp1', approved_routes: ['10.200.0.1/32']},
      {id: 4, given_name: 'cp2', approved_routes: ['192.168.77.0/24', '0.0.0.0/0', '::/0']},
    ]);
    const jq = spawnSync('jq', ['-r', filter], {input: listed, encoding: 'utf8'});
    if (jq.error) {
      console.warn('jq is not installed here: the filter is checked by its text only');
      return;
    }
    expect(jq.stdout.trim()).toBe('0.0.0.0/0,10.200.0.1/32,192.168.77.0/24,::/0');
  });
});

describe('doctor: route-approved-each', () => {
  it('passes, fails with the keeping command, or cannot tell, per control plane; absent without an API', async () => {
    const {standbyApproved} = await import('../../source/core/doctor/standby-approved.js');
    const base = {vip: '10.200.0.1', hosts: []};
    expect(standbyApproved.run(base)).toEqual([]);
    const results = standbyApproved.run({
      ...base,
      approvals: {
        source: 'Headscale at http://hs:8080',
        hosts: [
          {host: 'cp1', id: '2', advertised: ['10.200.0.1/32'], approved: ['10.200.0.1/32']},
          {host: 'cp2', id: '3', advertised: ['10.200.0.1/32'], approved: []},
          {host: 'cp3', id: '4', error: 'Headscale at http://hs:8080 did not answer'},
        ],
      },
    });
    expect(results.map((r) => [r.host, r.status])).toEqual([
      ['cp1', 'pass'],
      ['cp2', 'fail'],
      ['cp3', 'unknown'],
    ]);
    expect(results[1]?.fix?.commands[0]).toContain('approve-routes --identifier 3 --routes');
    expect(results[1]?.explanation).toMatch(/failover has nowhere to go/);
  });
});
