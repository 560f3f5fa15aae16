// What the kubeadm configs say about versions: their apiVersion and
// ClusterConfiguration.kubernetesVersion. The written artifacts (plan --out)
// know only the plan; a run knows the kubeadm each node really has (preflight
// read `kubeadm version -o short`), and that kubeadm is what parses the file:
// kubeadm 1.30 and older reject v1beta4 ("no kind InitConfiguration is
// registered for version kubeadm.k8s.io/v1beta4"), PR #125029.
import {
  kubeadmApiVersion,
  kubernetesVersionField,
  type KubeadmApiVersion,
  type KubernetesVersion,
} from './kubernetes-version.js';

export interface KubeadmTarget {
  readonly apiVersion: KubeadmApiVersion;
  /** `vX.Y.Z`, or `stable-X.Y` only when kubeadm is of another minor than the plan. */
  readonly kubernetesVersion: string;
}

const exact = (version: KubernetesVersion) =>
  `v${version.major}.${version.minor}.${version.patch ?? 0}`;

/** From the plan alone: for the files a user reads before any node was seen. */
export const planTarget = (plan: KubernetesVersion): KubeadmTarget => ({
  apiVersion: kubeadmApiVersion(plan),
  kubernetesVersion: kubernetesVersionField(plan),
});

/**
 * For the kubeadm found on the node. Of the plan's minor, the control plane is
 * the plan's patch when it names one, else kubeadm's own version: exact, with
 * no `stable-X.Y` lookup on dl.k8s.io, and never newer than the kubelet that
 * came with it. (kubeadm one minor newer than the plan is the one other skew
 * preflight lets through; there only the label names the plan's minor.)
 */
export const kubeadmTarget = (
  plan: KubernetesVersion,
  kubeadm: KubernetesVersion,
): KubeadmTarget => ({
  apiVersion: kubeadmApiVersion(kubeadm),
  kubernetesVersion:
    plan.major === kubeadm.major && plan.minor === kubeadm.minor
      ? exact(plan.patch === undefined ? kubeadm : plan)
      : kubernetesVersionField(plan),
});

/**
 * For commands whose ClusterConfiguration is never used (token create): the
 * kubeadm's own version, which is what kubeadm itself puts there without
 * --config to avoid the `stable-1` lookup (cmd/token.go RunCreateToken).
 */
export const ownVersion = (kubeadm: KubernetesVersion): string => exact(kubeadm);
