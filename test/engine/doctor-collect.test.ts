// What doctor's collection reads for the MTU check: tailscale0 on every node,
// and Cilium's Helm values from the first control plane that can give them.
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
});
