// The plan a user makes on the demo tailnet with the wizard's defaults: three
// control planes (rpi4-a first: the init node) and two workers, which is what
// its devices suggest (the Raspberry Pis and the Orange Pi carry tag:k8s).
import {defaultEndpoint} from '../../source/core/plan/endpoint.js';
import {buildPlan} from '../../source/core/plan/build.js';
import {defaults} from '../../source/core/plan/defaults.js';
import type {Plan} from '../../source/core/plan/types.js';
import {demoTailnet} from '../../source/core/tailnet/demo.js';

export const demoPlan = (now: Date): Plan => {
  const tailnet = demoTailnet(now);
  const ids = (names: readonly string[]) =>
    names.map((name) => {
      const peer = tailnet.peers.find((candidate) => candidate.hostName === name);
      if (!peer) throw new Error(`no ${name} on the demo tailnet`);
      return peer.id;
    });
  return buildPlan(tailnet, {
    controlPlanes: ids(['rpi4-a', 'rpi4-b', 'opi5']),
    workers: ids(['nuc', 'cloud-arm']),
    network: {
      endpoint: defaultEndpoint,
      vip: defaults.vip,
      podCidr: defaults.podCidr,
      serviceCidr: defaults.serviceCidr,
    },
    kubernetesVersion: defaults.kubernetesVersion,
    clusterName: defaults.clusterName,
    access: {user: defaults.sshUser, auth: {kind: 'agent'}},
  });
};
