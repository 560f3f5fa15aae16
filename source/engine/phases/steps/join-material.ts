// Fresh join material right before it is used (DOMAIN.md phase 8: the token
// lives 24 h, the certificate key 2 h). The wizard generates both itself and
// hands them to kubeadm on stdin, so they never sit on a command line (`ps`)
// nor in a file; the CA hash is computed here from the CA certificate.
import {stringify} from 'yaml';
import {kubeadmInitYaml} from '../../../core/artifacts/kubeadm-init.js';
import {localApiEndpoint, nodeRegistration} from '../../../core/artifacts/kubeadm-node.js';
import type {KubeadmApiVersion} from '../../../core/artifacts/kubernetes-version.js';
import {apiEndpoint} from '../../../core/artifacts/vip.js';
import {fillPlaceholders} from '../../../core/artifacts/placeholders.js';
import {initNode} from '../../../core/plan/build.js';
import type {Plan, PlanNode} from '../../../core/plan/types.js';
import {caCertHash, generateBootstrapToken, generateCertificateKey} from '../../secrets.js';
import {StepError} from '../../step-error.js';
import type {RunContext} from '../phase.js';
import {ownVersionOn, targetOn} from './kubeadm-target.js';

export const caCertPath = '/etc/kubernetes/pki/ca.crt';
const kubeadmTimeoutMs = 20 * 60_000;

/**
 * `kubeadm token create --config`: an InitConfiguration naming our token,
 * alive 2 h (the token on stdin, never on a command line). With --config the
 * file is all kubeadm reads, and it defaults what the file leaves out before
 * creating the token: a missing ClusterConfiguration becomes `stable-1`, looked
 * up on dl.k8s.io (slow and noisy offline), and a missing advertise address is
 * guessed from the default route (a warning, or 0.0.0.0, on a node without
 * one). So the file names both, though the token uses neither
 * (cmd/kubeadm/app/cmd/token.go RunCreateToken; configutil
 * documentMapToInitConfiguration).
 */
export const tokenConfigYaml = (
  plan: Plan,
  init: PlanNode,
  token: string,
  versions: {readonly apiVersion: KubeadmApiVersion; readonly kubernetesVersion: string},
): string =>
  [
    stringify({
      apiVersion: versions.apiVersion,
      kind: 'InitConfiguration',
      bootstrapTokens: [
        {
          token,
          ttl: '2h0m0s',
          usages: ['signing', 'authentication'],
          groups: ['system:bootstrappers:kubeadm:default-node-token'],
        },
      ],
      localAPIEndpoint: localApiEndpoint(init),
      nodeRegistration: nodeRegistration(init, versions.apiVersion),
    }),
    stringify({
      apiVersion: versions.apiVersion,
      kind: 'ClusterConfiguration',
      clusterName: plan.clusterName,
      kubernetesVersion: versions.kubernetesVersion,
      controlPlaneEndpoint: apiEndpoint(plan),
    }),
  ].join('---\n');

export interface FreshJoinMaterial {
  readonly bootstrapToken: string;
  readonly caCertHash: string;
  readonly certificateKey?: string;
}

export const mintJoinMaterial = async (
  context: RunContext,
  {controlPlane}: {readonly controlPlane: boolean},
): Promise<FreshJoinMaterial> => {
  const init = initNode(context.plan);
  if (!init) throw new Error('a plan without a control plane reached the run');
  const host = context.on(init.name);
  const bootstrapToken = context.secrets.add(generateBootstrapToken());
  await host.run(['kubeadm', 'token', 'create', '--config', '/dev/stdin'], {
    sudo: true,
    mutates: true,
    stdin: tokenConfigYaml(context.plan, init, bootstrapToken, {
      apiVersion: targetOn(context, init.name).apiVersion,
      kubernetesVersion: ownVersionOn(context, init.name),
    }),
    timeoutMs: 60_000,
  });
  let certificateKey: string | undefined;
  if (controlPlane) {
    certificateKey = context.secrets.add(generateCertificateKey());
    await host.run(
      ['kubeadm', 'init', 'phase', 'upload-certs', '--upload-certs', '--config', '/dev/stdin'],
      {
        sudo: true,
        mutates: true,
        stdin: fillPlaceholders(kubeadmInitYaml(context.plan, init, targetOn(context, init.name)), {
          bootstrapToken,
          certificateKey,
        }),
        timeoutMs: kubeadmTimeoutMs,
      },
    );
  }
  const pem = await host.read(caCertPath, {sudo: true});
  if (pem === undefined) {
    throw new StepError({
      message: `${caCertPath} is missing on ${init.name}`,
      stderrTail: [],
      suggestion: 'kubeadm init did not finish there; run ha-wizard apply again.',
    });
  }
  return {
    bootstrapToken,
    caCertHash: caCertHash(pem),
    ...(certificateKey === undefined ? {} : {certificateKey}),
  };
};

export {kubeadmTimeoutMs};
