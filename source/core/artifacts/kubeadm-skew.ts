// The kubeadm version skew policy (kubernetes.io, "Version Skew Policy",
// kubeadm): kubeadm deploys a control plane of its own minor or one older.
// A plan newer than the installed kubeadm gets only a kubeadm preflight
// *warning* and then a control plane kubeadm does not support, so the run
// stops before anything changed and says what to install.
import type {KubernetesVersion} from './kubernetes-version.js';

export interface SkewFinding {
  readonly level: 'error' | 'warning';
  readonly message: string;
  readonly suggestion?: string;
}

const minor = (version: KubernetesVersion) => `${version.major}.${version.minor}`;

const install = (version: string) =>
  `install kubeadm, kubelet and kubectl ${version} on it (the kubeadm install guide's repository https://pkgs.k8s.io/core:/stable:/v${version}/)`;

export const kubeadmSkew = (
  host: string,
  kubeadmText: string,
  kubeadm: KubernetesVersion,
  plan: KubernetesVersion,
): SkewFinding | undefined => {
  const behind = (plan.major - kubeadm.major) * 1000 + (plan.minor - kubeadm.minor);
  if (behind === 0) return undefined;
  if (behind > 0)
    return {
      level: 'error',
      message: `kubeadm on ${host} is ${kubeadmText}, older than the plan's Kubernetes ${minor(plan)}; kubeadm cannot deploy a control plane newer than itself`,
      suggestion: `Either ${install(minor(plan))}, or plan Kubernetes ${minor(kubeadm)} (ha-wizard plan --kubernetes-version ${minor(kubeadm)}).`,
    };
  if (behind === -1)
    return {
      level: 'warning',
      message: `kubeadm on ${host} is ${kubeadmText}, one minor newer than the plan's Kubernetes ${minor(plan)}; it deploys ${minor(plan)} (the newest patch kubeadm finds on dl.k8s.io)`,
    };
  return {
    level: 'error',
    message: `kubeadm on ${host} is ${kubeadmText}; it deploys Kubernetes ${minor(kubeadm)} or one minor older, not the plan's ${minor(plan)}`,
    suggestion: `Either ${install(minor(plan))}, or plan Kubernetes ${minor(kubeadm)} (ha-wizard plan --kubernetes-version ${minor(kubeadm)}).`,
  };
};
