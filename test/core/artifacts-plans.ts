// Fixed plans for the artifact tests, built the way the wizard builds them:
// the demo tailnet at a fixed date, through buildPlan.
import {buildPlan} from '../../source/core/plan/build.js';
import {defaults} from '../../source/core/plan/defaults.js';
import {defaultEndpoint, type EndpointKind} from '../../source/core/plan/endpoint.js';
import type {Plan} from '../../source/core/plan/types.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';
import type {Tailnet} from '../../source/core/tailnet/types.js';

export const demo = demoTailnet(new Date('2026-11-24T00:00:00Z'));

export const idOf = (tailnet: Tailnet, hostName: string): string => {
  const peer = tailnet.peers.find((candidate) => candidate.hostName === hostName);
  if (!peer) throw new Error(`no demo peer ${hostName}`);
  return peer.id;
};

export const planFor = (
  kubernetesVersion: string,
  controlPlanes: readonly string[],
  workers: readonly string[],
  tailnet: Tailnet = demo,
  endpoint: {readonly kind: EndpointKind; readonly vip: string} = {
    kind: defaultEndpoint,
    vip: defaults.vip,
  },
): Plan =>
  buildPlan(tailnet, {
    controlPlanes: controlPlanes.map((host) => idOf(tailnet, host)),
    workers: workers.map((host) => idOf(tailnet, host)),
    network: {
      endpoint: endpoint.kind,
      vip: endpoint.vip,
      podCidr: defaults.podCidr,
      serviceCidr: defaults.serviceCidr,
    },
    kubernetesVersion,
    clusterName: defaults.clusterName,
    access: {user: defaults.sshUser, auth: {kind: 'agent'}},
  });

// The NAS already routes the LAN (192.168.1.0/24): as a control plane it shows
// that advertising the VIP keeps that route.
export const goldenControlPlanes = ['rpi4-a', 'rpi4-b', 'nas'] as const;
export const goldenWorkers = ['opi5', 'nuc'] as const;

/** The LAN endpoints' VIP: a free address in the demo LAN, 192.168.1.0/24. */
export const lanVip = '192.168.1.250';

/**
 * Golden case name -> plan. A: Kubernetes 1.36 (v1beta4); B: 1.30 with a patch
 * (v1beta3); C: keepalived + HAProxy on 1.36; D: kube-vip on 1.36 (the init
 * node mounts super-admin.conf); E: kube-vip on 1.28 (no super-admin.conf yet).
 */
export const goldenCases: Record<string, Plan> = {
  A: planFor('1.36', goldenControlPlanes, goldenWorkers),
  B: planFor('1.30.14', goldenControlPlanes, goldenWorkers),
  C: planFor('1.36', goldenControlPlanes, goldenWorkers, demo, {
    kind: 'keepalived-haproxy',
    vip: lanVip,
  }),
  D: planFor('1.36', goldenControlPlanes, goldenWorkers, demo, {kind: 'kube-vip', vip: lanVip}),
  E: planFor('1.28', goldenControlPlanes, goldenWorkers, demo, {kind: 'kube-vip', vip: lanVip}),
};
