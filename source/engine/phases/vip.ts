// DOMAIN.md phase 6: the first control plane holds the VIP and advertises it
// BEFORE kubeadm init, because the kubeconfigs init writes point at the VIP.
import {vipRoute} from '../../core/artifacts/vip.js';
import {initNode} from '../../core/plan/build.js';
import type {Phase} from './phase.js';
import {ensureVipAddress, ensureVipRoute, vipInPlace} from './steps/vip.js';

export const vipOnFirst: Phase = {
  id: 'vip',
  title: 'VIP on the first control plane',
  mode: 'serial',
  endpoints: ['tailscale-vip'],
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  check: async (step) =>
    (await vipInPlace(step))
      ? `${vipRoute(step.plan.network.vip)} already on lo1 and advertised`
      : false,
  async apply(step) {
    await ensureVipAddress(step);
    await ensureVipRoute(step);
    return `${vipRoute(step.plan.network.vip)} on lo1 and advertised`;
  },
};
