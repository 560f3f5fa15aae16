import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {kubeadmInitYaml, certSans} from '../../source/core/artifacts/kubeadm-init.js';
import {kubeadmJoinYaml} from '../../source/core/artifacts/kubeadm-join.js';
import {
  kubeadmApiVersion,
  kubernetesVersionField,
  parseKubernetesVersion,
} from '../../source/core/artifacts/kubernetes-version.js';
import {fillPlaceholders, placeholders} from '../../source/core/artifacts/placeholders.js';
import {InputError} from '../../source/core/errors.js';
import type {Plan, PlanNode} from '../../source/core/plan/types.js';
import {goldenCases, planFor} from './artifacts-plans.js';

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

const node = (plan: Plan, name: string): PlanNode => {
  const found = plan.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
};

const initNodeOf = (plan: Plan): PlanNode => {
  const first = plan.nodes[0];
  if (!first) throw new Error('plan without nodes');
  return first;
};

const documents = (text: string): Array<Record<string, Json>> =>
  parseAllDocuments(text, {version: '1.1'}).map(
    (document) => document.toJS() as Record<string, Json>,
  );

const byKind = (text: string, kind: string): Record<string, Json> => {
  const found = documents(text).find((document) => document['kind'] === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found;
};

const secrets = {
  bootstrapToken: 'abcdef.0123456789abcdef',
  caCertHash: `sha256:${'0a'.repeat(32)}`,
  certificateKey: 'f'.repeat(64),
};

describe('kubeadm API version', () => {
  it.each([
    ['1.24.0', 'kubeadm.k8s.io/v1beta3'],
    ['1.30', 'kubeadm.k8s.io/v1beta3'],
    ['1.30.14', 'kubeadm.k8s.io/v1beta3'],
    ['1.31', 'kubeadm.k8s.io/v1beta4'],
    ['1.31.0', 'kubeadm.k8s.io/v1beta4'],
    ['v1.36.2', 'kubeadm.k8s.io/v1beta4'],
  ])('%s -> %s (the switch is at exactly 1.31)', (version, expected) => {
    expect(kubeadmApiVersion(parseKubernetesVersion(version))).toBe(expected);
  });

  it('pins a patch exactly and lets kubeadm resolve a bare minor', () => {
    expect(kubernetesVersionField(parseKubernetesVersion('1.36'))).toBe('stable-1.36');
    expect(kubernetesVersionField(parseKubernetesVersion('1.30.14'))).toBe('v1.30.14');
    expect(kubernetesVersionField(parseKubernetesVersion('v1.31.0'))).toBe('v1.31.0');
  });

  it.each(['', '1', 'latest', '1.36.x', '1.36.0-rc.1'])('refuses %j', (version) => {
    expect(() => parseKubernetesVersion(version)).toThrow(InputError);
  });

  it('writes the list form of kubeletExtraArgs for v1beta4 and the map form for v1beta3', () => {
    for (const [version, expected] of [
      ['1.31', [{name: 'node-ip', value: '100.101.7.12'}]],
      ['1.30', {'node-ip': '100.101.7.12'}],
    ] as const) {
      const plan = planFor(version, ['rpi4-a', 'rpi4-b'], []);
      const join = byKind(kubeadmJoinYaml(plan, node(plan, 'rpi4-b')), 'JoinConfiguration');
      expect((join['nodeRegistration'] as Record<string, Json>)['kubeletExtraArgs']).toEqual(
        expected,
      );
    }
  });
});

describe('kubeadm init config', () => {
  const plan = goldenCases['A']!;
  const text = kubeadmInitYaml(plan, initNodeOf(plan));

  it('puts the init node on its Tailscale IP behind the VIP endpoint', () => {
    const init = byKind(text, 'InitConfiguration');
    expect(init['localAPIEndpoint']).toEqual({advertiseAddress: '100.101.7.11', bindPort: 6443});
    expect(init['skipPhases']).toEqual(['addon/kube-proxy']);
    const cluster = byKind(text, 'ClusterConfiguration');
    expect(cluster['controlPlaneEndpoint']).toBe('10.200.0.1:6443');
    expect(cluster['networking']).toEqual({
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/12',
    });
    expect(byKind(text, 'KubeletConfiguration')['cgroupDriver']).toBe('systemd');
  });

  it('lists the VIP and every control plane IP and MagicDNS name as certSANs, nothing else', () => {
    expect(certSans(plan)).toEqual([
      '10.200.0.1',
      '100.101.7.11',
      'rpi4-a.tail-demo.ts.net',
      '100.101.7.12',
      'rpi4-b.tail-demo.ts.net',
      '100.101.7.16',
      'nas.tail-demo.ts.net',
    ]);
    const cluster = byKind(text, 'ClusterConfiguration');
    expect((cluster['apiServer'] as Record<string, Json>)['certSANs']).toEqual(certSans(plan));
  });

  it('skips empty names and duplicates in certSANs', () => {
    const base = goldenCases['A']!;
    const [first, second, ...rest] = base.nodes;
    const plan: Plan = {
      ...base,
      nodes: [
        {...first!, dnsName: ''},
        {...second!, ip: first!.ip, dnsName: '10.200.0.1'},
        ...rest,
      ],
    };
    expect(certSans(plan)).toEqual([
      '10.200.0.1',
      '100.101.7.11',
      '100.101.7.16',
      'nas.tail-demo.ts.net',
    ]);
  });
});

describe('kubeadm join configs', () => {
  const plan = goldenCases['A']!;

  it('gives a control plane its own endpoint and the certificate key, a worker neither', () => {
    const cp = byKind(kubeadmJoinYaml(plan, node(plan, 'rpi4-b')), 'JoinConfiguration');
    expect(cp['controlPlane']).toEqual({
      localAPIEndpoint: {advertiseAddress: '100.101.7.12', bindPort: 6443},
      certificateKey: placeholders.certificateKey,
    });
    const worker = byKind(kubeadmJoinYaml(plan, node(plan, 'nuc')), 'JoinConfiguration');
    expect(worker['controlPlane']).toBeUndefined();
    expect(worker['discovery']).toEqual({
      bootstrapToken: {
        apiServerEndpoint: '10.200.0.1:6443',
        token: placeholders.bootstrapToken,
        caCertHashes: [placeholders.caCertHash],
      },
    });
  });

  it('keeps a node name that YAML 1.1 would read as a boolean a string', () => {
    const base = goldenCases['A']!;
    const plan: Plan = {
      ...base,
      nodes: base.nodes.map((n) => (n.name === 'nuc' ? {...n, name: 'on'} : n)),
    };
    const join = byKind(kubeadmJoinYaml(plan, node(plan, 'on')), 'JoinConfiguration');
    expect((join['nodeRegistration'] as Record<string, Json>)['name']).toBe('on');
  });
});

describe('fillPlaceholders', () => {
  const plan = goldenCases['A']!;
  const cpJoin = kubeadmJoinYaml(plan, node(plan, 'rpi4-b'));
  const workerJoin = kubeadmJoinYaml(plan, node(plan, 'nuc'));

  it('fills every placeholder and leaves valid YAML with the real values', () => {
    const join = byKind(fillPlaceholders(cpJoin, secrets), 'JoinConfiguration');
    expect(join['discovery']).toMatchObject({
      bootstrapToken: {token: secrets.bootstrapToken, caCertHashes: [secrets.caCertHash]},
    });
    expect((join['controlPlane'] as Record<string, Json>)['certificateKey']).toBe(
      secrets.certificateKey,
    );
    const init = fillPlaceholders(kubeadmInitYaml(plan, initNodeOf(plan)), secrets);
    expect(init).not.toMatch(/@@[A-Z0-9_]+@@/);
  });

  it('needs only the secrets the text holds: a worker join has no certificate key', () => {
    const {certificateKey: _unused, ...withoutKey} = secrets;
    expect(fillPlaceholders(workerJoin, withoutKey)).not.toMatch(/@@[A-Z0-9_]+@@/);
  });

  it('refuses to leave a placeholder unfilled', () => {
    const {certificateKey: _unused, ...withoutKey} = secrets;
    expect(() => fillPlaceholders(cpJoin, withoutKey)).toThrow(/certificateKey/);
    expect(() => fillPlaceholders(cpJoin, withoutKey)).toThrow(InputError);
    expect(() => fillPlaceholders('token: "@@SOMETHING_ELSE@@"\n', secrets)).toThrow(
      /@@SOMETHING_ELSE@@/,
    );
  });

  it('refuses a malformed secret without echoing it', () => {
    const bad = 'abcdef.0123456789abcdef"\ninjected: true';
    let message = '';
    try {
      fillPlaceholders(workerJoin, {...secrets, bootstrapToken: bad});
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/bootstrapToken/);
    expect(message).not.toContain('0123456789abcdef');
  });
});

// Every key we emit must be one kubeadm knows: either in the real
// `kubeadm config print *-defaults` output, or a documented field that the
// defaults leave out because it is empty by default. Documented in
// kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/ and
// kubeadm-config.v1beta3/ (InitConfiguration.certificateKey, .skipPhases;
// NodeRegistrationOptions.kubeletExtraArgs; ClusterConfiguration.controlPlaneEndpoint,
// networking.podSubnet, apiServer.certSANs; BootstrapTokenDiscovery.caCertHashes;
// JoinConfiguration.controlPlane with localAPIEndpoint and certificateKey), and
// kubelet-config.v1beta1 for KubeletConfiguration.cgroupDriver.
describe('every emitted kubeadm key exists in kubeadm', () => {
  const real = new URL('../../fixtures/real/', import.meta.url);
  const realDocuments = (name: string) =>
    parseAllDocuments(readFileSync(new URL(name, real), 'utf8')).map(
      (document) => document.toJS() as Record<string, Json>,
    );

  const keyPaths = (value: Json, prefix = ''): string[] => {
    if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
    if (value === null || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([key, inner]) => {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      return [path, ...keyPaths(inner, path)];
    });
  };

  const documented: Record<string, readonly string[]> = {
    InitConfiguration: ['certificateKey', 'skipPhases', 'nodeRegistration.kubeletExtraArgs'],
    ClusterConfiguration: ['controlPlaneEndpoint', 'networking.podSubnet', 'apiServer.certSANs'],
    JoinConfiguration: [
      'discovery.bootstrapToken.caCertHashes',
      'controlPlane',
      'controlPlane.localAPIEndpoint',
      'controlPlane.localAPIEndpoint.advertiseAddress',
      'controlPlane.localAPIEndpoint.bindPort',
      'controlPlane.certificateKey',
      'nodeRegistration.kubeletExtraArgs',
    ],
    KubeletConfiguration: ['apiVersion', 'kind', 'cgroupDriver'],
  };
  // v1beta4: the list form of kubeletExtraArgs (Arg{name, value}); v1beta3: a
  // map whose keys are kubelet flag names, so the one flag we set.
  const documentedV1beta4 = [
    'nodeRegistration.kubeletExtraArgs[].name',
    'nodeRegistration.kubeletExtraArgs[].value',
  ];
  const documentedV1beta3 = ['nodeRegistration.kubeletExtraArgs.node-ip'];

  const defaultsFor: Record<string, string> = {
    'kubeadm.k8s.io/v1beta4': 'kubeadm-config-print-init-defaults-v1beta4-1.32.0.yaml',
    'kubeadm.k8s.io/v1beta3': 'kubeadm-config-print-init-defaults-v1beta3-1.24.0.yaml',
  };
  const joinDefaults = realDocuments('kubeadm-config-print-join-defaults-v1beta3.yaml');

  it.each(Object.entries(goldenCases))('case %s', (_name, plan) => {
    const emitted = [
      ...documents(kubeadmInitYaml(plan, initNodeOf(plan))),
      ...plan.nodes.slice(1).flatMap((n) => documents(kubeadmJoinYaml(plan, n))),
    ];
    for (const document of emitted) {
      const kind = String(document['kind']);
      const apiVersion = String(document['apiVersion']);
      const realOfKind = [
        ...realDocuments(defaultsFor[apiVersion] ?? defaultsFor['kubeadm.k8s.io/v1beta4']!),
        ...joinDefaults,
      ]
        .filter((candidate) => candidate['kind'] === kind)
        .flatMap((candidate) => keyPaths(candidate));
      const allowed = new Set([
        ...realOfKind,
        ...(documented[kind] ?? []),
        ...(apiVersion === 'kubeadm.k8s.io/v1beta4' ? documentedV1beta4 : documentedV1beta3),
      ]);
      const unknown = keyPaths(document).filter((path) => !allowed.has(path));
      expect(unknown, `${kind} ${apiVersion}`).toEqual([]);
    }
  });

  it('uses the default ttl and CRI socket shapes kubeadm prints', () => {
    const [init] = realDocuments('kubeadm-config-print-init-defaults-v1beta4-1.32.0.yaml');
    const ours = byKind(
      kubeadmInitYaml(goldenCases['A']!, initNodeOf(goldenCases['A']!)),
      'InitConfiguration',
    );
    const theirs = init as {
      bootstrapTokens: Array<{ttl: string}>;
      nodeRegistration: {criSocket: string};
    };
    expect((ours['bootstrapTokens'] as Array<Record<string, Json>>)[0]?.['ttl']).toBe(
      theirs.bootstrapTokens[0]?.ttl,
    );
    expect((ours['nodeRegistration'] as Record<string, Json>)['criSocket']).toBe(
      theirs.nodeRegistration.criSocket,
    );
  });
});
