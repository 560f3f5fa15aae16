// kube-vip (issue 11, seed 002): a static pod on every control plane, in ARP
// mode with leader election; the leader of the Lease plndr-cp-lock puts the
// VIP on its LAN interface. It balances nothing: VIP:6443 reaches the
// leader's own apiserver.
//
// Holder: the control plane with the VIP on its LAN interface, read as for
// keepalived (lan-vip-holding.ts); two at once is split brain, never a holder.
//
// Served without the old holder: only from another holder, whatever was
// stopped. After an apiserver stop the leader's kube-vip cannot renew the
// Lease through its apiserver (kube-vip talks to `kubernetes:6443`, its own
// node); client-go's leader election gives up after the renew deadline and
// kube-vip's OnStoppedLeading deletes the VIP (election/election.go in
// kube-vip v1.1.2, as the simulated kube-vip in source/sim/kube-vip.ts
// follows it); another takes the Lease once it is the lease duration old.
// Until then the VIP leads to a stopped apiserver, so no answer comes from
// the old holder. One leader at a time: the first good answer is the new
// one's.
//
// --node-down moves kube-vip's manifest out of /etc/kubernetes/manifests, as
// the apiserver stop does with the apiserver's: the kubelet stops the pod,
// and kube-vip on SIGTERM releases the Lease (ReleaseOnCancel) and deletes
// the VIP, so the next leader need not wait out the lease. The drill puts the
// manifest back; a node guard does so if the drill never gets to it.
//
// Settled: the restored node's manifest is back (settle checks that for
// --node-down; the apiserver stop never moved it) and one control plane holds
// the VIP. kube-vip does not preempt: the VIP stays with the new leader, so
// the drill does not wait for it to come back.
import {kubeVipManifestPath} from '../../core/artifacts/kube-vip.js';
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {apiEndpoint} from '../../core/artifacts/vip.js';
import {manifestInPlaceArgv} from '../../core/drill/commands.js';
import type {Holding} from '../../core/drill/holder.js';
import {InputError} from '../../core/errors.js';
import {controlPlanes} from '../../core/plan/build.js';
import type {Plan, PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';
import {lanVipHolding} from './lan-vip-holding.js';
import type {EndpointStrategy} from './strategy.js';

/** kube-vip's static pod, as its manifest is named (core/artifacts/kube-vip.ts writes it). */
const kubeVipPod = 'kube-vip';

export const kubeVip = (plan: Plan): EndpointStrategy => {
  const vip = lanVip(plan.network.vip);
  if (vip === undefined)
    throw new InputError(
      `The plan's VIP ${plan.network.vip} is not an IPv4 address, which kube-vip needs; the drill has nothing to watch.`,
    );
  const cps = controlPlanes(plan);
  const holder = (on: (node: PlanNode) => Host) => lanVipHolding(vip, cps, on);
  return {
    kind: 'kube-vip',
    address: apiEndpoint(plan),
    label: `the VIP ${vip} (kube-vip)`,
    holder,
    servedWithout: (before: PlanNode, now: Holding) =>
      now.kind === 'node' && now.node.name !== before.name,
    steadyLooks: 1,
    nodeDown: {kind: 'manifest', pod: kubeVipPod, name: 'kube-vip'},
    settledWhat: `${kubeVipManifestPath} in place, and one control plane holding the VIP`,
    settled: async (node: PlanNode, on: (node: PlanNode) => Host) => {
      const manifest = await on(node).exec(manifestInPlaceArgv(kubeVipPod), {
        sudo: true,
        timeoutMs: 10_000,
      });
      return manifest.code === 0 && (await holder(on)).kind === 'node';
    },
  };
};
