// The health gate on the first control plane, once its apiserver is up
// (DOMAIN.md "Target topology"; joining control planes get theirs in
// join-control-planes.ts).
import {initNode} from '../../core/plan/build.js';
import type {Phase} from './phase.js';
import {ensureHealthGate, healthGateInSync} from './steps/health-gate.js';

export const healthGate: Phase = {
  id: 'health-gate',
  title: 'Health gate',
  mode: 'serial',
  endpoints: ['tailscale-vip'],
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  check: async (step) => ((await healthGateInSync(step)) ? 'installed and active' : false),
  async apply(step) {
    await ensureHealthGate(step);
    return 'installed and active';
  },
};
