import {InputError} from '../errors.js';

export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
  /** Undefined when the plan names only `X.Y`. */
  readonly patch: number | undefined;
}

const pattern = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

export const parseKubernetesVersion = (text: string): KubernetesVersion => {
  const match = pattern.exec(text.trim());
  if (!match) {
    throw new InputError(
      `Kubernetes version ${JSON.stringify(text)} is not X.Y or X.Y.Z.`,
      'Give a version such as 1.36 or 1.36.2.',
    );
  }
  const [, major, minor, patch] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: patch === undefined ? undefined : Number(patch),
  };
};

export type KubeadmApiVersion = 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';

// v1beta4 is the default from kubeadm 1.31; kubeadm's own test harness switches
// at exactly that minor (anchors 3.1). v1beta3 is deprecated, so never beyond it.
export const kubeadmApiVersion = (version: KubernetesVersion): KubeadmApiVersion =>
  version.major > 1 || version.minor >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';

/**
 * `ClusterConfiguration.kubernetesVersion`: exact when the plan pins a patch,
 * else the `stable-X.Y` label, which kubeadm resolves to that minor's newest
 * patch (the run pins what it got afterwards).
 */
export const kubernetesVersionField = (version: KubernetesVersion): string =>
  version.patch === undefined
    ? `stable-${version.major}.${version.minor}`
    : `v${version.major}.${version.minor}.${version.patch}`;
