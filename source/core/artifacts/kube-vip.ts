// kube-vip for the kube-vip endpoint (issue 11, seed 002): a static pod on
// every control plane, ARP mode with leader election. The elected leader puts
// the VIP on its LAN interface and announces it with gratuitous ARP; when its
// lease is not renewed (its node or apiserver died) another takes over.
// kube-vip balances nothing: the API's traffic goes to the leader's apiserver.
import {defaults} from '../plan/defaults.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {parseKubernetesVersion, type KubernetesVersion} from './kubernetes-version.js';
import {lanPlaceholders} from './lan-placeholders.js';
import {yamlText} from './yaml-text.js';

import {kubeVipVersion} from './kube-vip-version.js';

export {kubeVipVersion};
export const kubeVipImage = `ghcr.io/kube-vip/kube-vip:${kubeVipVersion}`;

export const kubeVipManifestPath = '/etc/kubernetes/manifests/kube-vip.yaml';

/** The kubeconfig the pod reads, as mounted from the host. */
export type KubeVipKubeconfig = '/etc/kubernetes/admin.conf' | '/etc/kubernetes/super-admin.conf';

const adminConf: KubeVipKubeconfig = '/etc/kubernetes/admin.conf';
const superAdminConf: KubeVipKubeconfig = '/etc/kubernetes/super-admin.conf';

// Lease timings of kube-vip's documented manifest: a dead leader loses the VIP
// within about 5 s.
const lease = {durationSeconds: 5, renewDeadlineSeconds: 3, retryPeriodSeconds: 1} as const;

/**
 * Since kubeadm 1.29, `admin.conf` belongs to the group `kubeadm:cluster-admins`,
 * whose rights kubeadm grants only at the end of `kubeadm init`; until then
 * only `super-admin.conf` (system:masters) can act. kube-vip on the init node
 * must take its leader lease during init, before the VIP exists (kube-vip
 * issue #684), so it mounts super-admin.conf there until init is done; then
 * the engine writes `kubeVipManifestAfterInit` in its place. Joining control
 * planes find the rights granted already, and kubeadm before 1.29 has no
 * super-admin.conf at all.
 */
export const needsSuperAdminDuringInit = (plan: Plan, kubeadm?: KubernetesVersion): boolean => {
  try {
    // The kubeadm found on the init node decides when the run knows it; else the plan.
    const version = kubeadm ?? parseKubernetesVersion(plan.kubernetesVersion);
    return version.major > 1 || version.minor >= 29;
  } catch {
    // A malformed version is a validation error; the current kubeadm is the safe guess.
    return true;
  }
};

/**
 * `kube-vip/<node>.yaml`: the static pod for /etc/kubernetes/manifests on one
 * control plane. `kubeconfig` is the host file mounted where kube-vip reads
 * it (/etc/kubernetes/admin.conf inside the pod). `vip` must be a checked IPv4
 * address (lan-vip.ts); the interface is filled in by the engine
 * (lan-placeholders.ts).
 */
export const kubeVipManifest = (
  node: PlanNode,
  vip: string,
  kubeconfig: KubeVipKubeconfig,
): string => {
  const env = (name: string, value: string) => ({name, value});
  return yamlText([
    {
      comment: [
        `kube-vip on ${node.name}: the Kubernetes API's VIP ${vip} in ARP mode (ha-wizard).`,
        `${lanPlaceholders.interface} is the LAN interface preflight finds on the host, filled in before writing.`,
        ...(kubeconfig === superAdminConf
          ? [
              'This node runs kubeadm init: until init is done only super-admin.conf has rights',
              '(kubeadm 1.29 and later), so it is mounted in place of admin.conf; the wizard',
              'switches back to admin.conf after init.',
            ]
          : []),
      ].join('\n'),
      contents: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'kube-vip', namespace: 'kube-system'},
        spec: {
          containers: [
            {
              name: 'kube-vip',
              image: kubeVipImage,
              imagePullPolicy: 'IfNotPresent',
              args: ['manager'],
              env: [
                env('vip_arp', 'true'),
                env('port', String(defaults.apiServerPort)),
                {name: 'vip_nodename', valueFrom: {fieldRef: {fieldPath: 'spec.nodeName'}}},
                env('vip_interface', lanPlaceholders.interface),
                env('vip_subnet', '32'),
                env('dns_mode', 'first'),
                env('cp_enable', 'true'),
                env('cp_namespace', 'kube-system'),
                env('vip_leaderelection', 'true'),
                env('vip_leasename', 'plndr-cp-lock'),
                env('vip_leaseduration', String(lease.durationSeconds)),
                env('vip_renewdeadline', String(lease.renewDeadlineSeconds)),
                env('vip_retryperiod', String(lease.retryPeriodSeconds)),
                env('address', vip),
              ],
              securityContext: {capabilities: {add: ['NET_ADMIN', 'NET_RAW']}},
              volumeMounts: [{mountPath: adminConf, name: 'kubeconfig'}],
            },
          ],
          // kube-vip reaches the local apiserver as `kubernetes`, before the VIP is up.
          hostAliases: [{hostnames: ['kubernetes'], ip: '127.0.0.1'}],
          hostNetwork: true,
          // `File`: kubelet must not create a missing kubeconfig as an empty
          // directory (a hostPath without a type does), which would then stop
          // kubeadm writing it.
          volumes: [{name: 'kubeconfig', hostPath: {path: kubeconfig, type: 'File'}}],
        },
      },
    },
  ]);
};

/**
 * The manifest a control plane gets first: the init node's mounts
 * super-admin.conf (see above). The init node's goes in before `kubeadm
 * init`, as the VIP must answer during init; a joining control plane's goes in
 * after its `kubeadm join`, once its admin.conf exists, and so that it cannot
 * take the VIP before its own apiserver runs (DOMAIN.md phase 9).
 */
export const kubeVipManifestForInstall = (
  plan: Plan,
  node: PlanNode,
  vip: string,
  isInitNode: boolean,
  kubeadm?: KubernetesVersion,
): string =>
  kubeVipManifest(
    node,
    vip,
    isInitNode && needsSuperAdminDuringInit(plan, kubeadm) ? superAdminConf : adminConf,
  );

/** What the engine writes over the init node's manifest once `kubeadm init` is done. */
export const kubeVipManifestAfterInit = (node: PlanNode, vip: string): string =>
  kubeVipManifest(node, vip, adminConf);
