import {systemdCgroupSnippet} from '../containerd/systemd-cgroup.js';
import {initNode} from '../plan/build.js';
import type {Plan} from '../plan/types.js';
import {ciliumValues} from './cilium-values.js';
import {healthGateEnv, healthGateScript, healthGateUnit} from './health-gate.js';
import {kubeadmInitYaml} from './kubeadm-init.js';
import {kubeadmJoinYaml} from './kubeadm-join.js';
import {lo1Netdev, lo1Network} from './networkd.js';
import {nmcliScript} from './nmcli.js';
import {tailnetPolicyHujson} from './tailnet-policy.js';
import {tailscaleSetCommands} from './tailscale-set-commands.js';
import type {Artifact} from './types.js';

// A node name comes from the tailnet and becomes part of a path: it must not
// be able to climb out of the output folder or name a hidden file.
const fileNamePart = (name: string): string =>
  name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+/, '') || 'node';

/**
 * Every file the plan generates, in a stable order. A plan without a control
 * plane (a validation error) gets no kubeadm init config rather than an
 * exception, so the Review screen can still show the rest.
 */
export const generateArtifacts = (plan: Plan): Artifact[] => {
  const first = initNode(plan);
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
    {
      path: 'network/lo1.netdev',
      title: 'lo1 dummy interface (systemd-networkd)',
      content: lo1Netdev(),
    },
    {
      path: 'network/lo1.network',
      title: 'VIP on lo1 (systemd-networkd)',
      content: lo1Network(plan.network.vip),
    },
    {
      path: 'network/nmcli.sh',
      title: 'VIP on lo1 (NetworkManager)',
      content: nmcliScript(plan.network.vip),
    },
    {
      path: 'tailscale/set-commands.sh',
      title: 'Tailscale flags per node',
      content: tailscaleSetCommands(plan),
    },
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
    // The health gate runs on control planes only. Its settings hold no
    // routes (it reads them on the node when it acts), so one env file serves
    // every control plane.
    ...(first
      ? [
          {
            path: 'health-gate/health-gate.sh',
            title: 'Health gate script (/usr/local/lib/ha-wizard/health-gate)',
            content: healthGateScript(),
          },
          {
            path: 'health-gate/ha-wizard-health-gate.service',
            title: 'Health gate systemd unit',
            content: healthGateUnit(),
          },
          {
            path: 'health-gate/health-gate.env',
            title: 'Health gate settings (/etc/ha-wizard/health-gate.env)',
            content: healthGateEnv(plan.network.vip),
          },
        ]
      : []),
  ];
};
