// The kubeadm config versions for one node, from the kubeadm preflight found
// there (run memory), so the file is one that kubeadm parses. Preflight always
// runs first, on a resume too; without its fact (never in a real run) the plan decides.
import {
  kubeadmTarget,
  ownVersion,
  planTarget,
  type KubeadmTarget,
} from '../../../core/artifacts/kubeadm-target.js';
import {
  parseKubernetesVersion,
  type KubernetesVersion,
} from '../../../core/artifacts/kubernetes-version.js';
import type {RunContext} from '../phase.js';

/** The kubeadm preflight found on `node`, parsed; undefined before preflight or when unparsable. */
export const kubeadmOn = (context: RunContext, node: string): KubernetesVersion | undefined => {
  const text = context.memory.facts.get(node)?.kubeadmVersion;
  if (text === undefined) return undefined;
  try {
    return parseKubernetesVersion(text);
  } catch {
    return undefined;
  }
};

export const targetOn = (context: RunContext, node: string): KubeadmTarget => {
  const plan = parseKubernetesVersion(context.plan.kubernetesVersion);
  const kubeadm = kubeadmOn(context, node);
  return kubeadm === undefined ? planTarget(plan) : kubeadmTarget(plan, kubeadm);
};

/** ClusterConfiguration.kubernetesVersion for commands that never use it (token create). */
export const ownVersionOn = (context: RunContext, node: string): string => {
  const kubeadm = kubeadmOn(context, node);
  return kubeadm === undefined ? targetOn(context, node).kubernetesVersion : ownVersion(kubeadm);
};
