// Every command the run calls on each node, so preflight can find them all
// before anything changes (DOMAIN.md phase 3): the kubeadm install guide
// leaves a node with containerd, kubeadm, kubelet and kubectl; helm and curl
// are the user's to add where the run needs them. One sentence each says how.
import {parseKubernetesVersion} from '../artifacts/kubernetes-version.js';
import {controlPlanes, initNode} from './build.js';
import type {Plan, PlanNode} from './types.js';

export interface NeededBinary {
  readonly name: string;
  /** What the run does with it on this node. */
  readonly why: string;
  /** One sentence: how to get it. */
  readonly howToGet: string;
}

/** The node that checks `/readyz` through the VIP in Verify: a worker, else the second control plane. */
export const vipProber = (plan: Plan): PlanNode | undefined =>
  plan.nodes.find((node) => node.role === 'worker') ?? controlPlanes(plan)[1];

const kubernetesPackages = (plan: Plan, name: string): string => {
  let minor = plan.kubernetesVersion;
  try {
    const version = parseKubernetesVersion(plan.kubernetesVersion);
    minor = `${version.major}.${version.minor}`;
  } catch {
    // An invalid version is a plan finding of its own; name the plan's text.
  }
  return `install ${name} ${minor} with kubeadm and kubelet from https://pkgs.k8s.io/core:/stable:/v${minor}/, as the kubeadm install guide does`;
};

export const binariesFor = (plan: Plan, node: PlanNode): NeededBinary[] => {
  const needed: NeededBinary[] = [
    {
      name: 'tailscale',
      why: 'the tailnet',
      howToGet: 'install Tailscale (https://tailscale.com/download/linux) and log in',
    },
    {
      name: 'containerd',
      why: 'the container runtime',
      howToGet:
        "install containerd (your distribution's containerd package, or containerd.io from Docker's repository)",
    },
    {name: 'kubeadm', why: 'init and join', howToGet: kubernetesPackages(plan, 'kubeadm')},
    {name: 'kubelet', why: 'the node agent', howToGet: kubernetesPackages(plan, 'kubelet')},
  ];
  const curl: NeededBinary = {
    name: 'curl',
    why:
      node.role === 'control-plane'
        ? "its apiserver's /readyz and the health gate"
        : 'checking the VIP from here',
    howToGet: "install your distribution's curl package (apt-get install curl, dnf install curl)",
  };
  if (node.role === 'control-plane' || vipProber(plan)?.name === node.name) needed.push(curl);
  if (initNode(plan)?.name === node.name)
    needed.push(
      {
        name: 'kubectl',
        why: 'verifying the cluster',
        howToGet: kubernetesPackages(plan, 'kubectl'),
      },
      {
        name: 'helm',
        why: 'installing Cilium',
        howToGet:
          'install Helm 3 with its script (curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash) or a package from https://helm.sh/docs/intro/install/',
      },
    );
  return needed;
};
