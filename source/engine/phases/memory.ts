// What phases learn and hand on within one run. Preflight always runs, so
// every later phase finds its host's facts here, on a re-run too; nothing in
// it is persisted (join material especially).
import type {LanSide} from '../../core/net/lan-side.js';

export type NetworkManager = 'systemd-networkd' | 'NetworkManager';

export interface HostFacts {
  readonly os: string;
  readonly arch: string;
  readonly hostname: string;
  readonly networkManager: NetworkManager | undefined;
  readonly kubeadmVersion: string | undefined;
  readonly containerdVersion: string | undefined;
  /** kubeadm already ran here (kubelet.conf exists): a re-run. */
  readonly joined: boolean;
}

export interface JoinMaterial {
  readonly bootstrapToken: string;
  readonly caCertHash: string;
}

export interface RunMemory {
  readonly facts: Map<string, HostFacts>;
  /**
   * Per host, the commands found outside the directories sudo searches on every
   * distribution (preflight's `command -v`): they are called by absolute path.
   */
  readonly commandPaths: Map<string, ReadonlyMap<string, string>>;
  /** Per control plane, its side of a LAN endpoint's VIP subnet (preflight reads it). */
  readonly lanSides: Map<string, LanSide>;
  /** Minted once for all the workers (they join in parallel). */
  workerJoin: JoinMaterial | undefined;
  /** The node the tailnet routes VIP/32 to, as last seen. */
  primaryRouter: string | undefined;
  kubeconfigContext: string | undefined;
}

export const newRunMemory = (): RunMemory => ({
  facts: new Map(),
  commandPaths: new Map(),
  lanSides: new Map(),
  workerJoin: undefined,
  primaryRouter: undefined,
  kubeconfigContext: undefined,
});
