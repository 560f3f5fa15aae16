// DOMAIN.md phase 11: Cilium from the first control plane, values on stdin.
// `helm get values` first, so a re-run with the same values changes nothing
// (helm upgrade would add a revision every time).
import {parse} from 'yaml';
import {ciliumChartVersion, ciliumValues} from '../../core/artifacts/cilium-values.js';
import {initNode} from '../../core/plan/build.js';
import {helmFailureSuggestion} from '../../core/remote/helm-failure.js';
import {isDeepStrictEqual} from 'node:util';
import {adminConf} from './kubeadm-init.js';
import type {Phase} from './phase.js';

export const helmInstallArgv = (): string[] => [
  'helm',
  'upgrade',
  '--install',
  'cilium',
  'cilium',
  '--repo',
  'https://helm.cilium.io',
  '--version',
  ciliumChartVersion,
  '--namespace',
  'kube-system',
  '--values',
  '/dev/stdin',
  '--kubeconfig',
  adminConf,
];

export const helmGetValuesArgv = (): string[] => [
  'helm',
  'get',
  'values',
  'cilium',
  '--namespace',
  'kube-system',
  '--output',
  'json',
  '--kubeconfig',
  adminConf,
];

export const cilium: Phase = {
  id: 'cilium',
  title: 'Cilium',
  mode: 'serial',
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  async check(step) {
    const result = await step.host.run(helmGetValuesArgv(), {
      sudo: true,
      allowFailure: true,
      quiet: true,
    });
    if (result.code !== 0) return false;
    try {
      const installed: unknown = JSON.parse(result.stdout);
      return isDeepStrictEqual(installed, parse(ciliumValues(step.plan)))
        ? 'installed with these values'
        : false;
    } catch {
      return false;
    }
  },
  async apply(step) {
    await step.host.run(helmInstallArgv(), {
      sudo: true,
      mutates: true,
      stdin: ciliumValues(step.plan),
      timeoutMs: 10 * 60_000,
      suggestion: (result) => helmFailureSuggestion(step.node.name, result.stderr),
    });
    return 'installed';
  },
};
