// The LAN VIP is up on exactly one control plane before kubeadm init (issue
// 11): a BACKUP keepalived waits out its master-down interval (about 3.5 s at
// advert_int 1) before it takes the VIP, so the run waits for it here rather
// than letting init fail on an endpoint that does not answer yet.
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {initNode} from '../../core/plan/build.js';
import {StepError} from '../step-error.js';
import type {Phase, StepContext} from './phase.js';
import {lanVipHolders} from './steps/lan-vip.js';

const timeoutMs = 60_000;

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
  async apply(step) {
    const deadline = step.now() + timeoutMs;
    let holders: string[] = [];
    for (let wait = 500; ; wait = Math.min(wait * 2, 4000)) {
      holders = await lanVipHolders(step);
      if (holders.length === 1) {
        step.memory.primaryRouter = holders[0];
        return held(step, holders);
      }
      if (step.now() >= deadline) break;
      await step.sleep(wait);
    }
    const vip = lanVip(step.plan.network.vip) ?? step.plan.network.vip;
    throw new StepError({
      message:
        holders.length === 0
          ? `no control plane took the VIP ${vip} within ${timeoutMs / 1000} s`
          : `${holders.join(' and ')} all hold the VIP ${vip}: their keepalived do not hear each other`,
      command: 'ip -4 -o addr show',
      stderrTail: [],
      suggestion:
        holders.length === 0
          ? 'journalctl -u keepalived on the control planes says why (a config error, or the interface down).'
          : 'Let VRRP (IP protocol 112) through the firewalls between the control planes; keepalived sends it unicast to each peer.',
    });
  },
};
