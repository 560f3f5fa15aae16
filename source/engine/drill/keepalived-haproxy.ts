// keepalived + HAProxy (issue 11; kubeadm's HA guide): keepalived's VRRP puts
// the VIP on one control plane's LAN interface, and HAProxy on every control
// plane listens on VIP:8443 and balances to every apiserver.
//
// Holder: the control plane with the VIP among its own addresses, read on each
// control plane over SSH; two at once is split brain, never a holder.
//
// Served without the old holder: after an apiserver stop the VIP need not
// move. HAProxy on the holder marks the stopped backend down after its health
// checks fail (`fall` 3 at `inter` 2 s: DEF_FALLTIME and DEF_CHKINTR in
// HAProxy's include/haproxy/defaults.h, which haproxy.cfg keeps); until then
// one new connection in three still goes to it, and haproxy.cfg's
// `option redispatch 1` retries it on another server. An older haproxy.cfg
// without it fails that connection, hence steadyLooks. keepalived's check script moves the VIP
// only after 10 failures 3 s apart (core/artifacts/keepalived.ts), well past a
// drill that restores at the first steady answer. So after an apiserver stop
// any steady answer from one holder counts; after --node-down, only one from
// another holder.
//
// --node-down stops keepalived on the holder. Its peers see VRRP stop as they
// would a lost node, and the VIP moves, but a stop is gentler than a loss:
// keepalived leaves master with a priority-0 advert (vrrp_restore_interface in
// keepalived/vrrp/vrrp.c sends VRRP_PRIO_STOP "to speed up the recovery"), so
// the next backup takes over at once, where a silent node costs the
// master-down interval (three adverts plus skew, about 3.5 s at advert_int 1).
// The drill reaches the node over the tailnet, which the stop leaves alone, so
// it starts keepalived again itself; with preemption (keepalived's default),
// the node's higher priority then takes the VIP back.
import {apiEndpoint} from '../../core/artifacts/vip.js';
import type {Holding} from '../../core/drill/holder.js';
import type {DrillMode} from '../../core/drill/result.js';
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {keepalivedHaproxyServices} from '../../core/artifacts/keepalived-haproxy-files.js';
import {InputError} from '../../core/errors.js';
import {controlPlanes} from '../../core/plan/build.js';
import type {Plan, PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';
import {lanVipHolding} from './lan-vip-holding.js';
import type {EndpointStrategy} from './strategy.js';

const lookTimeoutMs = 10_000;

export const keepalivedHaproxy = (plan: Plan): EndpointStrategy => {
  const vip = lanVip(plan.network.vip);
  if (vip === undefined)
    throw new InputError(
      `The plan's VIP ${plan.network.vip} is not an IPv4 address, which keepalived + HAProxy needs; the drill has nothing to watch.`,
    );
  const cps = controlPlanes(plan);
  const holder = (on: (node: PlanNode) => Host) => lanVipHolding(vip, cps, on);
  return {
    kind: 'keepalived-haproxy',
    address: apiEndpoint(plan),
    label: `the VIP ${vip} (keepalived + HAProxy)`,
    holder,
    servedWithout: (before: PlanNode, now: Holding, mode: DrillMode) =>
      now.kind === 'node' && (mode === 'apiserver' || now.node.name !== before.name),
    // Two rounds of HAProxy's round robin over every apiserver without a failure.
    steadyLooks: 2 * cps.length,
    nodeDown: {kind: 'unit', unit: 'keepalived.service', cutsAccess: false},
    // The holder was the healthy control plane of the highest priority, so with preemption it
    // takes the VIP back once its keepalived runs again: a second hand-over, which a drill that
    // returned before it would leave to the next drill to stumble on.
    settledWhat: 'keepalived and haproxy active, and the VIP back on it alone',
    settled: async (node: PlanNode, on: (node: PlanNode) => Host) => {
      const active = await on(node).exec(['systemctl', 'is-active', ...keepalivedHaproxyServices], {
        timeoutMs: lookTimeoutMs,
      });
      if (active.code !== 0) return false;
      const now = await holder(on);
      return now.kind === 'node' && now.node.name === node.name;
    },
  };
};
