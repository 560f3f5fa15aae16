// The grants a locked-down tailnet needs for the cluster to talk (issue 12):
// what Kubernetes and Cilium send between the nodes, over tailscale0, on top
// of the VIP that DOMAIN.md phase 7 already needs.
import {controlPlanes} from '../plan/build.js';
import {defaults} from '../plan/defaults.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {vipAddress} from './vip.js';

export interface Grant {
  /** Why, for the comment above it in policy.hujson. */
  readonly why: string;
  readonly src: readonly string[];
  readonly dst: readonly string[];
  /** Tailscale's `ip` field: `tcp:6443`, `udp:8472`, `tcp:2379-2380`. */
  readonly ip: readonly string[];
}

/**
 * How the policy names `nodes`: by the tags they carry, fewest tags first
 * chosen greedily (the tag most of them share, then the next for those left),
 * and by Tailscale IPv4 for a node without tags. A tag survives a node
 * re-registering with a new address; an address is all an untagged node has.
 */
export const selectorsFor = (nodes: readonly PlanNode[]): string[] => {
  const selectors: string[] = [];
  let left = nodes.filter((node) => node.tags.length > 0);
  while (left.length > 0) {
    const counts = new Map<string, number>();
    for (const node of left)
      for (const tag of node.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    // Most nodes first; between equals the first in name order, so the file is stable.
    const [best] = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    if (!best) break;
    selectors.push(best[0]);
    left = left.filter((node) => !node.tags.includes(best[0]));
  }
  for (const node of nodes) if (node.tags.length === 0 && node.ip !== '') selectors.push(node.ip);
  return [...new Set(selectors)];
};

/** Every grant the cluster needs, the VIP first. */
export const clusterGrants = (plan: Plan): Grant[] => {
  const everyNode = selectorsFor(plan.nodes);
  const planes = selectorsFor(controlPlanes(plan));
  const port = defaults.apiServerPort;
  return [
    {
      why: `The nodes, and your workstation (a device of a tailnet member, for kubectl), reach the API through the VIP. Approving the route alone lets no packet through.`,
      src: [...everyNode, 'autogroup:member'],
      dst: [`${vipAddress(plan.network.vip)}/32`],
      ip: [`tcp:${port}`],
    },
    {
      why: `Every control plane's own apiserver: kubeadm join, the kubernetes Service's endpoints, and the nodes while the VIP moves.`,
      src: everyNode,
      dst: planes,
      ip: [`tcp:${port}`],
    },
    {
      why: 'etcd: clients and peers, between the control planes only.',
      src: planes,
      dst: planes,
      ip: ['tcp:2379-2380'],
    },
    {
      why: 'The kubelet: the apiserver (logs, exec) and in-cluster metrics reach it on every node.',
      src: everyNode,
      dst: everyNode,
      ip: ['tcp:10250'],
    },
    {
      why: "Cilium: pod traffic between nodes in VXLAN (8472/udp), and cilium-health's probes (4240).",
      src: everyNode,
      dst: everyNode,
      ip: ['udp:8472', 'tcp:4240'],
    },
  ];
};
