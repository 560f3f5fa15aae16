// DOMAIN.md phase 10: workers join in parallel, after every control plane.
import {kubeadmJoinYaml} from '../../core/artifacts/kubeadm-join.js';
import {fillPlaceholders} from '../../core/artifacts/placeholders.js';
import {joined, joinSuggestion} from './join-control-planes.js';
import type {Phase} from './phase.js';
import {kubeadmTimeoutMs, mintJoinMaterial} from './steps/join-material.js';
import {targetOn} from './steps/kubeadm-target.js';

export const joinWorkers: Phase = {
  id: 'join-workers',
  title: 'Join workers',
  mode: 'parallel',
  hosts: (plan) => plan.nodes.filter((node) => node.role === 'worker'),
  check: async (step) => ((await joined(step)) ? 'already joined' : false),
  // One token for all of them: they join at once, within its 2 h.
  async prepare(context) {
    const {bootstrapToken, caCertHash} = await mintJoinMaterial(context, {controlPlane: false});
    context.memory.workerJoin = {bootstrapToken, caCertHash};
  },
  async apply(step) {
    const material = step.memory.workerJoin;
    if (!material) throw new Error('join-workers ran without join material');
    await step.host.run(['kubeadm', 'join', '--config', '/dev/stdin'], {
      sudo: true,
      mutates: true,
      stdin: fillPlaceholders(
        kubeadmJoinYaml(step.plan, step.node, targetOn(step, step.node.name)),
        material,
      ),
      timeoutMs: kubeadmTimeoutMs,
      suggestion: joinSuggestion,
    });
    return 'joined';
  },
};
