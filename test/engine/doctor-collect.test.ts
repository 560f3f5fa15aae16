// What doctor's collection reads for the MTU check: tailscale0 on every node,
// and Cilium's Helm values from the first control plane that can give them;
// and per endpoint (issue 11), what else a control plane is asked.
import {describe, expect, test} from 'vitest';
import {diagnose} from '../../source/core/doctor/index.js';
import {collectEvidence} from '../../source/engine/doctor/collect.js';
import {demoPlan} from '../support/demo-plan.js';
import {FakeHost} from '../support/fake-host.js';

const link = (mtu: number) => ({stdout: JSON.stringify([{ifname: 'tailscale0', mtu}])});

describe('doctor collection', () => {
  test("tailscale0's MTU on every node; Cilium's values from the next control plane when the first cannot", async () => {
    const plan = demoPlan(new Date('2026-11-24T00:00:00Z'));
    const hosts = new Map(
      plan.nodes.map((node) => [
        node.name,
        new FakeHost(node.name).on(['ip', '-j', 'link', 'show', 'dev', 'tailscale0'], link(1280)),
      ]),
    );
    const [first, second] = plan.nodes.filter((node) => node.role === 'control-plane');
    hosts
      .get(first!.name)!
      .on(/^helm get values cilium/, {code: 127, stderr: 'sh: 1: helm: not found\n'});
    hosts.get(second!.name)!.on(/^helm get values cilium/, {stdout: '{"routingMode":"tunnel"}'});

    const evidence = await collectEvidence(plan, {
      hostFor: (node) => hosts.get(node.name)!,
      sampleSeconds: 0,
    });

    expect(evidence.hosts.map((host) => host.tailscaleLink?.stdout)).toEqual(
      plan.nodes.map(() => link(1280).stdout),
    );
    expect(evidence.cilium?.host).toBe(second!.name);
    expect(hosts.get(second!.name)!.lines()).toContain(
      'sudo helm get values cilium --namespace kube-system --output json --kubeconfig /etc/kubernetes/admin.conf',
    );
    // Values without MTU: the check fails on the host that answered, with its fix.
    const [mtu] = diagnose(evidence).filter((result) => result.id === 'mtu');
    expect(mtu).toMatchObject({status: 'fail', host: second!.name});
  });

  test("when no control plane can give Cilium's values, the init node's answer is the one reported", async () => {
    const plan = demoPlan(new Date('2026-11-24T00:00:00Z'));
    const hosts = new Map(
      plan.nodes.map((node) => [
        node.name,
        new FakeHost(node.name)
          .on(['ip', '-j', 'link', 'show', 'dev', 'tailscale0'], link(1280))
          .on(/^helm get values cilium/, {
            code: 1,
            stderr: `Error: Kubernetes cluster unreachable (${node.name})\n`,
          }),
      ]),
    );
    const evidence = await collectEvidence(plan, {
      hostFor: (node) => hosts.get(node.name)!,
      sampleSeconds: 0,
    });
    const init = plan.nodes[0]!;
    expect(evidence.cilium?.host).toBe(init.name);
    const [mtu] = diagnose(evidence).filter((result) => result.id === 'mtu');
    expect(mtu).toMatchObject({status: 'unknown', host: init.name});
    expect(mtu?.evidence).toContain(`Kubernetes cluster unreachable (${init.name})`);
  });

  test('a keepalived + HAProxy plan: addresses, keepalived, HAProxy and its stats on control planes; nothing of the Tailscale VIP', async () => {
    const base = demoPlan(new Date('2026-11-24T00:00:00Z'));
    const plan = {
      ...base,
      network: {...base.network, endpoint: 'keepalived-haproxy' as const, vip: '192.168.1.250'},
    };
    const hosts = new Map(plan.nodes.map((node) => [node.name, new FakeHost(node.name)]));
    const evidence = await collectEvidence(plan, {
      hostFor: (node) => hosts.get(node.name)!,
      sampleSeconds: 0,
    });
    expect(evidence.endpoint).toBe('keepalived-haproxy');
    expect(evidence.status).toBeUndefined();
    const [cp] = plan.nodes.filter((node) => node.role === 'control-plane');
    const lines = hosts.get(cp!.name)!.lines();
    expect(lines).toEqual(
      expect.arrayContaining([
        'ip -j -4 addr show',
        'systemctl is-active keepalived',
        'systemctl is-active haproxy',
        "curl -sS --max-time 5 'http://127.0.0.1:8404/stats;csv'",
      ]),
    );
    expect(lines.join('\n')).not.toMatch(/lo1|ha-wizard-health-gate/);
    const worker = plan.nodes.find((node) => node.role === 'worker')!;
    expect(hosts.get(worker.name)!.lines().join('\n')).not.toMatch(/keepalived|haproxy|8404/);
  });

  test("a kube-vip plan reads the manifest and the addresses, not keepalived's or HAProxy's", async () => {
    const base = demoPlan(new Date('2026-11-24T00:00:00Z'));
    const plan = {
      ...base,
      network: {...base.network, endpoint: 'kube-vip' as const, vip: '192.168.1.250'},
    };
    const [cp] = plan.nodes.filter((node) => node.role === 'control-plane');
    const hosts = new Map(
      plan.nodes.map((node) => [
        node.name,
        new FakeHost(
          node.name,
          node === cp ? {'/etc/kubernetes/manifests/kube-vip.yaml': 'kind: Pod\n'} : {},
        ),
      ]),
    );
    const evidence = await collectEvidence(plan, {
      hostFor: (node) => hosts.get(node.name)!,
      sampleSeconds: 0,
    });
    const planes = evidence.hosts.filter((host) => host.role === 'control-plane');
    expect(planes.map((host) => host.kubeVipManifest)).toEqual(['kind: Pod\n', null, null]);
    expect(hosts.get(cp!.name)!.lines()).toContain('ip -j -4 addr show');
    expect(hosts.get(cp!.name)!.lines().join('\n')).not.toMatch(/keepalived|haproxy/);
  });
});
