// Which hosts doctor looks at without a plan: the VIP from a kubeconfig, the
// control planes from who the tailnet says routes VIP/32.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {
  advertisersOf,
  doctorPlan,
  kubeconfigApiAddress,
  peerRef,
} from '../../source/core/doctor/targets.js';
import {InputError} from '../../source/core/errors.js';
import {parseStatus} from '../../source/core/tailnet/parse-status.js';

const vip = '10.200.0.1';
// A real headscale capture, with two of its linux peers made routers of the VIP (approved: AllowedIPs).
const tailnet = () => {
  const status = JSON.parse(
    readFileSync(
      new URL(
        '../../fixtures/real/tailscale-status-headscale-39peers-routes-tags-1.98.2.json',
        import.meta.url,
      ),
      'utf8',
    ),
  ) as {Peer: Record<string, {HostName: string; OS: string; AllowedIPs: string[] | null}>};
  const linux = Object.values(status.Peer)
    .filter((peer) => peer.OS === 'linux')
    .slice(0, 2);
  for (const peer of linux) peer.AllowedIPs = [...(peer.AllowedIPs ?? []), `${vip}/32`];
  return {
    parsed: parseStatus(JSON.stringify(status), 'fixture'),
    routers: linux.map((peer) => peer.HostName),
  };
};

const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
current-context: homelab
contexts:
- name: other
  context: {cluster: other, user: x}
- name: homelab
  context: {cluster: homelab, user: homelab-admin}
clusters:
- name: other
  cluster: {server: "https://192.168.1.5:6443"}
- name: homelab
  cluster: {server: "${server}"}
`;

describe('doctor targets', () => {
  it("the current context's server is the VIP", () => {
    expect(kubeconfigApiAddress(kubeconfig(`https://${vip}:6443`), 'config')).toBe(vip);
    expect(() => kubeconfigApiAddress(kubeconfig('https://cp1.example:6443'), 'config')).toThrow(
      InputError,
    );
  });

  it('the control planes are the peers whose approved routes include VIP/32; doctorPlan resolves them', () => {
    const {parsed, routers} = tailnet();
    const peers = advertisersOf(parsed, vip);
    expect(peers.map((peer) => peer.hostName).sort()).toEqual([...routers].sort());
    // Host names repeat on this tailnet: doctor names the peers by address.
    const found = peers.map(peerRef);
    const plan = doctorPlan(parsed, {
      vip,
      controlPlanes: found,
      workers: [found[0] ?? ''],
      access: {user: 'root', auth: {kind: 'agent'}},
    });
    // A host named twice stays a control plane.
    expect(plan.nodes.map((node) => node.role)).toEqual(['control-plane', 'control-plane']);
    expect(plan.nodes.map((node) => node.ip).sort()).toEqual([...found].sort());
    expect(plan.network.vip).toBe(vip);
    expect(() =>
      doctorPlan(parsed, {vip, controlPlanes: ['no-such-host'], workers: [], access: plan.access}),
    ).toThrow(/Unknown node "no-such-host"/);
  });
});
