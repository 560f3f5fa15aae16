import {defaultEndpoint} from '../../source/core/plan/endpoint.js';
import {describe, expect, it} from 'vitest';
import {buildPlan, type PlanChoices} from '../../source/core/plan/build.js';
import {defaults} from '../../source/core/plan/defaults.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import type {Tailnet} from '../../source/core/tailnet/types.js';
import {validatePlan} from '../../source/core/validate/index.js';

const now = new Date('2026-11-24T00:00:00Z');
const demo = demoTailnet(now);
const id = (host: string) => {
  const peer = demo.peers.find((candidate) => candidate.hostName === host);
  if (!peer) throw new Error(`no ${host} in the test tailnet`);
  return peer.id;
};

const choose = (overrides: Partial<PlanChoices> = {}, tailnet: Tailnet = demo) =>
  buildPlan(tailnet, {
    controlPlanes: ['rpi4-a', 'rpi4-b', 'opi5'].map((host) => id(host)),
    workers: ['nuc'].map((host) => id(host)),
    network: {
      endpoint: defaultEndpoint,
      vip: defaults.vip,
      podCidr: defaults.podCidr,
      serviceCidr: defaults.serviceCidr,
    },
    kubernetesVersion: defaults.kubernetesVersion,
    clusterName: defaults.clusterName,
    access: {user: 'root', auth: {kind: 'agent'}},
    ...overrides,
  });

const findings = (overrides: Partial<PlanChoices> = {}) => validatePlan(choose(overrides), {now});
const network = (patch: Partial<PlanChoices['network']>) =>
  findings({
    network: {
      endpoint: defaultEndpoint,
      vip: defaults.vip,
      podCidr: defaults.podCidr,
      serviceCidr: defaults.serviceCidr,
      ...patch,
    },
  });
const codes = (list: ReturnType<typeof findings>) =>
  list.map((finding) => `${finding.severity}:${finding.code}`);

describe('validatePlan', () => {
  it('finds nothing wrong with the default plan of three tagged control planes', () => {
    expect(findings()).toEqual([]);
  });

  it.each([
    [
      {vip: '10.200.0.300'},
      'vip-malformed',
      'VIP "10.200.0.300" is not an IPv4 address; use an address such as 10.200.0.1.',
    ],
    [{vip: ''}, 'vip-malformed', 'VIP "" is empty; use an address such as 10.200.0.1.'],
    [
      {podCidr: '10.244.0.0'},
      'pod-cidr-malformed',
      'Pod CIDR "10.244.0.0" is not an IPv4 CIDR such as 10.244.0.0/16; the default is 10.244.0.0/16.',
    ],
    [
      {podCidr: '10.244.1.0/16'},
      'pod-cidr-malformed',
      'Pod CIDR "10.244.1.0/16" has host bits set (did you mean 10.244.0.0/16?); the default is 10.244.0.0/16.',
    ],
    [
      {serviceCidr: '10.96.0.0/33'},
      'service-cidr-malformed',
      'Service CIDR "10.96.0.0/33" has a prefix length outside 0-32; the default is 10.96.0.0/12.',
    ],
  ])('reports malformed input %o with the exact text', (patch, code, message) => {
    expect(network(patch)).toContainEqual(
      expect.objectContaining({code, severity: 'error', message}),
    );
  });

  it.each([
    [
      {podCidr: '10.96.0.0/16'},
      'The pod CIDR 10.96.0.0/16 overlaps service CIDR 10.96.0.0/12; choose another such as 10.43.0.0/16.',
      'serviceCidr',
    ],
    [
      {vip: '10.244.0.1'},
      'The VIP 10.244.0.1 lies inside pod CIDR 10.244.0.0/16; choose another VIP such as 10.200.0.1.',
      'vip',
    ],
    [
      {vip: '10.100.0.1'},
      'The VIP 10.100.0.1 lies inside service CIDR 10.96.0.0/12; choose another VIP such as 10.200.0.1.',
      'vip',
    ],
    [
      {podCidr: '100.64.0.0/16'},
      "The pod CIDR 100.64.0.0/16 overlaps the tailnet's range 100.64.0.0/10; choose another such as 10.244.0.0/16.",
      'podCidr',
    ],
    [
      {podCidr: '192.168.0.0/16'},
      'The pod CIDR 192.168.0.0/16 overlaps the route 192.168.1.0/24 that nas already advertises; choose another such as 10.244.0.0/16.',
      'podCidr',
    ],
  ])('reports overlaps %o naming both ranges and a free alternative', (patch, message, field) => {
    const list = network(patch);
    expect(list).toContainEqual({code: 'cidr-overlap', severity: 'error', message, field});
  });

  it('treats overlap as symmetric whichever range is typed first', () => {
    const a = network({podCidr: '10.96.0.0/16', serviceCidr: '10.96.0.0/12'}).map((f) => f.code);
    const b = network({podCidr: '10.96.0.0/12', serviceCidr: '10.96.0.0/16'}).map((f) => f.code);
    expect(a).toContain('cidr-overlap');
    expect(b).toContain('cidr-overlap');
  });

  it('refuses a public VIP and a VIP that is a node address', () => {
    expect(network({vip: '8.8.8.8'})).toContainEqual(
      expect.objectContaining({code: 'vip-not-private', field: 'vip'}),
    );
    const nodeIp = choose().nodes[0]!.ip;
    expect(codes(network({vip: nodeIp}))).toEqual(
      expect.arrayContaining([
        'error:vip-not-private',
        'error:vip-is-node-address',
        'error:cidr-overlap',
      ]),
    );
  });

  it('checks prefix sizes against the node count and kube-apiserver limits', () => {
    expect(network({podCidr: '10.244.0.0/25'})[0]?.message).toBe(
      "Pod CIDR 10.244.0.0/25 is smaller than one node's /24 share; use a /24 or larger, such as /16.",
    );
    expect(network({podCidr: '10.244.0.0/23'})[0]?.message).toBe(
      'Pod CIDR 10.244.0.0/23 has room for 2 nodes (a /24 each) but the plan has 4; use a larger range such as /16.',
    );
    expect(codes(network({serviceCidr: '10.0.0.0/8'}))).toContain('error:service-cidr-too-large');
    expect(codes(network({serviceCidr: '10.96.0.0/29'}))).toContain('error:service-cidr-too-small');
  });

  it('follows etcd quorum: none is an error, one a warning, even an error unless the user insists', () => {
    expect(codes(findings({controlPlanes: []}))).toContain('error:no-control-plane');
    expect(findings({controlPlanes: [id('rpi4-a')]})).toEqual([
      expect.objectContaining({code: 'single-control-plane', severity: 'warning'}),
    ]);
    const four = {
      controlPlanes: ['rpi4-a', 'rpi4-b', 'opi5', 'nuc'].map((host) => id(host)),
      workers: [],
    };
    expect(findings(four)).toEqual([
      {
        code: 'even-control-planes',
        severity: 'error',
        field: 'roles',
        message:
          '4 control planes tolerate 1 failure, the same as 3, yet add one more etcd member that can fail; make nuc a worker, or add a control plane.',
      },
    ]);
    expect(codes(findings({...four, allowEvenControlPlanes: true}))).toEqual([
      'warning:even-control-planes',
    ]);
  });

  it('refuses offline and non-Linux nodes, and duplicate names', () => {
    const list = findings({workers: [id('thinkpad'), id('pixel-8')]});
    expect(list.map((finding) => finding.message)).toEqual(
      expect.arrayContaining([
        'thinkpad is offline in the tailnet; start it (and tailscaled) or remove it from the cluster.',
        'pixel-8 runs android, not Linux; remove it from the cluster.',
      ]),
    );
    const twins: Tailnet = {
      ...demo,
      peers: demo.peers.map((peer) =>
        peer.hostName === 'rpi4-b' ? {...peer, hostName: 'RPI4-A'} : peer,
      ),
    };
    expect(codes(validatePlan(choose({}, twins), {now}))).toContain('error:duplicate-host-name');
  });

  it('warns about node keys that expire soon or will expire because the node is untagged', () => {
    const list = findings({workers: [id('cloud-arm'), id('workstation')]});
    expect(list).toContainEqual(
      expect.objectContaining({
        code: 'key-expiry-soon',
        severity: 'warning',
        message: expect.stringMatching(/^cloud-arm's node key expires in 12 days \(2026-12-06\)/),
      }),
    );
    expect(list).toContainEqual(
      expect.objectContaining({
        code: 'key-expiry-untagged',
        message: expect.stringContaining('tag the node or disable key expiry'),
      }),
    );
  });

  it('checks the version, the cluster name and SSH access', () => {
    expect(codes(findings({kubernetesVersion: 'latest'}))).toEqual([
      'error:kubernetes-version-malformed',
    ]);
    expect(codes(findings({kubernetesVersion: '1.19'}))).toEqual([
      'error:kubernetes-version-unsupported',
    ]);
    expect(codes(findings({clusterName: 'Home Lab'}))).toEqual(['error:cluster-name-invalid']);
    expect(codes(findings({access: {user: '', auth: {kind: 'key', keyFile: ' '}}}))).toEqual([
      'error:ssh-user-missing',
      'error:ssh-key-missing',
    ]);
  });

  it('lists errors before warnings', () => {
    const list = findings({controlPlanes: [id('rpi4-a')], workers: [id('thinkpad')]});
    expect(list.map((finding) => finding.severity)).toEqual(['error', 'warning', 'warning']);
  });
});
