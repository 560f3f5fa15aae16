// The lab's names, address plan and paths: one place, so `down` can find by
// prefix everything `up` made, even after a crash.
import {fileURLToPath} from 'node:url';

/** Every netns and root-namespace link the lab makes starts with this. */
export const prefix = 'hwlab';
export const labDir = process.env['HWLAB_DIR'] ?? '/tmp/hwlab';
export const sourceDir = fileURLToPath(new URL('.', import.meta.url));
export const repoDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The underlay (the hosts' LAN and "internet"): a router namespace with no
 * uplink. Every host, the control server and the workstation have an address
 * here, outside 100.64.0.0/10; WireGuard and DERP travel over it.
 */
export const routerNs = `${prefix}-net`;
export const underlayRange = '10.99.0.0/16';
export const routerIp = '10.99.0.1';
/** The control server (Headscale) in its own namespace. */
export const headscaleNs = `${prefix}-hs`;
export const headscaleIp = '10.99.0.2';
export const headscalePort = 8080;
/** The workstation: a namespace with its own tailscaled (none runs in the machine's own namespace). */
export const workstationNs = `${prefix}-ws`;
export const workstationIp = '10.99.0.3';
/**
 * The machine's own namespace reaches the lab through the workstation: a veth
 * pair, and the workstation masquerades what comes from it, so the test runner
 * and the wizard use the tailnet as the workstation's tailscaled does.
 */
export const operatorLink = `${prefix}-op0`;
export const workstationOperatorLink = `${prefix}-op`;
export const operatorIp = '10.99.1.1';
export const workstationOperatorIp = '10.99.1.2';
/** The lab's own part of 100.64.0.0/10: Headscale gives out Tailscale addresses from it. */
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
/**
 * With `up --lan`: one shared LAN segment for the control planes of the LAN
 * endpoints (keepalived + HAProxy, kube-vip). A bridge in the router
 * namespace with no address of its own, so nothing on it is routed anywhere:
 * every host and the workstation get a second link `lan0` on it. The VIP is a
 * free address of that LAN.
 */
export const lanRange = '10.77.0.0/24';
export const lanPrefixLength = 24;
export const lanBridge = `${prefix}-lan`;
/** The router's end of a member's LAN veth (its own end is `lan0`). */
export const lanLink = (name: string) => `${prefix}-l-${name}`;
export const lanInterface = 'lan0';
export const workstationLanIp = '10.77.0.3';
export const lanVip = '10.77.0.250';

export const routeTable = 5100;
export const rulePriority = 5100;
export const fallbackRulePriority = 5290;
export const labRanges = [
  hostRange,
  underlayRange,
  lanRange,
  vipRange,
  podRange,
  serviceRange,
] as const;

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
  headscale: `${labDir}/headscale`,
  headscaleApiKey: `${labDir}/headscale/api-key`,
  workstation: `${labDir}/workstation`,
  labJson: `${labDir}/lab.json`,
} as const;

export type Role = 'control-plane' | 'worker';
export type NetworkManagerChoice = 'networkd' | 'nm' | 'mixed';
export type ContainerdChoice = '1' | '2' | 'mixed';

export interface HostPlan {
  readonly name: string;
  /** The host's underlay (LAN) address; its Tailscale address comes from Headscale at `up`. */
  readonly underlay: string;
  readonly role: Role;
  readonly tags: readonly string[];
  readonly networkManager: 'systemd-networkd' | 'NetworkManager';
  /** containerd major version the host pretends to run: 1 (config version 2) or 2 (config version 3). */
  readonly containerdMajor: 1 | 2;
  /** Its address on the shared LAN (`up --lan`), on `lan0`; absent without one. */
  readonly lan?: string;
}

export interface LabOptions {
  readonly controlPlanes: number;
  readonly workers: number;
  readonly networkManager: NetworkManagerChoice;
  readonly containerd: ContainerdChoice;
  /**
   * Headscale's HA prober interval in seconds (its timeout is half of it): how fast the control
   * server notices a primary router that went silent. Headscale's default is 10 s (timeout 5 s).
   */
  readonly haProbeInterval: number;
  /** False: advertised routes need `npm run lab -- approve` first (the route-approval phase). */
  readonly autoApprove: boolean;
  /** The hosts also share one LAN segment (lanRange), for the LAN endpoints. */
  readonly lan: boolean;
}

export const defaultOptions: LabOptions = {
  controlPlanes: 3,
  workers: 2,
  networkManager: 'networkd',
  containerd: '1',
  haProbeInterval: 10,
  autoApprove: true,
  lan: false,
};

export const maxHosts = {controlPlanes: 50, workers: 100} as const;

/**
 * Host names cp1..cpN, w1..wM; underlay addresses 10.99.0.(10+i) and
 * 10.99.0.(100+j), and with --lan the same last octet on the LAN.
 */
export const planHosts = (options: LabOptions): HostPlan[] => {
  const hosts: HostPlan[] = [];
  const pick = <T>(choice: string, index: number, first: T, second: T, one: string): T =>
    choice === 'mixed' ? (index % 2 === 0 ? first : second) : choice === one ? first : second;
  const add = (name: string, underlay: string, role: Role) => {
    const index = hosts.length;
    hosts.push({
      name,
      underlay,
      ...(options.lan ? {lan: underlay.replace(/^10\.99\.0\./, '10.77.0.')} : {}),
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
    add(`cp${i}`, `10.99.0.${10 + i}`, 'control-plane');
  for (let j = 1; j <= options.workers; j++) add(`w${j}`, `10.99.0.${100 + j}`, 'worker');
  return hosts;
};

export const hostNs = (name: string) => `${prefix}-${name}`;
/** The router's end of a host's veth (the host's end is `eth0`; `tailscale0` is tailscaled's TUN). */
export const hostLink = (name: string) => `${prefix}-${name}`;
