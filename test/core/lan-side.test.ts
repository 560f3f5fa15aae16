// A control plane's side of a LAN endpoint's VIP, from `ip -j -4` output as
// iproute2 prints it (captured with `ip -j -4 addr show` in a namespace with a
// primary and a secondary address, as keepalived leaves the VIP).
import {describe, expect, it} from 'vitest';
import {
  answeringNeighbour,
  lanSideOf,
  parseAddresses,
  parseRouteGet,
  sharedSubnetProblem,
  vipHolders,
} from '../../source/core/net/lan-side.js';

const vip = '10.98.0.250';
const addrJson = (extra = '') =>
  `[{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo"}]},{"ifindex":3,"ifname":"lan0","addr_info":[{"family":"inet","local":"10.98.0.11","prefixlen":24,"scope":"global","label":"lan0"}${extra}]},{"ifindex":4,"ifname":"tailscale0","addr_info":[{"family":"inet","local":"100.64.10.2","prefixlen":32,"scope":"global"}]}]`;
const held = `,{"family":"inet","local":"${vip}","prefixlen":24,"scope":"global","secondary":true,"label":"lan0"}`;
const connected = parseRouteGet(
  `[{"dst":"${vip}","dev":"lan0","prefsrc":"10.98.0.11","flags":[],"uid":0,"cache":[]}]`,
);

describe('lanSideOf', () => {
  it('takes the interface of the connected route and the node address in its subnet', () => {
    expect(lanSideOf('cp1', vip, parseAddresses(addrJson()), connected)).toEqual({
      interface: 'lan0',
      address: '10.98.0.11',
      prefix: 24,
      subnet: '10.98.0.0/24',
      holdsVip: false,
    });
  });

  it("finds keepalived's secondary VIP on a re-run, whatever the route says (local)", () => {
    const local = parseRouteGet(
      `[{"type":"local","dst":"${vip}","dev":"lo","table":"local","prefsrc":"${vip}"}]`,
    );
    expect(lanSideOf('cp1', vip, parseAddresses(addrJson(held)), local)).toMatchObject({
      interface: 'lan0',
      address: '10.98.0.11',
      holdsVip: true,
    });
  });

  it("finds kube-vip's deprecated /32 VIP on a re-run, not taking it for the node's own address", () => {
    // `ip addr add VIP/32 dev lan0 valid_lft forever preferred_lft 0`, as kube-vip adds it.
    const kubeVip = `,{"family":"inet","local":"${vip}","prefixlen":32,"scope":"global","deprecated":true,"label":"lan0","valid_life_time":4294967295,"preferred_life_time":4294967295}`;
    const local = parseRouteGet(
      `[{"type":"local","dst":"${vip}","dev":"lo","prefsrc":"${vip}","flags":[],"uid":0,"cache":["local"]}]`,
    );
    expect(lanSideOf('cp1', vip, parseAddresses(addrJson(kubeVip)), local)).toEqual({
      interface: 'lan0',
      address: '10.98.0.11',
      prefix: 24,
      subnet: '10.98.0.0/24',
      holdsVip: true,
    });
  });

  it('refuses, in one sentence naming node and interface, a VIP behind a gateway, a node address, no route', () => {
    const viaGateway = parseRouteGet(`[{"dst":"${vip}","gateway":"192.168.1.1","dev":"eth0"}]`);
    expect(lanSideOf('cp2', vip, parseAddresses(addrJson()), viaGateway)).toBe(
      `cp2 reaches the VIP ${vip} through the gateway 192.168.1.1 on eth0, so ${vip} is not in cp2's LAN subnet; choose a VIP in the subnet of cp2's LAN interface, or put cp2 on the VIP's LAN.`,
    );
    expect(lanSideOf('cp1', '10.98.0.11', parseAddresses(addrJson()), connected)).toMatch(
      /^The VIP 10\.98\.0\.11 is cp1's own address on lan0; choose a free address/,
    );
    expect(lanSideOf('cp3', vip, parseAddresses(addrJson()), undefined)).toMatch(
      /^cp3 has no route to the VIP/,
    );
  });
});

describe('across the control planes', () => {
  const side = (subnet: string, iface = 'lan0') => ({
    interface: iface,
    address: '10.98.0.11',
    prefix: 24,
    subnet,
    holdsVip: false,
  });
  it('names every control plane off the first one’s subnet', () => {
    expect(
      sharedSubnetProblem(vip, [
        {node: 'cp1', side: side('10.98.0.0/24')},
        {node: 'cp2', side: side('10.98.0.0/24')},
        {node: 'cp3', side: side('10.97.0.0/24', 'eth1')},
      ]),
    ).toMatch(
      /^The control planes are not on one LAN subnet: cp1 has 10\.98\.0\.0\/24 on lan0, cp3 has 10\.97\.0\.0\/24 on eth1;/,
    );
    expect(sharedSubnetProblem(vip, [{node: 'cp1', side: side('10.98.0.0/24')}])).toBeUndefined();
  });

  it('tells who holds the VIP', () => {
    expect(
      vipHolders(vip, [
        {node: 'cp1', addresses: parseAddresses(addrJson())},
        {node: 'cp2', addresses: parseAddresses(addrJson(held))},
      ]),
    ).toEqual(['cp2']);
  });
});

describe('answeringNeighbour (the ARP probe)', () => {
  it('is the link-layer address of a reachable entry, nothing for an unanswered one', () => {
    expect(
      answeringNeighbour(
        `[{"dst":"${vip}","dev":"lan0","lladdr":"aa:bb:cc:dd:ee:ff","state":["REACHABLE"]}]`,
      ),
    ).toBe('aa:bb:cc:dd:ee:ff');
    expect(
      answeringNeighbour(`[{"dst":"${vip}","dev":"lan0","state":["FAILED"]}]`),
    ).toBeUndefined();
    expect(
      answeringNeighbour(`[{"dst":"${vip}","dev":"lan0","state":["INCOMPLETE"]}]`),
    ).toBeUndefined();
    expect(answeringNeighbour('[]')).toBeUndefined();
  });
});
