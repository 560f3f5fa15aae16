/** Defaults from DOMAIN.md "Target topology". */
export const defaults = {
  vip: '10.200.0.1',
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  /** A current stable minor (released 2026-04, maintained into 2027). */
  kubernetesVersion: '1.36',
  clusterName: 'homelab',
  sshUser: 'root',
  apiServerPort: 6443,
  /** `apply --command-timeout`: far above any ordinary command, far below "hung forever". */
  commandTimeoutSeconds: 300,
} as const;

/** The tailnet's own ranges: nothing in the cluster may overlap them. */
export const tailnetRanges = {
  cgnat: '100.64.0.0/10',
  ula: 'fd7a:115c:a1e0::/48',
} as const;
