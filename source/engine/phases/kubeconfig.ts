// DOMAIN.md phase 13: the workstation gets the cluster as a new kubeconfig
// context, read from the first control plane's admin.conf (its server is the
// VIP, which the workstation reaches with accept-routes).
import {initNode} from '../../core/plan/build.js';
import {StepError} from '../step-error.js';
import {adminConf} from './kubeadm-init.js';
import type {Phase, StepContext} from './phase.js';
import {mergeKubeconfig} from './steps/kubeconfig-merge.js';

const merge = async (step: StepContext) => {
  const admin = await step.host.read(adminConf, {sudo: true});
  if (admin === undefined) {
    throw new StepError({
      message: `${adminConf} is missing on ${step.node.name}`,
      stderrTail: [],
      suggestion: 'kubeadm init did not finish; run ha-wizard apply again.',
    });
  }
  const existing = await step.workstation.readFile(step.workstationKubeconfig);
  return mergeKubeconfig(existing, admin, step.plan.clusterName);
};

export const kubeconfig: Phase = {
  id: 'kubeconfig',
  title: 'Kubeconfig',
  mode: 'serial',
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  async check(step) {
    const result = await merge(step);
    if (result.text !== undefined) return false;
    step.memory.kubeconfigContext = result.context;
    return `context ${result.context} already in ${step.workstationKubeconfig}`;
  },
  async apply(step) {
    const result = await merge(step);
    step.memory.kubeconfigContext = result.context;
    if (result.text === undefined) return undefined;
    const written = await step.workstation.writeFile(step.workstationKubeconfig, result.text, {
      mode: 0o600,
      backup: true,
    });
    step.emit({
      type: 'host-output',
      phase: 'kubeconfig',
      host: step.node.name,
      stream: 'command',
      line: `wrote ${step.workstationKubeconfig}${written.backupPath ? ` (backup ${written.backupPath})` : ''}`,
    });
    if (result.keptCurrentContext !== undefined) {
      step.emit({
        type: 'notice',
        phase: 'kubeconfig',
        level: 'info',
        message: `your current kubectl context stays ${result.keptCurrentContext}; use --context ${result.context}, or kubectl config use-context ${result.context}`,
      });
    }
    if (result.replaced) {
      step.emit({
        type: 'notice',
        phase: 'kubeconfig',
        level: 'warning',
        message: `replaced the older ${result.context} entries in ${step.workstationKubeconfig}${written.backupPath ? ` (the old file is ${written.backupPath})` : ''}`,
      });
    }
    return `context ${result.context} in ${step.workstationKubeconfig}`;
  },
};
