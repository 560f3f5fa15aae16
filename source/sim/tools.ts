// The simulated Kubernetes and systemd tools by command name: the lab's
// /usr/bin shims (main.ts) and the in-process demo (memory-world.ts) dispatch
// through this one table, so both run the same model. containerd is not here:
// which build a host has (and its default config) is the caller's to say.
import type {SimEnv, ToolResult} from './env.js';
import {networkctl, nmcli, systemctl} from './host-tools.js';
import {kubeadm} from './kubeadm.js';
import {crictl, helm, kubectl, kubelet} from './kube-tools.js';

export type SimTool = (env: SimEnv, argv: readonly string[], stdin: string) => Promise<ToolResult>;

export const simTools: Readonly<Record<string, SimTool>> = {
  kubeadm,
  kubectl: (env, argv) => kubectl(env, argv),
  crictl: (env, argv) => crictl(env, argv),
  helm,
  kubelet: (env, argv) => kubelet(env, argv),
  systemctl: (env, argv) => systemctl(env, argv),
  networkctl: (env, argv) => networkctl(env, argv),
  nmcli: (env, argv) => nmcli(env, argv),
};
