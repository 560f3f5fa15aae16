import {defaults} from '../plan/defaults.js';
import type {PlanNode} from '../plan/types.js';
import type {KubeadmApiVersion} from './kubernetes-version.js';

// Every distribution the wizard targets runs containerd at its default socket.
const criSocket = 'unix:///var/run/containerd/containerd.sock';

/**
 * `nodeRegistration` for init and join. The kubelet's `node-ip` is the
 * Tailscale address: left alone it picks the default-route interface, the most
 * common failure of clusters over Tailscale (anchors 3.4 and 4, row 1).
 * v1beta4 turned `kubeletExtraArgs` from a map into a list of `{name, value}`.
 */
export const nodeRegistration = (node: PlanNode, apiVersion: KubeadmApiVersion) => ({
  name: node.name,
  criSocket,
  kubeletExtraArgs:
    apiVersion === 'kubeadm.k8s.io/v1beta4'
      ? [{name: 'node-ip', value: node.ip}]
      : {'node-ip': node.ip},
});

/** Where this node's own kube-apiserver listens: its Tailscale IP. */
export const localApiEndpoint = (node: PlanNode) => ({
  advertiseAddress: node.ip,
  bindPort: defaults.apiServerPort,
});
