export type Role = 'control-plane' | 'worker';

export type AuthMethod =
  | {readonly kind: 'agent'}
  | {readonly kind: 'key'; readonly keyFile: string}
  | {readonly kind: 'tailscale-ssh'};

export interface Access {
  readonly user: string;
  readonly auth: AuthMethod;
}

export interface PlanNode {
  /** The peer's stable tailnet ID, so a resumed run finds the host again after an address change. */
  readonly id: string;
  /** Host name, unique among the plan's nodes; the Kubernetes node name. */
  readonly name: string;
  readonly dnsName: string;
  /** Tailscale IPv4: kubeadm advertiseAddress and kubelet node-ip. */
  readonly ip: string;
  readonly role: Role;
  readonly os: string;
  readonly online: boolean;
  readonly tags: readonly string[];
  /** Approved routes the node already advertises; `tailscale set --advertise-routes` must keep them. */
  readonly advertisedRoutes: readonly string[];
  readonly keyExpiry: string | undefined;
  readonly keyExpired: boolean;
  /** Per-host SSH override; the cluster-wide `Plan.access` applies when absent. */
  readonly access: Access | undefined;
}

export interface Network {
  /** Texts as the user typed them: validation reports malformed ones verbatim. */
  readonly vip: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
}

export interface Plan {
  readonly schemaVersion: 1;
  readonly clusterName: string;
  /** `X.Y` or `X.Y.Z`. */
  readonly kubernetesVersion: string;
  readonly network: Network;
  /** Control planes first, the init node at index 0; then workers. */
  readonly nodes: readonly PlanNode[];
  readonly access: Access;
  readonly allowEvenControlPlanes: boolean;
  /** Every route any tailnet device already advertises, with who: overlap checks need them. */
  readonly tailnetRoutes: ReadonlyArray<{readonly route: string; readonly peer: string}>;
}
