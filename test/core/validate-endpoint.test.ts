// The endpoint's rules (issue 11): the LAN endpoints need every control plane
// on the VIP's subnet, and the Tailscale VIP's own rules do not apply to them;
// the cluster's ranges and the odd control-plane count hold for all three.
import {describe, expect, it} from 'vitest';
import {buildPlan, type PlanChoices} from '../../source/core/plan/build.js';
import {defaults} from '../../source/core/plan/defaults.js';
import type {EndpointKind} from '../../source/core/plan/endpoint.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import type {Peer, Tailnet} from '../../source/core/tailnet/types.js';
import {validatePlan} from '../../source/core/validate/index.js';

const now = new Date('2026-11-24T00:00:00Z');
const demo = demoTailnet(now);
const cps = ['rpi4-a', 'rpi4-b', 'opi5'];

/** The demo tailnet with LAN addresses (and routes) as a status could show them. */
const tailnetWith = (patch: Readonly<Record<string, Partial<Peer>>>): Tailnet => ({
  ...demo,
  peers: demo.peers.map((peer) => ({...peer, ...patch[peer.hostName]})),
});

const onLan: Readonly<Record<string, Partial<Peer>>> = {
  'rpi4-a': {lanAddresses: ['192.168.1.11']},
  'rpi4-b': {lanAddresses: ['192.168.1.12']},
  opi5: {lanAddresses: ['192.168.1.13']},
};

const findings = (
  endpoint: EndpointKind,
  vip: string,
  tailnet: Tailnet = tailnetWith(onLan),
  choices: Partial<PlanChoices> = {},
  network: Partial<PlanChoices['network']> = {},
) => {
  const id = (host: string) => tailnet.peers.find((peer) => peer.hostName === host)!.id;
  const plan = buildPlan(tailnet, {
    controlPlanes: cps.map(id),
    workers: [id('nuc')],
    network: {
      endpoint,
      vip,
      podCidr: defaults.podCidr,
      serviceCidr: defaults.serviceCidr,
      ...network,
    },
    kubernetesVersion: defaults.kubernetesVersion,
    clusterName: defaults.clusterName,
    access: {user: 'root', auth: {kind: 'agent'}},
    ...choices,
  });
  return validatePlan(plan, {now});
};
const codes = (list: ReturnType<typeof findings>) =>
  list.map((finding) => `${finding.severity}:${finding.code}`);

describe.each(['keepalived-haproxy', 'kube-vip'] as const)('the %s endpoint', (endpoint) => {
  it('passes a free VIP in the subnet every control plane is on', () => {
    expect(findings(endpoint, '192.168.1.250')).toEqual([]);
  });

  it('refuses a VIP that is a control plane’s LAN address', () => {
    const list = findings(endpoint, '192.168.1.12');
    expect(codes(list)).toEqual(['error:vip-is-node-address']);
    expect(list[0]?.message).toBe(
      "VIP 192.168.1.12 is rpi4-b's own address; the VIP must be an unused address such as a free one in the control planes' LAN subnet.",
    );
    expect(list[0]?.field).toBe('vip');
  });

  it('refuses a VIP that is a node’s Tailscale address, as before', () => {
    expect(codes(findings(endpoint, '100.101.7.14'))).toContain('error:vip-is-node-address');
  });

  it('warns when the control planes the status shows are outside the VIP’s /16', () => {
    const list = findings(
      endpoint,
      '192.168.1.250',
      tailnetWith({
        'rpi4-a': {lanAddresses: ['10.0.0.11']},
        'rpi4-b': {lanAddresses: ['10.0.0.12']},
        opi5: {lanAddresses: ['10.0.0.13']},
      }),
    );
    expect(codes(list)).toEqual(['warning:lan-vip-off-subnet']);
    expect(list[0]?.message).toBe(
      "VIP 192.168.1.250 does not look like it is on the control planes' LAN: the status shows rpi4-a at 10.0.0.11; rpi4-b at 10.0.0.12; opi5 at 10.0.0.13, none of it in 192.168.0.0/16; choose a free address in the subnet all control planes share, or the Tailscale VIP if they are in different places.",
    );
  });

  it('warns, less sure, when the control planes are in the VIP’s /16 but not its /24', () => {
    const list = findings(
      endpoint,
      '192.168.1.250',
      tailnetWith({
        'rpi4-a': {lanAddresses: ['192.168.0.11']},
        'rpi4-b': {lanAddresses: ['192.168.0.12', '172.17.0.1']},
        opi5: {lanAddresses: []},
      }),
    );
    expect(codes(list)).toEqual(['warning:lan-vip-off-subnet', 'warning:lan-subnet-unverified']);
    expect(list[0]?.message).toBe(
      'The status shows rpi4-a at 192.168.0.11; rpi4-b at 192.168.0.12, 172.17.0.1, outside 192.168.1.0/24, so unless the LAN is larger than a /24, VIP 192.168.1.250 is not on it; preflight checks the real subnet.',
    );
  });

  // The lab's walk (test/lab/README.md): the workstation reached cp1 over the underlay and cp2, cp3
  // over the LAN, so the status showed cp1 only at its other network's address.
  it('says either/or when some control planes are seen on the VIP’s /24 and others elsewhere', () => {
    const list = findings(
      endpoint,
      '192.168.1.250',
      tailnetWith({...onLan, opi5: {lanAddresses: ['10.0.0.13']}}),
    );
    expect(codes(list)).toEqual(['warning:lan-vip-off-subnet']);
    expect(list[0]?.message).toBe(
      'The status shows opi5 at 10.0.0.13, outside 192.168.1.0/24 where rpi4-a, rpi4-b are: either on another network, which a LAN endpoint cannot serve (choose the Tailscale VIP then), or reached by this machine over a second network of theirs; preflight checks the real subnet over SSH.',
    );
  });

  it('says preflight will check the control planes whose LAN address the status does not show', () => {
    const unseen = tailnetWith(Object.fromEntries(cps.map((host) => [host, {lanAddresses: []}])));
    const list = findings(endpoint, '192.168.1.250', unseen);
    expect(codes(list)).toEqual(['warning:lan-subnet-unverified']);
    expect(list[0]?.message).toBe(
      "The status shows no LAN address for rpi4-a, rpi4-b, opi5, so the plan cannot tell whether every control plane shares VIP 192.168.1.250's subnet; preflight checks it on each host over SSH.",
    );
  });

  it('leaves out the Tailscale VIP’s rules: a public VIP, one inside an advertised route', () => {
    const routed = tailnetWith({...onLan, nuc: {advertisedRoutes: ['192.168.1.0/24']}});
    expect(codes(findings(endpoint, '192.168.1.250', routed))).toEqual([]);
    const lanOf = (prefix: string) => ({
      'rpi4-a': {lanAddresses: [`${prefix}.11`]},
      'rpi4-b': {lanAddresses: [`${prefix}.12`]},
      opi5: {lanAddresses: [`${prefix}.13`]},
    });
    expect(codes(findings(endpoint, '203.0.113.250', tailnetWith(lanOf('203.0.113'))))).toEqual([]);
  });

  it('still holds the VIP against the pod and service CIDRs, and asks to move the range', () => {
    const list = findings(
      endpoint,
      '192.168.1.250',
      tailnetWith(onLan),
      {},
      {
        podCidr: '192.168.0.0/16',
      },
    );
    const aboutVip = list.filter((finding) => finding.message.includes('VIP 192.168.1.250'));
    expect(codes(aboutVip)).toEqual(['error:cidr-overlap']);
    expect(aboutVip[0]?.message).toBe(
      'The VIP 192.168.1.250 lies inside pod CIDR 192.168.0.0/16; choose another such as 10.244.0.0/16.',
    );
    expect(aboutVip[0]?.field).toBe('podCidr');
  });

  it('still refuses an even number of control planes', () => {
    const tailnet = tailnetWith(onLan);
    const id = (host: string) => tailnet.peers.find((peer) => peer.hostName === host)!.id;
    const list = findings(endpoint, '192.168.1.250', tailnet, {
      controlPlanes: ['rpi4-a', 'rpi4-b'].map(id),
    });
    expect(codes(list)).toEqual(['error:even-control-planes']);
  });
});

describe('the Tailscale VIP keeps its own rules', () => {
  it('refuses a public VIP and one inside a route another device advertises', () => {
    expect(codes(findings('tailscale-vip', '203.0.113.250'))).toContain('error:vip-not-private');
    const routed = tailnetWith({...onLan, nuc: {advertisedRoutes: ['192.168.1.0/24']}});
    expect(codes(findings('tailscale-vip', '192.168.1.250', routed))).toContain(
      'error:cidr-overlap',
    );
  });

  it('has no LAN findings, whatever LAN the status shows', () => {
    expect(findings('tailscale-vip', defaults.vip, demo)).toEqual([]);
    expect(findings('tailscale-vip', defaults.vip)).toEqual([]);
  });
});

describe('LAN findings stay short', () => {
  it('name every control plane off the subnet in one finding', () => {
    const list = findings('kube-vip', '10.9.9.9');
    expect(list).toHaveLength(1);
    expect(list[0]?.message).toContain(
      'the status shows rpi4-a at 192.168.1.11; rpi4-b at 192.168.1.12; opi5 at 192.168.1.13, none of it in 10.9.0.0/16',
    );
  });
});
