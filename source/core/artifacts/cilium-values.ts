import {endpointPort} from '../plan/endpoint.js';
import type {Plan} from '../plan/types.js';
import {vipAddress} from './vip.js';
import {yamlText} from './yaml-text.js';

export {ciliumChartVersion} from './cilium-version.js';

// The reasons travel with the file, for whoever reads it on the host later.
const keyComments = {
  kubeProxyReplacement: 'kubeadm init skipped kube-proxy; Cilium takes its place.',
  k8sServiceHost:
    'Without kube-proxy, Cilium must reach the apiserver before Services exist: the VIP.',
  routingMode: 'Native routing does not work across a tailnet.',
  MTU: "tailscale0's MTU; VXLAN takes 50 bytes of it, so pods get 1230.",
  ipam: "Pod addresses from kubeadm's podSubnet. Cilium's default cluster-pool is 10.0.0.0/8,\nwhich would overlap a 10.x VIP.",
};

/** `cilium/values.yaml`: Helm values for the Cilium chart (DOMAIN.md phase 11). */
export const ciliumValues = (plan: Plan): string =>
  yamlText([
    {
      keyComments,
      contents: {
        kubeProxyReplacement: true,
        k8sServiceHost: vipAddress(plan.network.vip),
        k8sServicePort: endpointPort(plan.network.endpoint),
        routingMode: 'tunnel',
        tunnelProtocol: 'vxlan',
        MTU: 1280,
        ipam: {mode: 'kubernetes'},
      },
    },
  ]);
