// The files each endpoint gets (issue 11), read as a host would: the kubeadm
// configs parsed as YAML, haproxy.cfg line by line, keepalived.conf with its
// LAN facts filled in, the check script run by a real sh, kube-vip's manifest
// parsed as a Pod.
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parse, parseAllDocuments} from 'yaml';
import {generateArtifacts} from '../../source/core/artifacts/index.js';
import {checkApiserverScript, keepalivedConf} from '../../source/core/artifacts/keepalived.js';
import {
  kubeVipManifestAfterInit,
  kubeVipManifestForInstall,
  kubeVipVersion,
} from '../../source/core/artifacts/kube-vip.js';
import {
  fillLanPlaceholders,
  lanPlaceholders,
} from '../../source/core/artifacts/lan-placeholders.js';
import {controlPlanes} from '../../source/core/plan/build.js';
import type {EndpointKind} from '../../source/core/plan/endpoint.js';
import type {Plan} from '../../source/core/plan/types.js';
import {demo, goldenControlPlanes, goldenWorkers, lanVip, planFor} from './artifacts-plans.js';

const plan = (kind: EndpointKind, vip = lanVip, version = '1.36'): Plan =>
  planFor(version, goldenControlPlanes, goldenWorkers, demo, {kind, vip});
const file = (of: Plan, path: string): string => {
  const artifact = generateArtifacts(of).find((candidate) => candidate.path === path);
  if (!artifact) throw new Error(`no ${path}`);
  return artifact.content;
};
const paths = (of: Plan) => generateArtifacts(of).map((artifact) => artifact.path);

const tailscaleOnly = [
  'network/lo1.netdev',
  'network/lo1.network',
  'network/nmcli.sh',
  'tailscale/set-commands.sh',
  'health-gate/health-gate.sh',
  'health-gate/ha-wizard-health-gate.service',
  'health-gate/health-gate.env',
];

describe('which files each endpoint gets', () => {
  it('the Tailscale VIP: lo1, the flags and the health gate, no LAN files', () => {
    const list = paths(plan('tailscale-vip', '10.200.0.1'));
    expect(list).toEqual(expect.arrayContaining(tailscaleOnly));
    expect(list.filter((path) => /^(keepalived|haproxy|kube-vip)\//.test(path))).toEqual([]);
  });

  it('keepalived + HAProxy: a keepalived.conf per control plane, the check script, haproxy.cfg', () => {
    const list = paths(plan('keepalived-haproxy'));
    expect(list.filter((path) => /^(keepalived|haproxy)\//.test(path))).toEqual([
      'keepalived/rpi4-a.conf',
      'keepalived/rpi4-b.conf',
      'keepalived/nas.conf',
      'keepalived/check_apiserver.sh',
      'haproxy/haproxy.cfg',
    ]);
    expect(list.filter((path) => tailscaleOnly.includes(path))).toEqual([]);
    expect(list).toContain('tailscale/policy.hujson');
  });

  it('kube-vip: a static pod per control plane and nothing of the Tailscale VIP', () => {
    const list = paths(plan('kube-vip'));
    expect(list.filter((path) => path.startsWith('kube-vip/'))).toEqual([
      'kube-vip/rpi4-a.yaml',
      'kube-vip/rpi4-b.yaml',
      'kube-vip/nas.yaml',
    ]);
    expect(list.filter((path) => tailscaleOnly.includes(path))).toEqual([]);
  });

  it('a malformed VIP (a validation error) gets no LAN files rather than broken ones', () => {
    for (const kind of ['keepalived-haproxy', 'kube-vip'] as const)
      expect(
        paths(plan(kind, '192.168.1.250"; reboot')).filter((path) =>
          /^(keepalived|haproxy|kube-vip)\//.test(path),
        ),
      ).toEqual([]);
  });
});

describe('controlPlaneEndpoint follows the endpoint', () => {
  const endpoints = (of: Plan) => {
    const [, cluster] = parseAllDocuments(file(of, 'kubeadm/init.yaml')).map((doc) => doc.toJS());
    const join = parse(file(of, 'kubeadm/join-nuc.yaml'));
    const cilium = parse(file(of, 'cilium/values.yaml'));
    return {
      controlPlaneEndpoint: cluster.controlPlaneEndpoint,
      sans: cluster.apiServer.certSANs,
      join: join.discovery.bootstrapToken.apiServerEndpoint,
      cilium: `${cilium.k8sServiceHost}:${cilium.k8sServicePort}`,
    };
  };

  it.each([
    ['tailscale-vip', '10.200.0.1', '10.200.0.1:6443'],
    ['keepalived-haproxy', lanVip, `${lanVip}:8443`],
    ['kube-vip', lanVip, `${lanVip}:6443`],
  ] as const)('%s: %s', (kind, vip, expected) => {
    const found = endpoints(plan(kind, vip));
    expect(found.controlPlaneEndpoint).toBe(expected);
    expect(found.join).toBe(expected);
    expect(found.cilium).toBe(expected);
    expect(found.sans[0]).toBe(vip);
  });
});

describe('haproxy.cfg', () => {
  const lines = file(plan('keepalived-haproxy'), 'haproxy/haproxy.cfg')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  /** Each section's lines, keyed by its header line. */
  const sections = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of lines) {
    if (/^\S/.test(line)) sections.set(line, (current = []));
    else current.push(line.trim().replace(/\s+/g, ' '));
  }

  it('listens on 8443 on every address, in TCP mode', () => {
    expect(sections.get('frontend apiserver')).toEqual([
      'bind *:8443',
      'mode tcp',
      'option tcplog',
      'default_backend apiserverbackend',
    ]);
  });

  it('balances to every control plane’s apiserver on 6443 with HTTPS health checks', () => {
    const backend = sections.get('backend apiserverbackend') ?? [];
    expect(backend).toContain('option httpchk GET /healthz');
    expect(backend).toContain('http-check expect status 200');
    expect(backend.filter((line) => line.startsWith('server '))).toEqual([
      'server rpi4-a 100.101.7.11:6443 check check-ssl verify none',
      'server rpi4-b 100.101.7.12:6443 check check-ssl verify none',
      'server nas 100.101.7.16:6443 check check-ssl verify none',
    ]);
  });

  it('serves its stats (CSV for doctor) on the loopback only, never on the LAN', () => {
    expect(sections.get('frontend stats')).toEqual([
      'bind 127.0.0.1:8404',
      'mode http',
      'stats uri /stats',
    ]);
  });

  it('names a server with a hostile host name as one clean word', () => {
    const hostile = {
      ...demo,
      peers: demo.peers.map((peer) =>
        peer.hostName === 'nas' ? {...peer, hostName: 'nas\nbind *:22 #'} : peer,
      ),
    };
    const cfg = file(
      planFor('1.36', goldenControlPlanes.slice(0, 2), [], hostile, {
        kind: 'keepalived-haproxy',
        vip: lanVip,
      }),
      'haproxy/haproxy.cfg',
    );
    expect(cfg).not.toContain('bind *:22');
  });
});

describe('keepalived.conf', () => {
  const of = plan('keepalived-haproxy');
  const facts = {
    interface: 'eth0',
    prefix: 24,
    addresses: ['192.168.1.11', '192.168.1.12', '192.168.1.16'],
  };
  const filled = (path: string) => fillLanPlaceholders(file(of, path), facts);
  /** `key value` lines of the vrrp_instance block, and its nested blocks' entries. */
  const instance = (text: string) => {
    const body = text.slice(text.indexOf('vrrp_instance ha_wizard_api {'));
    const value = (key: string) =>
      new RegExp(`^\\s+${key} (\\S+)$`, 'm').exec(body)?.[1] ?? undefined;
    const block = (key: string) =>
      new RegExp(`^\\s+${key} \\{\\n([^}]*)\\}`, 'm')
        .exec(body)?.[1]
        ?.split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    return {value, block};
  };

  it('is state BACKUP everywhere, with priorities descending from the init node', () => {
    const found = ['rpi4-a', 'rpi4-b', 'nas'].map((name) =>
      instance(filled(`keepalived/${name}.conf`)),
    );
    expect(found.map((conf) => conf.value('state'))).toEqual(['BACKUP', 'BACKUP', 'BACKUP']);
    expect(found.map((conf) => conf.value('priority'))).toEqual(['150', '149', '148']);
    expect(new Set(found.map((conf) => conf.value('virtual_router_id')))).toEqual(new Set(['250']));
  });

  it('speaks unicast from its own LAN address to the other control planes', () => {
    const conf = instance(filled('keepalived/rpi4-b.conf'));
    expect(conf.value('interface')).toBe('eth0');
    expect(conf.value('unicast_src_ip')).toBe('192.168.1.12');
    expect(conf.block('unicast_peer')).toEqual(['192.168.1.11', '192.168.1.16']);
    expect(conf.block('virtual_ipaddress')).toEqual(['192.168.1.250/24 dev eth0']);
    expect(conf.block('track_script')).toEqual(['check_apiserver']);
  });

  it('runs the check script every 3 s, and a failure drops below every healthy node', () => {
    const texts = ['rpi4-a', 'rpi4-b', 'nas'].map((name) => filled(`keepalived/${name}.conf`));
    for (const text of texts)
      expect(text).toMatch(
        /vrrp_script check_apiserver \{\n\s+script "\/etc\/keepalived\/check_apiserver\.sh"\n\s+interval 3\n/,
      );
    const priorities = texts.map((text) => Number(instance(text).value('priority')));
    const weight = Number(/^\s+weight (-\d+)$/m.exec(texts[0]!)?.[1]);
    expect(Math.max(...priorities) + weight).toBeLessThan(Math.min(...priorities));
  });

  it('refuses LAN facts that could break the file, and placeholders left over', () => {
    const text = file(of, 'keepalived/rpi4-a.conf');
    expect(() => fillLanPlaceholders(text, {...facts, interface: 'eth0 }\n'})).toThrow(
      'The LAN interface name "eth0 }\n" is not one Linux allows.',
    );
    expect(() => fillLanPlaceholders(text, {...facts, prefix: 33})).toThrow(
      'The LAN prefix length 33 is not between 1 and 32.',
    );
    expect(() => fillLanPlaceholders(text, {...facts, addresses: ['192.168.1.11']})).toThrow(
      /^LAN placeholder left unfilled: @@LAN_ADDRESS_1@@, @@LAN_ADDRESS_2@@\.$/,
    );
    expect(() =>
      fillLanPlaceholders(text, {...facts, addresses: ['192.168.1.11', 'x; reboot', '1.1.1.1']}),
    ).toThrow('The LAN address "x; reboot" of control plane 2 is not IPv4.');
    expect(keepalivedConf(of, controlPlanes(of)[0]!, lanVip)).toContain(lanPlaceholders.interface);
  });
});

describe('check_apiserver.sh, run by sh with curl and ip stood in for', () => {
  // Stubs: curl fails for the URLs in $FAIL; ip prints $ADDRS.
  const bin = mkdtempSync(join(tmpdir(), 'ha-wizard-check-'));
  writeFileSync(
    join(bin, 'curl'),
    '#!/bin/sh\nfor arg in "$@"; do case " $FAIL " in *" $arg "*) exit 22;; esac; done\nexit 0\n',
  );
  writeFileSync(join(bin, 'ip'), '#!/bin/sh\nprintf "%s\\n" "$ADDRS"\n');
  chmodSync(join(bin, 'curl'), 0o755);
  chmodSync(join(bin, 'ip'), 0o755);
  const script = join(bin, 'check_apiserver.sh');
  writeFileSync(script, checkApiserverScript(lanVip));
  const run = (env: {FAIL?: string; ADDRS?: string}) =>
    spawnSync('sh', [script], {
      env: {PATH: `${bin}:${process.env['PATH']}`, FAIL: '', ADDRS: '', ...env},
      encoding: 'utf8',
    });
  const holding = `2: eth0    inet ${lanVip}/24 scope global secondary eth0`;

  it('passes when the local apiserver answers and the VIP is elsewhere', () => {
    expect(run({ADDRS: '2: eth0    inet 192.168.1.12/24 brd 192.168.1.255'}).status).toBe(0);
  });

  it('fails when the local apiserver does not answer', () => {
    const result = run({FAIL: 'https://localhost:6443/healthz'});
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('*** Error GET https://localhost:6443/healthz\n');
  });

  it('while holding the VIP, fails when HAProxy behind it does not answer', () => {
    const result = run({ADDRS: holding, FAIL: `https://${lanVip}:8443/healthz`});
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`*** Error GET https://${lanVip}:8443/healthz\n`);
  });

  it('does not take a longer address for the VIP (192.168.1.2500 is not 192.168.1.250)', () => {
    const other = `2: eth0    inet ${lanVip}0/24 scope global eth0`;
    expect(run({ADDRS: other, FAIL: `https://${lanVip}:8443/healthz`}).status).toBe(0);
  });

  it('is valid sh', () => {
    expect(() => execFileSync('sh', ['-n', script])).not.toThrow();
  });
});

describe('kube-vip static pods', () => {
  const pod = (text: string) =>
    parse(fillLanPlaceholders(text, {interface: 'eth0', prefix: 24, addresses: []})) as {
      kind: string;
      metadata: {name: string; namespace: string};
      spec: {
        hostNetwork: boolean;
        containers: Array<{
          image: string;
          args: string[];
          env: Array<{name: string; value?: string}>;
          volumeMounts: Array<{mountPath: string; name: string}>;
          securityContext: {capabilities: {add: string[]}};
        }>;
        volumes: Array<{name: string; hostPath: {path: string; type: string}}>;
      };
    };
  const envOf = (text: string) =>
    Object.fromEntries(pod(text).spec.containers[0]!.env.map((entry) => [entry.name, entry.value]));
  const hostPath = (text: string) => pod(text).spec.volumes[0]!.hostPath;

  it('runs kube-vip pinned, in ARP mode for the control plane, with leader election', () => {
    const text = file(plan('kube-vip'), 'kube-vip/rpi4-b.yaml');
    const manifest = pod(text);
    expect(manifest.kind).toBe('Pod');
    expect(manifest.metadata).toEqual({name: 'kube-vip', namespace: 'kube-system'});
    expect(manifest.spec.hostNetwork).toBe(true);
    expect(manifest.spec.containers[0]?.image).toBe(`ghcr.io/kube-vip/kube-vip:${kubeVipVersion}`);
    expect(manifest.spec.containers[0]?.args).toEqual(['manager']);
    expect(manifest.spec.containers[0]?.securityContext.capabilities.add).toEqual([
      'NET_ADMIN',
      'NET_RAW',
    ]);
    expect(envOf(text)).toMatchObject({
      vip_arp: 'true',
      cp_enable: 'true',
      vip_leaderelection: 'true',
      vip_leaseduration: '5',
      vip_renewdeadline: '3',
      vip_retryperiod: '1',
      vip_interface: 'eth0',
      address: lanVip,
      port: '6443',
    });
  });

  it('mounts admin.conf, except on the init node during init: super-admin.conf (kubeadm ≥ 1.29)', () => {
    const of = plan('kube-vip');
    const [init, other] = controlPlanes(of);
    const first = file(of, 'kube-vip/rpi4-a.yaml');
    expect(hostPath(first)).toEqual({path: '/etc/kubernetes/super-admin.conf', type: 'File'});
    expect(pod(first).spec.containers[0]?.volumeMounts).toEqual([
      {mountPath: '/etc/kubernetes/admin.conf', name: 'kubeconfig'},
    ]);
    expect(hostPath(file(of, 'kube-vip/rpi4-b.yaml')).path).toBe('/etc/kubernetes/admin.conf');
    const after = kubeVipManifestAfterInit(init!, lanVip);
    expect(hostPath(after).path).toBe('/etc/kubernetes/admin.conf');
    expect(kubeVipManifestForInstall(of, other!, lanVip, false)).toBe(
      file(of, 'kube-vip/rpi4-b.yaml'),
    );
  });

  it('keeps admin.conf on the init node before kubeadm 1.29, which has no super-admin.conf', () => {
    const text = file(plan('kube-vip', lanVip, '1.28'), 'kube-vip/rpi4-a.yaml');
    expect(hostPath(text).path).toBe('/etc/kubernetes/admin.conf');
    // The kubeadm the run finds on the node decides over the plan's version.
    const old = plan('kube-vip', lanVip, '1.28');
    const [init] = controlPlanes(old);
    const found = {major: 1, minor: 29, patch: 3};
    expect(hostPath(kubeVipManifestForInstall(old, init!, lanVip, true, found)).path).toBe(
      '/etc/kubernetes/super-admin.conf',
    );
  });
});
