import {systemdCgroupSnippet} from '../containerd/systemd-cgroup.js';
import {initNode} from '../plan/build.js';
import type {Plan} from '../plan/types.js';
import {ciliumValues} from './cilium-values.js';
import {
  endpointArtifacts,
  healthGateArtifacts,
  tailscaleVipArtifacts,
} from './endpoint-artifacts.js';
import {kubeadmInitYaml} from './kubeadm-init.js';
import {kubeadmJoinYaml} from './kubeadm-join.js';
import {tailnetPolicyHujson} from './tailnet-policy.js';
import type {Artifact} from './types.js';
import {fileNamePart} from './file-name.js';

/**
 * Every file the plan generates, in a stable order. A plan without a control
 * plane (a validation error) gets no kubeadm init config rather than an
 * exception, so the Review screen can still show the rest.
 */
export const generateArtifacts = (plan: Plan): Artifact[] => {
  const first = initNode(plan);
  const tailscaleVip = plan.network.endpoint === 'tailscale-vip';
  const usedPaths = new Set<string>();
  const joinPath = (name: string): string => {
    const base = `kubeadm/join-${fileNamePart(name)}`;
    let path = `${base}.yaml`;
    for (let n = 2; usedPaths.has(path); n++) path = `${base}-${n}.yaml`;
    usedPaths.add(path);
    return path;
  };
  return [
    ...(first
      ? [
          {
            path: 'kubeadm/init.yaml',
            title: `kubeadm init config (${first.name})`,
            content: kubeadmInitYaml(plan, first),
          },
        ]
      : []),
    ...plan.nodes
      .filter((node) => node !== first)
      .map((node) => ({
        path: joinPath(node.name),
        title: `kubeadm join config (${node.name}, ${node.role === 'worker' ? 'worker' : 'control plane'})`,
        content: kubeadmJoinYaml(plan, node),
      })),
    ...(tailscaleVip ? tailscaleVipArtifacts(plan) : []),
    ...endpointArtifacts(plan, first !== undefined),
    {
      path: 'tailscale/policy.hujson',
      title: 'Tailnet policy snippet',
      content: tailnetPolicyHujson(plan),
    },
    {
      path: 'containerd/systemd-cgroup.v2.toml',
      title: 'containerd SystemdCgroup (config version 2, containerd 1.x)',
      content: systemdCgroupSnippet(2),
    },
    {
      path: 'containerd/systemd-cgroup.v3.toml',
      title: 'containerd SystemdCgroup (config version 3 and 4, containerd 2.x)',
      content: systemdCgroupSnippet(3),
    },
    {path: 'cilium/values.yaml', title: 'Cilium Helm values', content: ciliumValues(plan)},
    ...(tailscaleVip && first ? healthGateArtifacts(plan) : []),
  ];
};
