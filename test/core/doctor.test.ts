// Every doctor check on real output (fixtures/real/): what it decides, the
// evidence line it quotes, and the fix it proposes.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import type {
  ClusterEvidence,
  CommandOutput,
  HostEvidence,
} from '../../source/core/doctor/evidence.js';
import {checksFor, diagnose, overallStatus} from '../../source/core/doctor/index.js';
import {newest, parseCrictlPs} from '../../source/core/doctor/crictl.js';
import {subjectAltNames} from '../../source/core/doctor/certificate-san.js';
import {makeCa, makeCertificate, rsaKeyPair} from '../../source/sim/x509.js';
import {createPrivateKey, createPublicKey} from 'node:crypto';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/real/${name}`, import.meta.url), 'utf8');
const out = (stdout: string, code = 0, stderr = ''): CommandOutput => ({code, stdout, stderr});

const vip = '10.200.0.1';
const containerdFalse = fixture('containerd-default-1.6.20-debian12.toml');
const containerdTrue = fixture('containerd-default-1.6.19-upstream-systemdcgroup-true.toml');
const prefsText = fixture('tailscale-debug-prefs-linux.json');
const prefsWith = (changes: Record<string, unknown>) =>
  JSON.stringify({...(JSON.parse(prefsText) as object), ...changes});
const kubeletConfig =
  'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n';
const ipAddrLo1 = (addresses: string[]) =>
  JSON.stringify([
    {
      ifindex: 5,
      ifname: 'lo1',
      flags: ['BROADCAST', 'UP', 'LOWER_UP'],
      addr_info: addresses.map((local) => ({
        family: 'inet',
        local,
        prefixlen: 32,
        scope: 'global',
      })),
    },
  ]);
// What `ip -j link show dev tailscale0` prints on a Linux node (iproute2 6.x).
const tailscaleLink = (mtu: number) =>
  out(
    JSON.stringify([
      {
        ifindex: 4,
        ifname: 'tailscale0',
        flags: ['POINTOPOINT', 'MULTICAST', 'NOARP', 'UP', 'LOWER_UP'],
        mtu,
        qdisc: 'fq_codel',
        operstate: 'UNKNOWN',
        group: 'default',
        txqlen: 500,
        link_type: 'none',
      },
    ]),
  );
/** `helm get values cilium -o json`: Go's encoding/json, compact, keys sorted. */
const ciliumValues = (values: Record<string, unknown>) => out(JSON.stringify(values));
const wizardCilium = {
  MTU: 1280,
  ipam: {mode: 'kubernetes'},
  k8sServiceHost: vip,
  k8sServicePort: 6443,
  kubeProxyReplacement: true,
  routingMode: 'tunnel',
  tunnelProtocol: 'vxlan',
};
const crictlHealthy = `CONTAINER           IMAGE               CREATED             STATE               NAME                      ATTEMPT             POD ID              POD
4dadb4d9ea1c3       e60416bd78b65       2 hours ago         Running             kube-apiserver            0                   4691de9bf5bb8       kube-apiserver-cp1
8e87fe156dd1d       2adbfd9903bc3       2 hours ago         Running             etcd                      0                   5775b44308966       etcd-cp1
`;

// A certificate like kubeadm's apiserver.crt, signed by a fresh CA.
const now = new Date('2026-01-01T00:00:00Z');
const ca = makeCa(now);
const apiserverCert = (ips: string[]) => {
  const pair = rsaKeyPair();
  return makeCertificate({
    subject: {commonName: 'kube-apiserver'},
    issuer: {subject: {commonName: 'kubernetes'}, key: createPrivateKey(ca.keyPem)},
    ...pair,
    isCa: false,
    notBefore: now,
    notAfter: new Date(now.getTime() + 86_400_000),
    dnsNames: ['cp1', 'kubernetes', 'kubernetes.default'],
    ips,
    serverAuth: true,
  });
};
const goodCert = apiserverCert(['10.96.0.1', '100.64.10.11', vip]);

const statusWithPrimary = (primaryHost: string | undefined) => {
  const status = JSON.parse(
    fixture('tailscale-status-aws-linux-android-offline-expired-1.84.0.json'),
  ) as {
    Self: {HostName: string; PrimaryRoutes?: string[]};
    Peer: Record<string, {HostName: string; PrimaryRoutes?: string[]}>;
  };
  for (const peer of [status.Self, ...Object.values(status.Peer)])
    if (peer.HostName === primaryHost) peer.PrimaryRoutes = [`${vip}/32`];
  return JSON.stringify(status);
};

const cp = (name: string, overrides: Partial<HostEvidence> = {}): HostEvidence => ({
  host: name,
  role: 'control-plane',
  ip: '100.64.10.11',
  dnsName: `${name}.tail-lab.ts.net`,
  containerdDump: out(containerdTrue),
  kubeletConfig,
  kubeletActive: out('active\n'),
  swaps: out('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n'),
  prefs: out(prefsWith({RouteAll: true, AdvertiseRoutes: [`${vip}/32`]})),
  crictl: {first: out(crictlHealthy), second: out(crictlHealthy), sampleSeconds: 5},
  lo1: out(ipAddrLo1([vip])),
  readyz: out('ok'),
  apiserverCert: goodCert,
  healthGate: out('active\n'),
  networkManager: 'systemd-networkd',
  clock: {remote: 1000.05, sentAt: 1000, receivedAt: 1000.1},
  // A real node's own status: untagged, its key expiring on 2026-12-10.
  selfStatus: out(fixture('tailscale-status-linux-js-android-1.98.4.json')),
  tailscaleLink: tailscaleLink(1280),
  pings: [
    {
      peer: '100.64.10.12',
      output: out('pong from cp2 (100.64.10.12) via 192.168.1.12:41641 in 1ms\n'),
    },
  ],
  ...overrides,
});
const worker = (name: string, overrides: Partial<HostEvidence> = {}): HostEvidence => {
  const {
    crictl: _c,
    lo1: _l,
    readyz: _r,
    apiserverCert: _a,
    healthGate: _h,
    pings: _p,
    ...base
  } = cp(name);
  return {...base, role: 'worker', prefs: out(prefsWith({RouteAll: true})), ...overrides};
};
/** A healthy cluster whose status file has `primary`, a real status capture's host name. */
const primary = 'pgshospital';
const cluster = (hosts: HostEvidence[], collectedAt = now.getTime()): ClusterEvidence => ({
  vip,
  collectedAt,
  hosts,
  status: {observer: 'w1', output: out(statusWithPrimary(primary))},
  // As the control server's API reports a cluster whose control planes are all approved.
  approvals: {
    source: 'Headscale at http://headscale.lan:8080',
    hosts: hosts
      .filter((host) => host.role === 'control-plane')
      .map((host, i) => ({
        host: host.host,
        id: String(i + 2),
        advertised: [`${vip}/32`],
        approved: [`${vip}/32`],
      })),
  },
  cilium: {host: primary, output: ciliumValues(wizardCilium)},
});
const healthy = () => [cp(primary), cp('cp2'), worker('w1')];
const only = (results: ReturnType<typeof diagnose>, id: string, host?: string) =>
  results.filter((entry) => entry.id === id && (host === undefined || entry.host === host));
const failures = (results: ReturnType<typeof diagnose>) =>
  results.filter((entry) => entry.status !== 'pass').map((entry) => `${entry.id}@${entry.host}`);

describe('doctor checks', () => {
  it('a healthy cluster passes every check', () => {
    const results = diagnose(cluster(healthy()));
    expect(failures(results)).toEqual([]);
    expect(overallStatus(results)).toBe('pass');
    // Every check of the Tailscale VIP ran at least once (a plan without an endpoint has that one).
    expect(new Set(results.map((entry) => entry.id))).toEqual(
      new Set(checksFor('tailscale-vip').map((check) => check.id)),
    );
    expect(results.map((entry) => entry.id)).not.toContain('lan-vip-holder');
  });

  it('cgroup-driver: the default config (SystemdCgroup = false) against kubelet systemd fails, quoting the dump line', () => {
    const results = diagnose(
      cluster([cp(primary, {containerdDump: out(containerdFalse)}), worker('w1')]),
    );
    const [entry] = only(results, 'cgroup-driver', primary);
    expect(entry?.status).toBe('fail');
    expect(entry?.evidence).toBe(
      'containerd config dump: SystemdCgroup = false; /var/lib/kubelet/config.yaml: cgroupDriver: systemd',
    );
    // containerd 1.x: the kubelet reads config.yaml, so restarting containerd is enough.
    expect(entry?.fix?.actions).toEqual([
      {kind: 'systemd-cgroup'},
      {kind: 'run', argv: ['systemctl', 'restart', 'containerd']},
    ]);
    expect(entry?.fix?.commands).toContain('sudo systemctl restart containerd');
    expect(only(results, 'cgroup-driver', 'w1')[0]?.status).toBe('pass');
  });

  it('cgroup-driver: a kubelet of 1.31+ with containerd 2.x takes the driver from containerd, so config.yaml does not count', () => {
    const containerd2False = fixture('containerd-default-2.1.9-debian-sid.toml');
    const [entry] = only(
      diagnose(
        cluster([
          cp('cp2', {
            containerdDump: out(containerd2False),
            kubeletVersion: out('Kubernetes v1.36.2\n'),
          }),
        ]),
      ),
      'cgroup-driver',
      'cp2',
    );
    expect(entry?.status).toBe('pass');
    expect(entry?.evidence).toContain('KubeletCgroupDriverFromCRI');
    // The same pair with containerd 1.x (dump version 2): the kubelet reads config.yaml, a real mismatch.
    const [old] = only(
      diagnose(
        cluster([
          cp('cp2', {
            containerdDump: out(containerdFalse),
            kubeletVersion: out('Kubernetes v1.36.2\n'),
          }),
        ]),
      ),
      'cgroup-driver',
      'cp2',
    );
    expect(old?.status).toBe('fail');
    // containerd 2.x and a kubelet whose version doctor could not read: the fix restarts the
    // kubelet after containerd, or a kubelet that took cgroupfs from containerd would keep it.
    const [unknown] = only(
      diagnose(cluster([cp('cp2', {containerdDump: out(containerd2False)})])),
      'cgroup-driver',
      'cp2',
    );
    expect(unknown?.status).toBe('fail');
    expect(unknown?.fix?.actions).toEqual([
      {kind: 'systemd-cgroup'},
      {kind: 'run', argv: ['systemctl', 'restart', 'containerd']},
      {kind: 'run', argv: ['systemctl', 'restart', 'kubelet']},
    ]);
  });

  it('cgroup-driver: a kubelet on cgroupfs with containerd on systemd is fixed on the kubelet side', () => {
    const [entry] = only(
      diagnose(
        cluster([
          worker('w1', {kubeletConfig: 'kind: KubeletConfiguration\ncgroupDriver: cgroupfs\n'}),
        ]),
      ),
      'cgroup-driver',
    );
    expect(entry?.status).toBe('fail');
    expect(entry?.fix?.commands.join('\n')).toContain('cgroupDriver: systemd');
  });

  it('cgroup-driver: no kubelet config yet, or no containerd, is unknown rather than a guess', () => {
    const results = diagnose(
      cluster([
        worker('w1', {kubeletConfig: null}),
        worker('w2', {containerdDump: out('', 1, 'containerd: command not found')}),
      ]),
    );
    expect(only(results, 'cgroup-driver').map((entry) => entry.status)).toEqual([
      'unknown',
      'unknown',
    ]);
    expect(only(results, 'cgroup-driver', 'w2')[0]?.evidence).toContain(
      'containerd: command not found',
    );
  });

  it('crictl ps -a parses real output, grepped lines included', () => {
    const kubeVip = parseCrictlPs(
      fixture('crictl-ps-a-etcd-crashloop-bind-cannot-assign-address-kube-vip-ha.txt').split(
        '$ crictl ps -a\n',
      )[1] ?? '',
    );
    expect(newest(kubeVip, 'etcd')).toMatchObject({
      state: 'Exited',
      attempt: 225,
      created: '2 minutes ago',
    });
    const debian = fixture('kubectl-refused-crictl-controlplane-restartloop-debian-1.30.13.txt');
    const lines = debian
      .split('\n')
      .filter((line) => / kube-apiserver /.test(line) && /^[0-9a-f]{13} /.test(line));
    expect(newest(parseCrictlPs(lines.join('\n')), 'kube-apiserver')).toMatchObject({
      state: 'Running',
      attempt: 8,
    });
  });

  it('crictl ps -a: the newest container is the first listed (by creation), not the highest ATTEMPT', () => {
    // A changed static-pod manifest made a new pod: its container starts again at ATTEMPT 0,
    // and the old pod's Exited one (ATTEMPT 3) stays listed below it until GC.
    const listing = `CONTAINER           IMAGE               CREATED              STATE               NAME                      ATTEMPT             POD ID              POD
9c1e2f3a4b5c6       e60416bd78b65       10 seconds ago       Running             kube-apiserver            0                   77aa01bb02cc0       kube-apiserver-cp1
4dadb4d9ea1c3       e60416bd78b65       3 minutes ago        Exited              kube-apiserver            3                   4691de9bf5bb8       kube-apiserver-cp1
8e87fe156dd1d       2adbfd9903bc3       2 hours ago          Running             etcd                      0                   5775b44308966       etcd-cp1
`;
    expect(newest(parseCrictlPs(listing), 'kube-apiserver')).toMatchObject({
      state: 'Running',
      attempt: 0,
    });
    const results = diagnose(
      cluster([cp('cp2', {crictl: {first: out(listing), second: out(listing), sampleSeconds: 5}})]),
    );
    expect(only(results, 'control-plane-restarts', 'cp2')[0]?.status).toBe('pass');
    // A new container between the two looks is a restart, whatever its ATTEMPT.
    const restarted = diagnose(
      cluster([
        cp('cp2', {
          crictl: {first: out(crictlHealthy), second: out(listing), sampleSeconds: 5},
        }),
      ]),
    );
    expect(only(restarted, 'control-plane-restarts', 'cp2')[0]?.explanation).toContain(
      'kube-apiserver restarted within 5 s',
    );
  });

  it('control-plane-restarts: an etcd that keeps exiting (real crash loop) fails; one restart meanwhile fails too', () => {
    const looping =
      fixture('crictl-ps-a-etcd-crashloop-bind-cannot-assign-address-kube-vip-ha.txt')
        .split('$ crictl ps -a\n')[1]
        ?.split('\n$')[0] ?? '';
    const [crash] = only(
      diagnose(
        cluster([
          cp('cp2', {crictl: {first: out(looping), second: out(looping), sampleSeconds: 5}}),
        ]),
      ),
      'control-plane-restarts',
    );
    expect(crash?.status).toBe('fail');
    expect(crash?.explanation).toContain('etcd is not running (Exited, attempt 225)');
    const later = crictlHealthy.replace(/kube-apiserver( +)0 /, 'kube-apiserver$13 ');
    const [restarted] = only(
      diagnose(
        cluster([
          cp('cp2', {crictl: {first: out(crictlHealthy), second: out(later), sampleSeconds: 5}}),
        ]),
      ),
      'control-plane-restarts',
    );
    expect(restarted?.status).toBe('fail');
    expect(restarted?.explanation).toContain('kube-apiserver restarted within 5 s (attempt 0 → 3)');
    // Many restarts in the past but none now: history, not a fault.
    const [steady] = only(
      diagnose(
        cluster([cp('cp2', {crictl: {first: out(later), second: out(later), sampleSeconds: 5}})]),
      ),
      'control-plane-restarts',
    );
    expect(steady?.status).toBe('pass');
  });

  it('kubelet-active and swap', () => {
    const results = diagnose(
      cluster([
        worker('w1', {kubeletActive: out('inactive\n', 3)}),
        worker('w2', {
          swaps: out(
            'Filename\tType\tSize\tUsed\tPriority\n/swap.img                               file\t\t2097148\t\t0\t\t-2\n',
          ),
        }),
      ]),
    );
    expect(only(results, 'kubelet-active', 'w1')[0]).toMatchObject({
      status: 'fail',
      evidence: 'systemctl is-active kubelet: inactive',
    });
    expect(only(results, 'kubelet-active', 'w1')[0]?.fix?.commands[0]).toBe(
      'sudo systemctl enable --now kubelet',
    );
    expect(only(results, 'swap', 'w2')[0]).toMatchObject({
      status: 'fail',
      evidence: '/proc/swaps: /swap.img',
    });
    expect(only(results, 'swap', 'w1')[0]?.status).toBe('pass');
  });

  it('accept-routes: the real prefs (RouteAll false) fail on a worker with the worker’s reason', () => {
    const [entry] = only(
      diagnose(cluster([worker('w1', {prefs: out(prefsText)})])),
      'accept-routes',
    );
    expect(entry).toMatchObject({
      status: 'fail',
      evidence: 'tailscale debug prefs: "RouteAll": false',
    });
    expect(entry?.explanation).toContain('is a worker');
    expect(entry?.fix?.commands).toEqual(['sudo tailscale set --accept-routes=true']);
  });

  it('lo1-vip: a ready control plane without the VIP fails; one whose apiserver is down is expected to lack it', () => {
    const results = diagnose(
      cluster([
        cp(primary),
        cp('cp2', {lo1: out(ipAddrLo1([]))}),
        cp('cp3', {lo1: out('', 1, 'Device "lo1" does not exist.'), readyz: out('', 7)}),
      ]),
    );
    const [missing] = only(results, 'lo1-vip', 'cp2');
    expect(missing?.status).toBe('fail');
    expect(missing?.fix?.commands).toEqual(['sudo ip addr add 10.200.0.1/32 dev lo1']);
    expect(only(results, 'lo1-vip', 'cp3')[0]?.status).toBe('pass');
    // lo1 absent on a networkd host: the networkd files and a reload.
    const [absent] = only(
      diagnose(cluster([cp('cp2', {lo1: out('', 1, 'Device "lo1" does not exist.')})])),
      'lo1-vip',
    );
    expect(absent?.fix?.actions.map((action) => action.kind)).toEqual(['write', 'write', 'run']);
  });

  it('vip-advertised: a ready control plane that does not advertise the VIP gets the union of its routes', () => {
    const [entry] = only(
      diagnose(
        cluster([
          cp('cp2', {
            prefs: out(prefsWith({RouteAll: true, AdvertiseRoutes: ['192.168.77.0/24']})),
          }),
        ]),
      ),
      'vip-advertised',
    );
    expect(entry?.status).toBe('fail');
    expect(entry?.fix?.commands).toEqual([
      'sudo tailscale set --advertise-routes=192.168.77.0/24,10.200.0.1/32',
    ]);
  });

  it('route-approved: advertised but in nobody’s PrimaryRoutes fails with the approval steps', () => {
    const results = diagnose({
      vip,
      hosts: [cp('cp1'), cp('cp2'), worker('w1')],
      status: {observer: 'w1', output: out(statusWithPrimary(undefined))},
    });
    const [entry] = only(results, 'route-approved');
    expect(entry?.status).toBe('fail');
    expect(entry?.host).toBe('w1');
    expect(entry?.evidence).toContain('advertised by: cp1, cp2');
    expect(entry?.fix?.actions).toEqual([]);
    // No primary: no primary router to judge.
    expect(only(results, 'vip-primary-apiserver')).toEqual([]);
  });

  it('vip-primary-apiserver: a primary whose apiserver refuses fails, and the fix withdraws only the VIP', () => {
    const results = diagnose(
      cluster([
        cp(primary, {
          readyz: out('', 7),
          prefs: out(
            prefsWith({RouteAll: true, AdvertiseRoutes: ['192.168.77.0/24', `${vip}/32`]}),
          ),
        }),
        cp('cp2'),
      ]),
    );
    const [entry] = only(results, 'vip-primary-apiserver');
    expect(entry?.status).toBe('fail');
    expect(entry?.host).toBe(primary);
    expect(entry?.evidence).toContain('connection refused');
    expect(entry?.fix?.commands[0]).toBe('sudo tailscale set --advertise-routes=192.168.77.0/24');
  });

  it('vip-primary-apiserver: a primary whose OS host name is mixed case (CP1) is found among the control planes', () => {
    // Tailscale keeps the OS host name's case (hostinfo.go FirstLabel); the plan's names are lowercased.
    const status = JSON.parse(statusWithPrimary(primary)) as {
      Peer: Record<string, {HostName: string}>;
    };
    for (const peer of Object.values(status.Peer))
      if (peer.HostName === primary) peer.HostName = 'PgsHospital';
    const results = diagnose({
      ...cluster([cp(primary, {readyz: out('', 7)}), cp('cp2')]),
      status: {observer: 'w1', output: out(JSON.stringify(status))},
    });
    const [entry] = only(results, 'vip-primary-apiserver');
    expect(entry?.host).toBe(primary);
    expect(entry?.explanation).toContain('its apiserver does not answer');
    expect(entry?.explanation).not.toContain('not a control plane');
    expect(only(results, 'route-approved')[0]?.evidence).toContain(`${primary} has`);
  });

  it('health-gate: inactive fails; active but still holding the VIP with a dead apiserver fails', () => {
    const results = diagnose(
      cluster([cp('cp2', {healthGate: out('inactive\n', 3)}), cp('cp3', {readyz: out('', 7)})]),
    );
    expect(only(results, 'health-gate', 'cp2')[0]?.status).toBe('fail');
    expect(only(results, 'health-gate', 'cp3')[0]?.explanation).toContain('still holds the VIP');
  });

  it('apiserver-cert-san: a certificate without the VIP fails and names what it does hold', () => {
    expect(subjectAltNames(goodCert)).toContain(`IP Address:${vip}`);
    const [entry] = only(
      diagnose(cluster([cp('cp2', {apiserverCert: apiserverCert(['10.96.0.1', '100.64.10.12'])})])),
      'apiserver-cert-san',
    );
    expect(entry?.status).toBe('fail');
    expect(entry?.evidence).toContain('IP Address:100.64.10.12');
    expect(entry?.evidence).not.toContain(vip);
    expect(entry?.fix?.commands.join('\n')).toContain(
      `--apiserver-cert-extra-sans ${vip},100.64.10.11,cp2.tail-lab.ts.net`,
    );
    expect(createPublicKey(goodCert)).toBeDefined();
  });

  it('apiserver-cert-san: the fix keeps a custom service CIDR, so the kubernetes service IP stays in the certificate', () => {
    const [entry] = only(
      diagnose({
        ...cluster([cp('cp2', {apiserverCert: apiserverCert(['10.43.0.1', '100.64.10.12'])})]),
        serviceCidr: '10.43.0.0/16',
      }),
      'apiserver-cert-san',
    );
    const certs = entry?.fix?.commands.find((command) => command.includes('phase certs apiserver'));
    expect(certs).toMatch(/ --service-cidr 10\.43\.0\.0\/16( |$)/);
  });

  it('clock-skew: one host 5 s ahead fails, the others pass (the median is the reference)', () => {
    const results = diagnose(
      cluster([
        cp('cp1', {clock: {remote: 1000.05, sentAt: 1000, receivedAt: 1000.1}}),
        cp('cp2', {clock: {remote: 1005.05, sentAt: 1000, receivedAt: 1000.1}}),
        worker('w1', {clock: {remote: 1000.06, sentAt: 1000, receivedAt: 1000.1}}),
      ]),
    );
    expect(only(results, 'clock-skew').map((entry) => `${entry.host}:${entry.status}`)).toEqual([
      'cp1:pass',
      'cp2:fail',
      'w1:pass',
    ]);
    expect(only(results, 'clock-skew', 'cp2')[0]?.explanation).toContain('5.0 s ahead');
  });

  it("key-expiry: the node's own status, read when doctor looked: fails within 30 days with the console fix", () => {
    expect(only(diagnose(cluster(healthy())), 'key-expiry', 'w1')[0]).toMatchObject({
      status: 'pass',
      evidence: 'tailscale status: KeyExpiry 2026-12-10T04:59:21Z, tags none',
    });
    const late = only(
      diagnose(cluster(healthy(), Date.parse('2026-11-24T00:00:00Z'))),
      'key-expiry',
    );
    expect(late.map((entry) => entry.status)).toEqual(['fail', 'fail', 'fail']);
    expect(late[0]?.explanation).toContain('node key expires in 16 days (2026-12-10)');
    expect(late[0]?.fix?.summary).toContain('Disable key expiry');
  });

  it('relayed-path: a control plane that reaches another only via DERP, or not at all, fails', () => {
    const relayed = cp(primary, {
      pings: [
        {
          peer: '100.64.10.12',
          output: out(
            'pong from cp2 (100.64.10.12) via DERP(fra) in 46ms\npong from cp2 (100.64.10.12) via DERP(fra) in 45ms\n',
            1,
            'direct connection not established\n',
          ),
        },
      ],
    });
    const silent = cp('cp2', {pings: [{peer: '100.64.10.11', output: out('', 1, 'no reply\n')}]});
    const results = diagnose(cluster([relayed, silent, worker('w1')]));
    expect(failures(results).filter((entry) => entry.startsWith('relayed-path'))).toEqual([
      `relayed-path@${primary}`,
      'relayed-path@cp2',
    ]);
    expect(only(results, 'relayed-path', primary)[0]?.explanation).toContain(
      'only through a relay (DERP(fra))',
    );
    expect(only(results, 'relayed-path', 'cp2')[0]?.explanation).toContain('gets no reply');
  });

  it('mtu: Cilium at 1280 on tailscale0 at 1280 passes, saying what pods get', () => {
    const [entry] = only(diagnose(cluster(healthy())), 'mtu');
    expect(entry).toMatchObject({
      status: 'pass',
      host: primary,
      evidence: `tailscale0 MTU: ${primary} 1280, cp2 1280, w1 1280; Cilium MTU: 1280`,
    });
    expect(entry?.explanation).toContain('pods get 1230');
  });

  it('mtu: Cilium without an MTU (it would take eth0, 1500) fails with the helm fix on a control plane', () => {
    const {MTU: _, ...values} = wizardCilium;
    const [entry] = only(
      diagnose({...cluster(healthy()), cilium: {host: 'cp2', output: ciliumValues(values)}}),
      'mtu',
    );
    expect(entry?.status).toBe('fail');
    expect(entry?.host).toBe('cp2');
    expect(entry?.evidence).toContain('Cilium MTU: unset');
    expect(entry?.explanation).toContain('no MTU set');
    expect(entry?.fix?.commands).toEqual([
      'sudo helm upgrade cilium cilium --repo https://helm.cilium.io --namespace kube-system --reuse-values --set MTU=1280 --kubeconfig /etc/kubernetes/admin.conf',
      'sudo kubectl --kubeconfig /etc/kubernetes/admin.conf --namespace kube-system rollout restart daemonset/cilium',
    ]);
    expect(entry?.fix?.actions).toHaveLength(2);
  });

  it('mtu: Cilium larger than the smallest tailscale0 fails and proposes that one', () => {
    const hosts = [cp(primary), cp('cp2', {tailscaleLink: tailscaleLink(1200)}), worker('w1')];
    const [entry] = only(
      diagnose({
        ...cluster(hosts),
        cilium: {host: primary, output: ciliumValues({...wizardCilium, MTU: 1500})},
      }),
      'mtu',
    );
    expect(entry?.status).toBe('fail');
    expect(entry?.evidence).toBe(
      `tailscale0 MTU: ${primary} 1280, cp2 1200, w1 1280; Cilium MTU: 1500`,
    );
    expect(entry?.explanation).toContain("Cilium's MTU 1500 is larger than tailscale0's 1200");
    expect(entry?.fix?.commands[0]).toContain('--set MTU=1200');
  });

  it('mtu: no tailscale0 anywhere, or helm unreadable, is unknown with what was seen', () => {
    const noLink = out('', 1, 'Device "tailscale0" does not exist.\n');
    const gone = [cp(primary, {tailscaleLink: noLink}), worker('w1', {tailscaleLink: noLink})];
    const [none] = only(diagnose(cluster(gone)), 'mtu');
    expect(none?.status).toBe('unknown');
    expect(none?.evidence).toContain('Device "tailscale0" does not exist.');
    const [helm] = only(
      diagnose({
        ...cluster(healthy()),
        cilium: {host: primary, output: out('', 1, 'Error: release: not found\n')},
      }),
      'mtu',
    );
    expect(helm?.status).toBe('unknown');
    expect(helm?.evidence).toContain('helm get values cilium: exit 1: Error: release: not found');
  });

  it('an unreachable host makes its checks unknown, quoting why', () => {
    const results = diagnose(
      cluster([
        cp(primary),
        {
          host: 'w9',
          role: 'worker',
          ip: '',
          dnsName: '',
          unreachable: 'ssh w9: connect ECONNREFUSED',
        },
      ]),
    );
    const w9 = results.filter((entry) => entry.host === 'w9');
    expect(w9.length).toBeGreaterThan(3);
    expect(
      w9.every((entry) => entry.status === 'unknown' && entry.evidence.includes('ECONNREFUSED')),
    ).toBe(true);
    expect(overallStatus(results)).toBe('unknown');
  });
});
