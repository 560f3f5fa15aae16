import type {EndpointKind} from './endpoint.js';

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
  /**
   * Private IPv4 addresses the status shows for the node's own networks
   * (`Addrs`, `CurAddr`), for the LAN endpoints' plan-time checks. Absent in
   * plans written before issue 11; empty when the status shows none. A hint,
   * not the truth: preflight reads the node's interfaces over SSH.
   */
  readonly lanAddresses?: readonly string[];
}

export interface Network {
  /**
   * What gives the API its one address (plan/endpoint.ts). plan.json files
   * written before issue 11 have no such key and load as `tailscale-vip`
   * (commands/shared.ts), so schemaVersion stays 1.
   */
  readonly endpoint: EndpointKind;
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
