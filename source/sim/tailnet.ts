// The coordination server's model of the tailnet, pure: which routes are
// approved, which node is the primary router of each prefix, and what
// `tailscale status --json` says on each node. Kept faithful to Tailscale:
// the oldest online advertiser of an approved route is primary, and the route
// moves only when that node goes offline (after a delay), or stops advertising.
// The lab's coordinator (test/lab/coordinator.ts) and the in-process demo
// (memory-world.ts) both run it, so the two cannot disagree about routing.
import {createHash} from 'node:crypto';
import type {Role} from '../core/plan/types.js';

export interface TailnetHost {
  /** The node's name: lowercase, the key of every map here. */
  readonly name: string;
  /** The OS host name as Tailscale reports it (case kept, hostinfo.go); default `name`. */
  readonly hostName?: string;
  readonly address: string;
  readonly role: Role | 'workstation';
  readonly tags: readonly string[];
}

/** What tells one simulated tailnet from another in `tailscale status`. */
export interface TailnetIdentity {
  readonly magicDnsSuffix: string;
  /** `tailscale version`'s first line and status's `Version`. */
  readonly version: string;
  /** The tailnet's name (`CurrentTailnet.Name`); it also seeds the stable node IDs and keys. */
  readonly name: string;
}

/** What a node's simulated tailscale publishes (nodes/<name>.json). */
export interface PublishedPrefs {
  readonly HostName: string;
  readonly Seq: number;
  readonly WantRunning: boolean;
  readonly RouteAll: boolean;
  readonly AdvertiseRoutes: readonly string[];
}

export interface Policy {
  readonly autoApprove: boolean;
  /** Approved routes per host when autoApprove is off. */
  readonly approved: Readonly<Record<string, readonly string[]>>;
  /**
   * Hosts behind a NAT no direct path gets through: every path to or from
   * them goes over a DERP relay (CurAddr empty, Relay set, `tailscale ping`
   * says "via DERP(...)").
   */
  readonly relayed?: readonly string[];
}

/** The DERP region the lab's relayed paths go through. */
export const labRelay = 'lab';

export interface NodeState {
  readonly online: boolean;
  /** ms since epoch when the node went offline. */
  readonly offlineSince?: number;
  /** Advertised prefix -> ms since epoch when this node started advertising it. */
  readonly advertised: Readonly<Record<string, number>>;
  readonly routeAll: boolean;
  readonly seq: number;
}

export interface TailnetState {
  readonly nodes: Readonly<Record<string, NodeState>>;
  /** Prefix -> host name of its primary router. */
  readonly primaries: Readonly<Record<string, string>>;
}

export const emptyState: TailnetState = {nodes: {}, primaries: {}};

export const isApproved = (policy: Policy, host: string, prefix: string) =>
  policy.autoApprove || (policy.approved[host] ?? []).includes(prefix);

/**
 * One reconcile step. Returns the new state and, when a failover is pending,
 * the time at which the next step must run.
 */
export const reconcile = (
  previous: TailnetState,
  prefs: Readonly<Record<string, PublishedPrefs>>,
  policy: Policy,
  now: number,
  failoverDelayMs: number,
): {state: TailnetState; wakeAt: number | undefined} => {
  const nodes: Record<string, NodeState> = {};
  for (const [name, published] of Object.entries(prefs)) {
    const before = previous.nodes[name];
    const online = published.WantRunning;
    const advertised: Record<string, number> = {};
    for (const prefix of published.AdvertiseRoutes)
      advertised[prefix] = before?.advertised[prefix] ?? now;
    const offlineSince = online ? undefined : before && !before.online ? before.offlineSince : now;
    nodes[name] = {
      online,
      ...(offlineSince === undefined ? {} : {offlineSince}),
      advertised,
      routeAll: published.RouteAll,
      seq: published.Seq,
    };
  }
  const candidates = new Map<string, string[]>();
  for (const [name, node] of Object.entries(nodes)) {
    for (const prefix of Object.keys(node.advertised)) {
      if (!isApproved(policy, name, prefix)) continue;
      candidates.set(prefix, [...(candidates.get(prefix) ?? []), name]);
    }
  }
  const primaries: Record<string, string> = {};
  let wakeAt: number | undefined;
  for (const [prefix, names] of [...candidates].sort(([a], [b]) => a.localeCompare(b))) {
    const current = previous.primaries[prefix];
    const currentNode = current === undefined ? undefined : nodes[current];
    if (current !== undefined && currentNode && names.includes(current)) {
      if (currentNode.online) {
        primaries[prefix] = current;
        continue;
      }
      const deadline = (currentNode.offlineSince ?? now) + failoverDelayMs;
      if (now < deadline) {
        // Still the primary: the control server has not given up on it yet.
        primaries[prefix] = current;
        wakeAt = Math.min(wakeAt ?? deadline, deadline);
        continue;
      }
    }
    const online = names
      .filter((name) => nodes[name]?.online)
      .sort(
        (a, b) =>
          (nodes[a]?.advertised[prefix] ?? 0) - (nodes[b]?.advertised[prefix] ?? 0) ||
          a.localeCompare(b, 'en'),
      );
    const chosen = online[0];
    if (chosen !== undefined) primaries[prefix] = chosen;
  }
  return {state: {nodes, primaries}, wakeAt};
};

/** Routes each host should have in its table 52 (accept-routes on, online, not its own primary). */
export const acceptedRoutes = (state: TailnetState, host: string): string[] => {
  const node = state.nodes[host];
  if (!node?.online || !node.routeAll) return [];
  return Object.entries(state.primaries)
    .filter(([, primary]) => primary !== host)
    .map(([prefix]) => prefix)
    .sort();
};

const stableHex = (tailnet: TailnetIdentity, text: string) =>
  createHash('sha256').update(`${tailnet.name}:${text}`).digest('hex');
const created = '2026-11-01T00:00:00Z';
const zeroTime = '0001-01-01T00:00:00Z';

const peerStatus = (
  tailnet: TailnetIdentity,
  host: TailnetHost,
  state: TailnetState,
  now: number,
  isSelf: boolean,
  relayed = false,
) => {
  const node = state.nodes[host.name];
  const online = host.role === 'workstation' ? true : (node?.online ?? false);
  const primaryRoutes = Object.entries(state.primaries)
    .filter(([, primary]) => primary === host.name)
    .map(([prefix]) => prefix)
    .sort();
  const untagged = host.tags.length === 0;
  return {
    ID: `n${stableHex(tailnet, host.name).slice(0, 10)}CNTRL`,
    PublicKey: `nodekey:${stableHex(tailnet, host.name)}`,
    HostName: host.hostName ?? host.name,
    DNSName: `${host.name}.${tailnet.magicDnsSuffix}.`,
    OS: 'linux',
    UserID: untagged ? 1001 : 2001,
    TailscaleIPs: [host.address],
    AllowedIPs: [`${host.address}/32`, ...primaryRoutes],
    ...(host.tags.length > 0 ? {Tags: [...host.tags]} : {}),
    ...(primaryRoutes.length > 0 ? {PrimaryRoutes: primaryRoutes} : {}),
    Addrs: isSelf ? [`${host.address}:41641`] : null,
    CurAddr: isSelf || !online || relayed ? '' : `${host.address}:41641`,
    Relay: relayed && online ? labRelay : '',
    PeerRelay: '',
    RxBytes: 0,
    TxBytes: 0,
    Created: created,
    LastWrite: isSelf ? zeroTime : new Date(now).toISOString(),
    LastSeen: online ? zeroTime : new Date(node?.offlineSince ?? now).toISOString(),
    LastHandshake: isSelf || !online ? zeroTime : new Date(now).toISOString(),
    Online: online,
    ExitNode: false,
    ExitNodeOption: false,
    Active: !isSelf && online,
    PeerAPIURL: [`http://${host.address}:52525`],
    TaildropTarget: 0,
    NoFileSharingReason: '',
    InNetworkMap: true,
    InMagicSock: !isSelf,
    InEngine: !isSelf,
    // Tagged nodes' keys do not expire; untagged ones get 180 days.
    ...(untagged ? {KeyExpiry: '2027-05-01T00:00:00Z'} : {}),
  };
};

/** `tailscale status --json` as seen from `self` (a lab host or the workstation). */
export const statusJson = (
  tailnet: TailnetIdentity,
  self: TailnetHost,
  all: readonly TailnetHost[],
  state: TailnetState,
  now: number,
  relayed: ReadonlySet<string> = new Set(),
) => {
  const running = self.role === 'workstation' || (state.nodes[self.name]?.online ?? false);
  const selfNode = state.nodes[self.name];
  const health: string[] = [];
  if (!running) health.push('Tailscale is stopped.');
  else if (
    self.role !== 'workstation' &&
    !selfNode?.routeAll &&
    Object.values(state.primaries).some((primary) => primary !== self.name)
  ) {
    health.push('Some peers are advertising routes but --accept-routes is false');
  }
  const peers: Record<string, unknown> = {};
  if (running) {
    for (const host of all) {
      if (host.name === self.name) continue;
      const viaRelay = relayed.has(self.name) || relayed.has(host.name);
      peers[`nodekey:${stableHex(tailnet, host.name)}`] = peerStatus(
        tailnet,
        host,
        state,
        now,
        false,
        viaRelay,
      );
    }
  }
  return {
    Version: tailnet.version,
    TUN: true,
    BackendState: running ? 'Running' : 'Stopped',
    HaveNodeKey: true,
    AuthURL: '',
    TailscaleIPs: [self.address],
    Self: peerStatus(tailnet, self, state, now, true),
    Health: health,
    MagicDNSSuffix: tailnet.magicDnsSuffix,
    CurrentTailnet: {
      Name: tailnet.name,
      MagicDNSSuffix: tailnet.magicDnsSuffix,
      MagicDNSEnabled: true,
    },
    CertDomains: null,
    Peer: peers,
    User: null,
    ClientVersion: null,
  };
};

/** `tailscale status` (text) as seen from `self`. */
export const statusText = (
  self: TailnetHost,
  all: readonly TailnetHost[],
  state: TailnetState,
  relayed: ReadonlySet<string> = new Set(),
) => {
  const line = (host: TailnetHost, detail: string) =>
    `${host.address.padEnd(15)} ${host.name.padEnd(18)} ${(host.tags[0] ?? `${host.name}@`).padEnd(22)} linux   ${detail}`;
  const lines = [line(self, '-')];
  for (const host of all) {
    if (host.name === self.name) continue;
    const online = host.role === 'workstation' || (state.nodes[host.name]?.online ?? false);
    const path =
      relayed.has(self.name) || relayed.has(host.name)
        ? `relay "${labRelay}"`
        : `direct ${host.address}:41641`;
    lines.push(line(host, online ? `active; ${path}, tx 0 rx 0` : 'offline'));
  }
  return `${lines.join('\n')}\n`;
};
