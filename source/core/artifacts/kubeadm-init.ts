import {controlPlanes} from '../plan/build.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {localApiEndpoint, nodeRegistration} from './kubeadm-node.js';
import {planTarget, type KubeadmTarget} from './kubeadm-target.js';
import {parseKubernetesVersion} from './kubernetes-version.js';
import {placeholders} from './placeholders.js';
import {apiEndpoint, vipAddress} from './vip.js';
import {yamlText} from './yaml-text.js';

/**
 * Extra names for the apiserver certificate: the VIP and every control plane's
 * Tailscale IP and MagicDNS name, so kubectl can reach any of them directly.
 * kubeadm adds the endpoint and the local advertise address itself (anchors
 * 3.4); listing them again is harmless and keeps the list obvious.
 */
export const certSans = (plan: Plan): string[] => {
  const names = [
    vipAddress(plan.network.vip),
    ...controlPlanes(plan).flatMap((node) => [node.ip, node.dnsName]),
  ];
  return [...new Set(names.filter((name) => name !== ''))];
};

const header = [
  'kubeadm init --config for the first control plane; run it with --upload-certs.',
  'The @@...@@ placeholders are join material, filled in memory right before use',
  'and never saved.',
].join('\n');

/**
 * InitConfiguration + ClusterConfiguration + KubeletConfiguration for `kubeadm
 * init`; the versions from `target` (a run: the node's kubeadm), else the plan.
 */
export const kubeadmInitYaml = (
  plan: Plan,
  initNode: PlanNode,
  target: KubeadmTarget = planTarget(parseKubernetesVersion(plan.kubernetesVersion)),
): string => {
  const {apiVersion} = target;
  return yamlText([
    {
      comment: header,
      contents: {
        apiVersion,
        kind: 'InitConfiguration',
        bootstrapTokens: [{token: placeholders.bootstrapToken, ttl: '24h0m0s'}],
        certificateKey: placeholders.certificateKey,
        localAPIEndpoint: localApiEndpoint(initNode),
        nodeRegistration: nodeRegistration(initNode, apiVersion),
        // Cilium replaces kube-proxy (DOMAIN.md "Target topology").
        skipPhases: ['addon/kube-proxy'],
      },
    },
    {
      contents: {
        apiVersion,
        kind: 'ClusterConfiguration',
        clusterName: plan.clusterName,
        kubernetesVersion: target.kubernetesVersion,
        controlPlaneEndpoint: apiEndpoint(plan),
        networking: {podSubnet: plan.network.podCidr, serviceSubnet: plan.network.serviceCidr},
        apiServer: {certSANs: certSans(plan)},
      },
    },
    {
      // containerd is set to SystemdCgroup = true; the two must agree or etcd
      // and kube-apiserver restart in a loop (DOMAIN.md phase 4, seed 001).
      contents: {
        apiVersion: 'kubelet.config.k8s.io/v1beta1',
        kind: 'KubeletConfiguration',
        cgroupDriver: 'systemd',
      },
    },
  ]);
};
