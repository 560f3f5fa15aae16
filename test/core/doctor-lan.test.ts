// doctor's checks for the LAN endpoints (issue 11) on real output: `ip -j -4
// addr show` as iproute2 prints it with keepalived's secondary VIP, HAProxy
// 2.6's CSV stats (fixtures/real/haproxy-stats-csv-*), kube-vip's manifest as
// the wizard generates it. Which checks run for which endpoint, what each
// decides, the evidence it quotes and the fix it proposes.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {kubeVipManifest} from '../../source/core/artifacts/kube-vip.js';
import type {ClusterEvidence, HostEvidence} from '../../source/core/doctor/evidence.js';
import {
  parseHaproxyCsv,
  serverStateText,
  serverUp,
} from '../../source/core/doctor/haproxy-stats.js';
import {checksFor, diagnose, overallStatus} from '../../source/core/doctor/index.js';
import {kubeVipKubeconfig} from '../../source/core/doctor/kube-vip-manifest.js';
import {lanHolders} from '../../source/core/net/lan-holder.js';
import type {PlanNode} from '../../source/core/plan/types.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/real/${name}`, import.meta.url), 'utf8');
const out = (stdout: string, code = 0, stderr = '') => ({code, stdout, stderr});

const vip = '10.77.0.250';
const lanAddress: Record<string, string> = {
  cp1: '10.77.0.11',
  cp2: '10.77.0.12',
  cp3: '10.77.0.13',
};
const tailscaleIp: Record<string, string> = {
  cp1: '100.64.0.1',
  cp2: '100.64.0.2',
  cp3: '100.64.0.3',
};
/** `ip -j -4 addr show` on a lab control plane; keepalived's VIP is a secondary address on lan0. */
const addresses = (host: string, holds: boolean) =>
  JSON.stringify([
    {
      ifindex: 1,
      ifname: 'lo',
      addr_info: [{family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo'}],
    },
    {
      ifindex: 3,
      ifname: 'lan0',
      addr_info: [
        {family: 'inet', local: lanAddress[host], prefixlen: 24, scope: 'global', label: 'lan0'},
        ...(holds
          ? [
              {
                family: 'inet',
                local: vip,
                prefixlen: 24,
                scope: 'global',
                secondary: true,
                label: 'lan0',
              },
            ]
          : []),
      ],
    },
  ]);

// The real captures name their servers cp1-cp3, as haproxy.cfg does for these nodes.
const allUp = fixture('haproxy-stats-csv-2.6.12-cp2-refused-cp3-badresponse.csv')
  .replace(/,DOWN,1,1,0,1,1,7,7,/g, ',UP,1,1,0,0,0,8,0,')
  .replaceAll('L4CON', 'L7OK')
  .replaceAll('L7RSP', 'L7OK')
  .replaceAll(',Connection refused,', ',,');
const cp1Refused = fixture('haproxy-stats-csv-2.6.12-cp1-refused.csv');

const lanCp = (name: string, overrides: Partial<HostEvidence> = {}): HostEvidence => ({
  host: name,
  role: 'control-plane',
  ip: tailscaleIp[name] ?? '',
  dnsName: `${name}.lab.ts.net`,
  readyz: out('ok'),
  lanAddresses: out(addresses(name, name === 'cp1')),
  keepalivedActive: out('active\n'),
  haproxyActive: out('active\n'),
  haproxyStats: out(allUp),
  ...overrides,
});

const lanCluster = (
  hosts: HostEvidence[],
  endpoint: ClusterEvidence['endpoint'] = 'keepalived-haproxy',
): ClusterEvidence => ({vip, endpoint, hosts});
const healthy = () => [lanCp('cp1'), lanCp('cp2'), lanCp('cp3')];
const only = (results: ReturnType<typeof diagnose>, id: string, host?: string) =>
  results.filter((entry) => entry.id === id && (host === undefined || entry.host === host));
const failures = (results: ReturnType<typeof diagnose>) =>
  results.filter((entry) => entry.status !== 'pass').map((entry) => `${entry.id}@${entry.host}`);
/** The LAN endpoints' own checks (the hosts here carry no evidence for the node basics). */
const lanIds = [
  'lan-vip-holder',
  'keepalived-active',
  'haproxy-running',
  'haproxy-backend',
  'kube-vip-manifest',
];
const lanResults = (cluster: ClusterEvidence) =>
  diagnose(cluster).filter((entry) => lanIds.includes(entry.id));

describe('checks per endpoint', () => {
  it('the Tailscale VIP checks run only for the Tailscale VIP; the node basics for every endpoint', () => {
    const ids = (endpoint: Parameters<typeof checksFor>[0]) =>
      checksFor(endpoint).map((check) => check.id);
    const tailscaleOnly = [
      'vip-primary-apiserver',
      'health-gate',
      'lo1-vip',
      'vip-advertised',
      'accept-routes',
      'route-approved',
      'route-approved-each',
    ];
    const everywhere = [
      'cgroup-driver',
      'control-plane-restarts',
      'kubelet-active',
      'swap',
      'relayed-path',
      'mtu',
      'key-expiry',
      'apiserver-cert-san',
      'clock-skew',
    ];
    expect(ids('tailscale-vip')).toEqual(expect.arrayContaining([...tailscaleOnly, ...everywhere]));
    expect(ids('keepalived-haproxy')).toEqual([
      'cgroup-driver',
      'control-plane-restarts',
      'kubelet-active',
      'swap',
      'lan-vip-holder',
      'keepalived-active',
      'haproxy-running',
      'haproxy-backend',
      'relayed-path',
      'mtu',
      'key-expiry',
      'apiserver-cert-san',
      'clock-skew',
    ]);
    expect(ids('kube-vip')).toEqual([
      ...everywhere.slice(0, 4),
      'lan-vip-holder',
      'kube-vip-manifest',
      ...everywhere.slice(4),
    ]);
    // A plan from before issue 11 has no endpoint: the Tailscale VIP's checks.
    expect(checksFor(undefined)).toEqual(checksFor('tailscale-vip'));
  });

  it('a healthy keepalived + HAProxy cluster passes the LAN checks and gets none of the Tailscale VIP ones', () => {
    const results = lanResults(lanCluster(healthy()));
    expect(failures(results)).toEqual([]);
    expect(results.map((entry) => `${entry.id}@${entry.host}`)).toEqual([
      'lan-vip-holder@cp1',
      'keepalived-active@cp1',
      'keepalived-active@cp2',
      'keepalived-active@cp3',
      'haproxy-running@cp1',
      'haproxy-running@cp2',
      'haproxy-running@cp3',
      'haproxy-backend@cp1',
      'haproxy-backend@cp2',
      'haproxy-backend@cp3',
    ]);
    expect(only(results, 'lan-vip-holder')[0]?.evidence).toBe(
      `ip -4 addr show: ${vip} on cp1 on lan0; not on cp2, cp3`,
    );
    expect(only(results, 'haproxy-backend', 'cp2')[0]?.evidence).toBe(
      "HAProxy's apiserverbackend/cp2 (100.64.0.2:6443) on cp1: UP (L7OK); on cp2: UP (L7OK); on cp3: UP (L7OK)",
    );
    const all = diagnose(lanCluster(healthy()));
    for (const id of ['lo1-vip', 'health-gate', 'vip-primary-apiserver', 'accept-routes'])
      expect(only(all, id)).toEqual([]);
  });
});

describe('lan-vip-holder', () => {
  it('none: the API is dark, named with the endpoint and the keepalived fix', () => {
    const hosts = healthy().map((host) => ({
      ...host,
      lanAddresses: out(addresses(host.host, false)),
    }));
    const [result] = only(diagnose(lanCluster(hosts)), 'lan-vip-holder');
    expect(result).toMatchObject({status: 'fail', host: 'cp1'});
    expect(result?.evidence).toBe(`ip -4 addr show: ${vip} on no control plane`);
    expect(result?.explanation).toContain(`the API at ${vip}:8443 is dark`);
    expect(result?.fix?.commands).toContain('sudo journalctl -u keepalived -n 30 --no-pager');
    expect(result?.fix?.actions).toEqual([]);
  });

  it('two: split brain, both named with their interfaces', () => {
    const hosts = healthy().map((host) =>
      host.host === 'cp3' ? {...host, lanAddresses: out(addresses('cp3', true))} : host,
    );
    const [result] = only(diagnose(lanCluster(hosts)), 'lan-vip-holder');
    expect(result).toMatchObject({status: 'fail', host: 'cp1'});
    expect(result?.evidence).toBe(
      `ip -4 addr show: ${vip} on cp1 on lan0, cp3 on lan0; not on cp2`,
    );
    expect(result?.explanation).toContain('Split brain: cp1 and cp3 both hold the VIP');
    expect(result?.fix?.summary).toContain('IP protocol 112');
  });

  it('nobody among those read, but one could not be read: unknown, not dark', () => {
    const hosts = [
      lanCp('cp1', {unreachable: 'connect ECONNREFUSED 100.64.0.1:22'}),
      lanCp('cp2'),
      lanCp('cp3'),
    ];
    const [result] = only(diagnose(lanCluster(hosts)), 'lan-vip-holder');
    expect(result).toMatchObject({status: 'unknown', host: 'cp1'});
    expect(result?.evidence).toBe(`ip -4 addr show: ${vip} on no control plane; not read on cp1`);
  });

  it('kube-vip: the same reading, with kube-vip’s fix', () => {
    const hosts = healthy().map((host) => ({
      ...host,
      lanAddresses: out(addresses(host.host, false)),
    }));
    const [result] = only(diagnose(lanCluster(hosts, 'kube-vip')), 'lan-vip-holder');
    expect(result?.explanation).toContain(`the API at ${vip}:6443 is dark`);
    expect(result?.fix?.commands).toContain('sudo crictl ps -a --name kube-vip');
  });

  it('the reader: holders with their interface, and unread nodes kept apart', () => {
    expect(
      lanHolders(vip, [
        {node: 'cp1', code: 0, stdout: addresses('cp1', true)},
        {node: 'cp2', code: 0, stdout: addresses('cp2', false)},
        {node: 'cp3', code: 1, stdout: ''},
        {node: 'cp4', code: 0, stdout: 'Object "addr" is unknown'},
      ]),
    ).toEqual({holders: [{node: 'cp1', interface: 'lan0'}], unread: ['cp3', 'cp4']});
    // 10.77.0.25 is not the VIP 10.77.0.250.
    expect(
      lanHolders('10.77.0.25', [{node: 'cp1', code: 0, stdout: addresses('cp1', true)}]).holders,
    ).toEqual([]);
  });
});

describe('keepalived-active and haproxy-running', () => {
  it('a stopped keepalived is named with systemctl start and its journal', () => {
    const hosts = healthy().map((host) =>
      host.host === 'cp2' ? {...host, keepalivedActive: out('inactive\n', 3)} : host,
    );
    const results = lanResults(lanCluster(hosts));
    expect(failures(results)).toEqual(['keepalived-active@cp2']);
    const [result] = only(results, 'keepalived-active', 'cp2');
    expect(result?.evidence).toBe('systemctl is-active keepalived: inactive');
    expect(result?.fix?.commands).toEqual([
      'sudo systemctl start keepalived',
      'sudo journalctl -u keepalived -n 30 --no-pager',
    ]);
    expect(result?.fix?.actions).toEqual([
      {kind: 'run', argv: ['systemctl', 'start', 'keepalived']},
    ]);
    expect(overallStatus(results)).toBe('fail');
  });

  it('a stopped HAProxy fails with its start; one without the stats listener is unknown, pointing at apply', () => {
    const refused = out(
      '',
      7,
      "curl: (7) Failed to connect to 127.0.0.1 port 8404 after 0 ms: Couldn't connect to server\n",
    );
    const hosts = healthy().map((host) =>
      host.host === 'cp2'
        ? {...host, haproxyActive: out('inactive\n', 3), haproxyStats: refused}
        : host.host === 'cp3'
          ? {...host, haproxyStats: refused}
          : host,
    );
    const results = lanResults(lanCluster(hosts));
    expect(failures(results)).toEqual(['haproxy-running@cp2', 'haproxy-running@cp3']);
    const [stopped] = only(results, 'haproxy-running', 'cp2');
    expect(stopped?.status).toBe('fail');
    expect(stopped?.fix?.commands[0]).toBe('sudo systemctl start haproxy');
    const [old] = only(results, 'haproxy-running', 'cp3');
    expect(old?.status).toBe('unknown');
    expect(old?.evidence).toContain('exit 7: curl: (7) Failed to connect to 127.0.0.1 port 8404');
    expect(old?.fix?.commands).toEqual(['ha-wizard apply --plan DIR']);
    // The backends are still judged from the HAProxy that answered.
    expect(only(results, 'haproxy-backend').map((entry) => entry.status)).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
  });
});

describe('haproxy-backend', () => {
  it('HAProxy 2.6 CSV: server rows only, status and check as HAProxy printed them', () => {
    const servers = parseHaproxyCsv(
      fixture('haproxy-stats-csv-2.6.12-cp2-refused-cp3-badresponse.csv'),
    );
    expect(servers?.map((row) => [row.server, serverStateText(row), serverUp(row)])).toEqual([
      ['cp1', 'UP (L7OK)', true],
      ['cp2', 'DOWN (L4CON, Connection refused)', false],
      ['cp3', 'DOWN (L7RSP)', false],
    ]);
    expect(servers?.every((row) => row.backend === 'apiserverbackend')).toBe(true);
    // Going down is still up; going up is still down (src/stats.c srv_hlt_st).
    const row = {backend: 'b', server: 's', checkStatus: '', lastCheck: ''};
    expect(serverUp({...row, status: 'UP 1/3'})).toBe(true);
    expect(serverUp({...row, status: 'DOWN 1/2'})).toBe(false);
    expect(serverUp({...row, status: 'MAINT'})).toBe(false);
    expect(parseHaproxyCsv('<html>503 Service Unavailable</html>')).toBeUndefined();
    // A field in quotes may hold a comma.
    expect(
      parseHaproxyCsv('# pxname,svname,status,last_chk\nb,s,DOWN,"refused, twice"\n')?.[0]
        ?.lastCheck,
    ).toBe('refused, twice');
  });

  it("a backend every HAProxy marks down is named with the control plane behind it and its apiserver's fix", () => {
    const hosts = healthy().map((host) => ({
      ...host,
      haproxyStats: out(cp1Refused),
      ...(host.host === 'cp1' ? {readyz: out('', 7)} : {}),
    }));
    const results = diagnose(lanCluster(hosts)).filter((entry) => entry.id === 'haproxy-backend');
    // The capture has cp3 down too (L7RSP, a TLS server without HTTP).
    expect(failures(results)).toEqual(['haproxy-backend@cp1', 'haproxy-backend@cp3']);
    const [cp1] = only(results, 'haproxy-backend', 'cp1');
    expect(cp1?.evidence).toBe(
      "HAProxy's apiserverbackend/cp1 (100.64.0.1:6443) on cp1: DOWN (L4CON, Connection refused); on cp2: DOWN (L4CON, Connection refused); on cp3: DOWN (L4CON, Connection refused); readyz on cp1: connection refused (nothing listens on 6443)",
    );
    expect(cp1?.explanation).toContain("HAProxy marks cp1's apiserver down");
    expect(cp1?.fix?.commands).toContain('sudo crictl ps -a --name kube-apiserver');
  });

  it('down as one HAProxy sees it only: the path between them is named', () => {
    const hosts = healthy().map((host) =>
      host.host === 'cp3'
        ? {
            ...host,
            haproxyStats: out(
              allUp.replace(
                /^apiserverbackend,cp2,(.*?),UP,(.*?),L7OK,/m,
                'apiserverbackend,cp2,$1,DOWN,$2,L4TOUT,',
              ),
            ),
          }
        : host,
    );
    const results = diagnose(lanCluster(hosts)).filter((entry) => entry.id === 'haproxy-backend');
    expect(failures(results)).toEqual(['haproxy-backend@cp2']);
    expect(only(results, 'haproxy-backend', 'cp2')[0]?.explanation).toContain(
      'HAProxy on cp3 marks cp2',
    );
  });

  it('a backend HAProxy is marking up again (DOWN 1/2 after good checks) is named as coming up', () => {
    const comingUp = allUp.replace(
      /^apiserverbackend,cp3,(.*?),UP,/m,
      'apiserverbackend,cp3,$1,DOWN 1/2,',
    );
    const hosts = healthy().map((host) => ({...host, haproxyStats: out(comingUp)}));
    const [result] = only(diagnose(lanCluster(hosts)), 'haproxy-backend', 'cp3');
    expect(result?.status).toBe('fail');
    expect(result?.evidence).toContain('on cp1: DOWN 1/2 (L7OK)');
    expect(result?.explanation).toContain("is marking cp3's apiserver up again");
  });

  it('a HAProxy with no server for a control plane says its config is not the plan’s', () => {
    const hosts = healthy().map((host) =>
      host.host === 'cp1'
        ? {...host, haproxyStats: out(allUp.replace(/^apiserverbackend,cp3,.*\n/m, ''))}
        : host,
    );
    const [result] = only(diagnose(lanCluster(hosts)), 'haproxy-backend', 'cp3');
    expect(result?.status).toBe('fail');
    expect(result?.evidence).toContain('on cp1: no server cp3');
    expect(result?.fix?.commands).toEqual(['ha-wizard apply --plan DIR']);
  });
});

describe('kube-vip-manifest', () => {
  const node = (name: string): PlanNode =>
    ({name, role: 'control-plane', ip: tailscaleIp[name]}) as unknown as PlanNode;
  const kubeVipCp = (name: string, manifest: string | null) =>
    lanCp(name, {
      keepalivedActive: undefined,
      haproxyActive: undefined,
      haproxyStats: undefined,
      kubeVipManifest: manifest,
    });
  const admin = (name: string) => kubeVipManifest(node(name), vip, '/etc/kubernetes/admin.conf');

  it('the generated manifests pass: admin.conf mounted on every control plane', () => {
    const results = diagnose(
      lanCluster(
        ['cp1', 'cp2', 'cp3'].map((name) => kubeVipCp(name, admin(name))),
        'kube-vip',
      ),
    ).filter((entry) => ['kube-vip-manifest', 'lan-vip-holder'].includes(entry.id));
    expect(failures(results)).toEqual([]);
    expect(only(results, 'kube-vip-manifest', 'cp2')[0]?.evidence).toBe(
      '/etc/kubernetes/manifests/kube-vip.yaml: hostPath /etc/kubernetes/admin.conf mounted at /etc/kubernetes/admin.conf',
    );
  });

  it('super-admin.conf left behind after init fails, and the fix puts admin.conf back with the backup outside the manifests directory', () => {
    const during = kubeVipManifest(node('cp1'), vip, '/etc/kubernetes/super-admin.conf');
    const results = diagnose(
      lanCluster(
        [kubeVipCp('cp1', during), kubeVipCp('cp2', admin('cp2')), kubeVipCp('cp3', null)],
        'kube-vip',
      ),
    ).filter((entry) => entry.id === 'kube-vip-manifest');
    expect(failures(results)).toEqual(['kube-vip-manifest@cp1', 'kube-vip-manifest@cp3']);
    const [cp1] = only(results, 'kube-vip-manifest', 'cp1');
    expect(cp1?.explanation).toContain('system:masters');
    // Backed up outside the manifests directory (kubelet would run a copy inside it), then sed.
    expect(cp1?.fix?.commands).toEqual([
      'sudo cp -p --backup=numbered /etc/kubernetes/manifests/kube-vip.yaml /etc/kubernetes/kube-vip.yaml.ha-wizard.bak',
      "sudo sed -i 's#/etc/kubernetes/super-admin.conf#/etc/kubernetes/admin.conf#' /etc/kubernetes/manifests/kube-vip.yaml",
    ]);
    expect(
      cp1?.fix?.actions.map((action) => (action.kind === 'run' ? action.argv[0] : '')),
    ).toEqual(['cp', 'sed']);
    // What that sed leaves passes the check.
    expect(
      kubeVipKubeconfig(
        during.replaceAll('/etc/kubernetes/super-admin.conf', '/etc/kubernetes/admin.conf'),
      ),
    ).toBe('/etc/kubernetes/admin.conf');
    const [cp3] = only(results, 'kube-vip-manifest', 'cp3');
    expect(cp3?.evidence).toBe('/etc/kubernetes/manifests/kube-vip.yaml: missing');
    expect(cp3?.fix?.commands).toEqual(['ha-wizard apply --plan DIR']);
  });

  it('a file that is no Pod manifest is named as such', () => {
    expect(kubeVipKubeconfig('not: [yaml')).toBeUndefined();
    expect(kubeVipKubeconfig('kind: Deployment\n')).toBeUndefined();
    expect(kubeVipKubeconfig('kind: Pod\nspec:\n  containers: [{name: kube-vip}]\n')).toBe('none');
  });
});
