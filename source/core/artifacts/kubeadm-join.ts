import type {Plan, PlanNode} from '../plan/types.js';
import {localApiEndpoint, nodeRegistration} from './kubeadm-node.js';
import {planTarget, type KubeadmTarget} from './kubeadm-target.js';
import {parseKubernetesVersion} from './kubernetes-version.js';
import {placeholders} from './placeholders.js';
import {apiEndpoint} from './vip.js';
import {yamlText} from './yaml-text.js';

const workerHeader = [
  'kubeadm join --config for a worker.',
  'The @@...@@ placeholders are filled in memory right before the join and never saved.',
].join('\n');

const controlPlaneHeader = [
  'kubeadm join --config for a control plane. Until its own /readyz passes, this node',
  'must not hold the VIP: Linux would deliver the join traffic to its own, not yet',
  'running, apiserver.',
  'The @@...@@ placeholders are filled in memory right before the join and never saved.',
].join('\n');

/** JoinConfiguration for one node (its apiVersion from `target`, else the plan); control planes also get `controlPlane`. */
export const kubeadmJoinYaml = (
  plan: Plan,
  node: PlanNode,
  target: KubeadmTarget = planTarget(parseKubernetesVersion(plan.kubernetesVersion)),
): string => {
  const {apiVersion} = target;
  const isControlPlane = node.role === 'control-plane';
  return yamlText([
    {
      comment: isControlPlane ? controlPlaneHeader : workerHeader,
      contents: {
        apiVersion,
        kind: 'JoinConfiguration',
        discovery: {
          bootstrapToken: {
            apiServerEndpoint: apiEndpoint(plan),
            token: placeholders.bootstrapToken,
            caCertHashes: [placeholders.caCertHash],
          },
        },
        nodeRegistration: nodeRegistration(node, apiVersion),
        ...(isControlPlane
          ? {
              controlPlane: {
                localAPIEndpoint: localApiEndpoint(node),
                certificateKey: placeholders.certificateKey,
              },
            }
          : {}),
      },
    },
  ]);
};
