// The LAN VIP is up on exactly one control plane before kubeadm init (issue
// 11): a BACKUP keepalived waits out its master-down interval (about 3.5 s at
// advert_int 1) before it takes the VIP, so the run waits for it here rather
// than letting init fail on an endpoint that does not answer yet.
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {initNode} from '../../core/plan/build.js';
import type {Phase, StepContext} from './phase.js';
import {awaitOneHolder, lanVipHolders} from './steps/lan-vip.js';

const held = (step: StepContext, holders: readonly string[]) =>
  `${lanVip(step.plan.network.vip) ?? step.plan.network.vip} held by ${holders[0]}`;

export const lanVipUp: Phase = {
  id: 'lan-vip',
  title: 'VIP on the LAN',
  mode: 'serial',
  endpoints: ['keepalived-haproxy'],
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  async check(step) {
    const holders = await lanVipHolders(step);
    if (holders.length === 1) {
      step.memory.primaryRouter = holders[0];
      return held(step, holders);
    }
    return false;
  },
  apply: (step) =>
    awaitOneHolder(step, {
      none: 'journalctl -u keepalived on the control planes says why (a config error, or the interface down).',
      many: 'Let VRRP (IP protocol 112) through the firewalls between the control planes; keepalived sends it unicast to each peer.',
    }),
};
