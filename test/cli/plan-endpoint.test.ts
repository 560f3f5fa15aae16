// `plan --endpoint` (issue 11) through the built CLI, and plan.json files
// written before the endpoint existed, loading as the Tailscale VIP they meant.
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadPlan} from '../../source/commands/shared.js';
import {runCli} from '../support/cli.js';

const now = {HA_WIZARD_NOW: '2026-11-24T00:00:00Z'};
const temp = () => mkdtempSync(join(tmpdir(), 'ha-wizard-test-'));
const nodes = ['--demo', '--control-plane', 'rpi4-a,rpi4-b,opi5', '--worker', 'nuc'];

describe('ha-wizard plan --endpoint', () => {
  it('keepalived-haproxy: the API at VIP:8443, plan.json records it, and its files are written', () => {
    const out = join(temp(), 'homelab');
    const result = runCli(
      [
        'plan',
        ...nodes,
        '--endpoint',
        'keepalived-haproxy',
        '--vip',
        '192.168.1.250',
        '--out',
        out,
      ],
      now,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      'Cluster homelab: Kubernetes 1.36, API at 192.168.1.250:8443 (keepalived + HAProxy), pods 10.244.0.0/16, services 10.96.0.0/12, Cilium 1.18.6',
    );
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(plan.schemaVersion).toBe(1);
    expect(plan.network).toEqual({
      endpoint: 'keepalived-haproxy',
      vip: '192.168.1.250',
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.96.0.0/12',
    });
    expect(plan.nodes[0].lanAddresses).toEqual(['192.168.1.11']);
    expect(existsSync(join(out, 'keepalived', 'rpi4-a.conf'))).toBe(true);
    expect(existsSync(join(out, 'haproxy', 'haproxy.cfg'))).toBe(true);
    expect(existsSync(join(out, 'network', 'lo1.netdev'))).toBe(false);
    expect(readFileSync(join(out, 'kubeadm', 'init.yaml'), 'utf8')).toContain(
      'controlPlaneEndpoint: 192.168.1.250:8443',
    );
  });

  it('defaults to the Tailscale VIP', () => {
    const out = join(temp(), 'homelab');
    expect(runCli(['plan', ...nodes, '--out', out], now).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')).network.endpoint).toBe(
      'tailscale-vip',
    );
    expect(existsSync(join(out, 'network', 'lo1.netdev'))).toBe(true);
  });

  it('keeps the --json contract: {ok, findings, nodes}, the LAN findings among them', () => {
    const result = runCli(
      ['plan', ...nodes, '--endpoint', 'kube-vip', '--vip', '10.9.9.9', '--json'],
      now,
    );
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(['ok', 'findings', 'nodes']);
    expect(json.ok).toBe(true);
    expect(json.findings.map((finding: {severity: string; code: string}) => finding.code)).toEqual([
      'lan-vip-off-subnet',
    ]);
  });

  it('refuses an unknown endpoint in one sentence naming the valid ones, exit 1', () => {
    const result = runCli(['plan', ...nodes, '--endpoint', 'vrrp'], now);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "ha-wizard: Option '--endpoint <kind>' argument 'vrrp' is invalid. Use tailscale-vip, keepalived-haproxy or kube-vip.\n",
    );
  });
});

describe('plan.json from before the endpoint existed', () => {
  const oldPlan = {
    schemaVersion: 1,
    clusterName: 'homelab',
    kubernetesVersion: '1.36',
    network: {vip: '10.200.0.1', podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12'},
    nodes: [
      {
        id: 'n1',
        name: 'rpi4-a',
        dnsName: 'rpi4-a.tail-demo.ts.net',
        ip: '100.101.7.11',
        role: 'control-plane',
        os: 'linux',
        online: true,
        tags: [],
        advertisedRoutes: [],
        keyExpired: false,
      },
    ],
    access: {user: 'root', auth: {kind: 'agent'}},
    allowEvenControlPlanes: false,
    tailnetRoutes: [],
  };
  const write = (plan: unknown) => {
    const dir = temp();
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    return dir;
  };

  it('loads as the Tailscale VIP, its nodes without LAN addresses', async () => {
    const plan = await loadPlan(write(oldPlan));
    expect(plan.network.endpoint).toBe('tailscale-vip');
    expect(plan.nodes[0]).not.toHaveProperty('lanAddresses');
  });

  it('keeps a recorded endpoint and LAN addresses', async () => {
    const plan = await loadPlan(
      write({
        ...oldPlan,
        network: {...oldPlan.network, endpoint: 'kube-vip'},
        nodes: [{...oldPlan.nodes[0], lanAddresses: ['192.168.1.11']}],
      }),
    );
    expect(plan.network.endpoint).toBe('kube-vip');
    expect(plan.nodes[0]?.lanAddresses).toEqual(['192.168.1.11']);
  });

  it('refuses an endpoint it does not know, in one sentence', async () => {
    const dir = write({...oldPlan, network: {...oldPlan.network, endpoint: 'vrrp'}});
    await expect(loadPlan(dir)).rejects.toThrow(
      /^.*plan\.json is not a plan ha-wizard can run: .* at network\.endpoint\.$/,
    );
  });
});
