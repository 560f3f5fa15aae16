// THE phase list: DOMAIN.md phases 3-13 in the order that IS the product.
// Each phase is one file; the runner (../runner.ts) does order, concurrency,
// events and failures. A phase of one endpoint only (its `endpoints`) is left
// out of other plans' runs: the Tailscale VIP's lo1, route and health gate,
// keepalived + HAProxy or kube-vip on the LAN (issue 11).
import {cilium} from './cilium.js';
import {containerd} from './containerd.js';
import {healthGate} from './health-gate.js';
import {joinControlPlanes} from './join-control-planes.js';
import {joinWorkers} from './join-workers.js';
import {keepalivedHaproxy} from './keepalived-haproxy.js';
import {kubeadmInit} from './kubeadm-init.js';
import {kubeVipAfterInit, kubeVipBeforeInit} from './kube-vip.js';
import {kubeconfig} from './kubeconfig.js';
import {lanPreflight} from './lan-preflight.js';
import {lanVipUp} from './lan-vip.js';
import type {Phase} from './phase.js';
import {preflight} from './preflight.js';
import {routeApproval} from './route-approval.js';
import {tailscaleFlags} from './tailscale-flags.js';
import {verify} from './verify.js';
import {vipOnFirst} from './vip.js';

export const phases: readonly Phase[] = [
  preflight, //          3  every host, parallel, read-only; gathers the facts
  lanPreflight, //          LAN endpoints: one subnet, the VIP unused (ARP)
  containerd, //         4  SystemdCgroup = true, parallel
  tailscaleFlags, //     5  accept-routes, parallel
  vipOnFirst, //         6  lo1 + VIP + route on the init node, BEFORE init
  routeApproval, //      7  waits until the route is primary somewhere
  keepalivedHaproxy, //     LAN: keepalived + HAProxy on every CP, BEFORE init
  lanVipUp, //              LAN: exactly one CP holds the VIP
  kubeVipBeforeInit, //     kube-vip: its manifest on the init node, BEFORE init
  kubeadmInit, //        8  the init node
  kubeVipAfterInit, //      kube-vip: holds the VIP; back to admin.conf
  healthGate, //            the init node's gate, once its apiserver is up
  joinControlPlanes, //  9  one at a time; VIP + route + gate (or kube-vip) after /readyz
  joinWorkers, //       10  parallel
  cilium, //            11  from the init node
  verify, //            12  the cluster as a whole
  kubeconfig, //        13  the workstation's context
];
