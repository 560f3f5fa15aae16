// The lab's names, address plan and paths: one place, so `down` can find by
// prefix everything `up` made, even after a crash.
import {fileURLToPath} from 'node:url';

/** Every netns and root-namespace link the lab makes starts with this. */
export const prefix = 'hwlab';
export const labDir = process.env['HWLAB_DIR'] ?? '/tmp/hwlab';
export const sourceDir = fileURLToPath(new URL('.', import.meta.url));
export const repoDir = fileURLToPath(new URL('../..', import.meta.url));

/** The "tailnet": a router namespace with no uplink. */
export const routerNs = `${prefix}-net`;
/** The workstation's (root namespace's) end of its veth to the router. */
export const operatorLink = `${prefix}-op0`;
export const routerOperatorLink = `${prefix}-op`;
export const routerIp = '100.64.10.1';
export const operatorIp = '100.64.10.2';
/** The lab's own part of 100.64.0.0/10. */
export const hostRange = '100.64.10.0/24';
export const tailnetRange = '100.64.0.0/10';
export const vipRange = '10.200.0.0/24';
export const defaultVip = '10.200.0.1';
export const podRange = '10.244.0.0/16';
export const serviceRange = '10.96.0.0/12';

/**
 * Root-namespace policy routing. The lab's ranges are looked up in their own
 * table from a rule that comes before Tailscale's (5210-5270), so no other
 * table (a real tailscaled's 52, main's default route) can capture them. The
 * rest of 100.64.0.0/10 gets a rule after Tailscale's 5270: a real tailnet on
 * this machine keeps working, and without one those addresses are unreachable
 * instead of leaving through the default route.
 */
export const routeTable = 5100;
export const rulePriority = 5100;
export const fallbackRulePriority = 5290;
export const labRanges = [hostRange, vipRange, podRange, serviceRange] as const;

/** The user the lab's sshd lets in (with passwordless sudo). */
export const sshUser = 'hwlab';
export const sshUid = 2000;
export const magicDnsSuffix = 'tail-lab.ts.net';
export const workstationName = `${prefix}-workstation`;

export const paths = {
  hosts: `${labDir}/hosts`,
  tailnet: `${labDir}/tailnet`,
  /** The simulated cluster (source/sim): shared by every host at /run/hwlab-cluster. */
  cluster: `${labDir}/cluster`,
  usr: `${labDir}/usr`,
  ssh: `${labDir}/ssh`,
  identity: `${labDir}/ssh/id_ed25519`,
  knownHosts: `${labDir}/ssh/known_hosts`,
  sshConfig: `${labDir}/ssh/config`,
  statusFile: `${labDir}/status.json`,
  labJson: `${labDir}/lab.json`,
  coordinatorPid: `${labDir}/coordinator.pid`,
  coordinatorLog: `${labDir}/coordinator.log`,
} as const;

export type Role = 'control-plane' | 'worker';
export type NetworkManagerChoice = 'networkd' | 'nm' | 'mixed';
export type ContainerdChoice = '1' | '2' | 'mixed';

export interface HostPlan {
  readonly name: string;
  readonly address: string;
  readonly role: Role;
  readonly tags: readonly string[];
  readonly networkManager: 'systemd-networkd' | 'NetworkManager';
  /** containerd major version the host pretends to run: 1 (config version 2) or 2 (config version 3). */
  readonly containerdMajor: 1 | 2;
}

export interface LabOptions {
  readonly controlPlanes: number;
  readonly workers: number;
  readonly networkManager: NetworkManagerChoice;
  readonly containerd: ContainerdChoice;
  /** Seconds the coordinator waits after a primary goes offline before failing over. */
  readonly failoverDelay: number;
  /** False: advertised routes need `npm run lab -- approve` first (the route-approval phase). */
  readonly autoApprove: boolean;
}

export const defaultOptions: LabOptions = {
  controlPlanes: 3,
  workers: 2,
  networkManager: 'networkd',
  containerd: '1',
  failoverDelay: 1,
  autoApprove: true,
};

export const maxHosts = {controlPlanes: 50, workers: 100} as const;

/** Host names cp1..cpN, w1..wM; addresses 100.64.10.(10+i) and 100.64.10.(100+j). */
export const planHosts = (options: LabOptions): HostPlan[] => {
  const hosts: HostPlan[] = [];
  const pick = <T>(choice: string, index: number, first: T, second: T, one: string): T =>
    choice === 'mixed' ? (index % 2 === 0 ? first : second) : choice === one ? first : second;
  const add = (name: string, address: string, role: Role) => {
    const index = hosts.length;
    hosts.push({
      name,
      address,
      role,
      tags: [role === 'control-plane' ? 'tag:k8s-control-plane' : 'tag:k8s-worker'],
      networkManager: pick(
        options.networkManager,
        index,
        'systemd-networkd',
        'NetworkManager',
        'networkd',
      ),
      containerdMajor: pick(options.containerd, index, 1, 2, '1'),
    });
  };
  for (let i = 1; i <= options.controlPlanes; i++)
    add(`cp${i}`, `100.64.10.${10 + i}`, 'control-plane');
  for (let j = 1; j <= options.workers; j++) add(`w${j}`, `100.64.10.${100 + j}`, 'worker');
  return hosts;
};

export const hostNs = (name: string) => `${prefix}-${name}`;
/** The router's end of a host's veth (the host's end is `tailscale0`). */
export const hostLink = (name: string) => `${prefix}-${name}`;
