import {error, type Rule} from './rule.js';
import type {Finding} from './finding.js';

const version = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;
// kubeadm's v1beta3 config API (the oldest the wizard writes) arrived in 1.22.
const oldestMinor = 22;
const clusterName = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Kubernetes version, cluster name and SSH access. */
export const settings: Rule = ({plan}) => {
  const findings: Finding[] = [];
  const match = version.exec(plan.kubernetesVersion.trim());
  if (!match) {
    findings.push(
      error(
        'kubernetes-version-malformed',
        `Kubernetes version "${plan.kubernetesVersion}" is not X.Y or X.Y.Z; use e.g. 1.36.`,
        'kubernetesVersion',
      ),
    );
  } else if (Number(match[1]) !== 1 || Number(match[2]) < oldestMinor) {
    findings.push(
      error(
        'kubernetes-version-unsupported',
        `Kubernetes ${plan.kubernetesVersion} is older than 1.${oldestMinor}, the oldest the wizard can configure; use a current release such as 1.36.`,
        'kubernetesVersion',
      ),
    );
  }
  if (!clusterName.test(plan.clusterName)) {
    findings.push(
      error(
        'cluster-name-invalid',
        `Cluster name "${plan.clusterName}" must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit; e.g. homelab.`,
        'clusterName',
      ),
    );
  }
  const accesses = [
    {label: 'the cluster', access: plan.access},
    ...plan.nodes.flatMap((node) => (node.access ? [{label: node.name, access: node.access}] : [])),
  ];
  for (const {label, access} of accesses) {
    if (access.user.trim() === '') {
      findings.push(
        error(
          'ssh-user-missing',
          `The SSH user for ${label} is empty; enter the user to log in as, e.g. root.`,
          'access',
        ),
      );
    }
    if (access.auth.kind === 'key' && access.auth.keyFile.trim() === '') {
      findings.push(
        error(
          'ssh-key-missing',
          `The SSH key file for ${label} is empty; enter its path, e.g. ~/.ssh/id_ed25519, or use the ssh-agent.`,
          'access',
        ),
      );
    }
  }
  return findings;
};
