import type {PlanNode} from '../plan/types.js';
import type {Finding} from './finding.js';
import {error, type Rule} from './rule.js';

// A Kubernetes node name is a DNS-1123 subdomain; kubeadm takes the host name.
const nodeName = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Phones all call themselves `localhost`: add the MagicDNS label when it says more. */
const label = (node: PlanNode): string => {
  const dnsLabel = node.dnsName.split('.')[0] ?? '';
  if (!node.name) return dnsLabel || node.id;
  return dnsLabel && dnsLabel !== node.name ? `${node.name} (${dnsLabel})` : node.name;
};

/** Each chosen node must be able to run Kubernetes and be named uniquely. */
export const nodes: Rule = ({plan}) => {
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  for (const node of plan.nodes) {
    if (node.os.toLowerCase() !== 'linux') {
      findings.push(
        error(
          'node-not-linux',
          `${label(node)} runs ${node.os || 'an unknown OS'}, not Linux; remove it from the cluster.`,
          'roles',
        ),
      );
    }
    if (node.keyExpired) {
      findings.push(
        error(
          'node-key-expired',
          `${label(node)}'s node key has expired; re-authenticate it with \`tailscale up\` on that machine, or remove it from the cluster.`,
          'roles',
        ),
      );
    } else if (!node.online) {
      findings.push(
        error(
          'node-offline',
          `${label(node)} is offline in the tailnet; start it (and tailscaled) or remove it from the cluster.`,
          'roles',
        ),
      );
    }
    if (!node.ip) {
      findings.push(
        error(
          'node-no-ipv4',
          `${label(node)} has no Tailscale IPv4 address, which kubeadm needs as its node IP; enable IPv4 in the tailnet or remove it from the cluster.`,
          'roles',
        ),
      );
    }
    if (node.name && !nodeName.test(node.name.toLowerCase())) {
      findings.push(
        error(
          'node-name-invalid',
          `Host name "${node.name}" cannot be a Kubernetes node name (letters, digits, '-' and '.' only); rename the host with \`hostnamectl set-hostname\`.`,
          'roles',
        ),
      );
    }
    const key = node.name.toLowerCase();
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const [name, count] of seen) {
    if (count > 1) {
      findings.push(
        error(
          'duplicate-host-name',
          `${count} chosen nodes are named "${name}", and Kubernetes node names must be unique; rename all but one with \`hostnamectl set-hostname\`.`,
          'roles',
        ),
      );
    }
  }
  return findings;
};
