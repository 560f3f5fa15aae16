// DOMAIN.md phase 8: kubeadm init on the first control plane, with the
// generated config on stdin (the token and certificate key are filled in
// memory and never touch a command line or a file).
import {kubeadmInitYaml} from '../../core/artifacts/kubeadm-init.js';
import {fillPlaceholders} from '../../core/artifacts/placeholders.js';
import {initNode} from '../../core/plan/build.js';
import {generateBootstrapToken, generateCertificateKey} from '../secrets.js';
import type {Phase} from './phase.js';
import {kubeadmTimeoutMs} from './steps/join-material.js';
import {targetOn} from './steps/kubeadm-target.js';
import {waitReady} from './steps/readyz.js';

export const adminConf = '/etc/kubernetes/admin.conf';

export const kubeadmInit: Phase = {
  id: 'kubeadm-init',
  title: 'kubeadm init',
  mode: 'serial',
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  check: async (step) =>
    (await step.host.read(adminConf, {sudo: true})) === undefined ? false : 'already initialised',
  async apply(step) {
    const bootstrapToken = step.secrets.add(generateBootstrapToken());
    const certificateKey = step.secrets.add(generateCertificateKey());
    await step.host.run(['kubeadm', 'init', '--config', '/dev/stdin', '--upload-certs'], {
      sudo: true,
      mutates: true,
      stdin: fillPlaceholders(
        kubeadmInitYaml(step.plan, step.node, targetOn(step, step.node.name)),
        {
          bootstrapToken,
          certificateKey,
        },
      ),
      timeoutMs: kubeadmTimeoutMs,
      suggestion:
        "Read kubeadm's own message above; after fixing it, sudo kubeadm reset -f on this node and run ha-wizard apply again.",
    });
    return 'control plane initialised';
  },
  verify: (step) => waitReady(step, step.host),
};
