// One key on Roles suggests a layout (issue 12): an odd number of control
// planes from the most suitable machines, the rest as workers, each with a
// line saying why, so the user can judge the suggestion and change it.
import type {Peer} from '../tailnet/types.js';
import {eligibility} from '../tailnet/eligibility.js';

const day = 24 * 60 * 60 * 1000;
/** As the key-expiry finding: a key that expires within 30 days is about to. */
const soon = 30 * day;

export interface SuggestOptions {
  readonly now: Date;
  /** 5 only when the user asks for it; otherwise 3 when there are enough machines, else 1. */
  readonly wantFive?: boolean;
  /** Whether the user already put this machine (Self) in the cluster, and as what. */
  readonly selfRole?: 'control-plane' | 'worker';
}

export interface RoleSuggestion {
  /** Peer IDs, the most suitable first; the first is the init node. */
  readonly controlPlanes: readonly string[];
  readonly workers: readonly string[];
  /** One line per machine considered: its name, its role and why. */
  readonly reasons: readonly string[];
}

interface Candidate {
  readonly peer: Peer;
  readonly index: number;
  readonly keyOk: boolean;
  readonly clusterTag: boolean;
  readonly tagged: boolean;
  readonly direct: boolean;
  readonly why: string;
}

const keyText = (peer: Peer, now: Date): {ok: boolean; text: string} => {
  if (!peer.keyExpiry) return {ok: true, text: 'key does not expire'};
  const left = Date.parse(peer.keyExpiry) - now.getTime();
  if (left < soon) {
    const days = Math.max(0, Math.floor(left / day));
    return {ok: false, text: `key expires in ${days} day${days === 1 ? '' : 's'}`};
  }
  return {ok: true, text: `key expires ${peer.keyExpiry.slice(0, 10)}`};
};

/**
 * The tag most eligible machines share (two at least): in a homelab that tags
 * its cluster machines alike, that tag marks them, and they come before a
 * machine tagged for something else (a NAS).
 */
const clusterTagOf = (peers: readonly Peer[]): string | undefined => {
  const counts = new Map<string, number>();
  for (const peer of peers)
    for (const tag of peer.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  const [best] = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return best && best[1] >= 2 ? best[0] : undefined;
};

const candidateOf = (peer: Peer, index: number, now: Date, clusterTag: string | undefined) => {
  const key = keyText(peer, now);
  const parts = [
    peer.tags.length > 0 ? `tagged ${peer.tags.join(',')}` : 'untagged',
    key.text,
    peer.direct ? 'direct path' : `relayed${peer.relay ? ` (DERP ${peer.relay})` : ''}`,
  ];
  return {
    peer,
    index,
    keyOk: key.ok,
    clusterTag: clusterTag !== undefined && peer.tags.includes(clusterTag),
    tagged: peer.tags.length > 0,
    direct: peer.direct,
    why: parts.join(', '),
  };
};

/** Most suitable first: a key that stays, then tagged (the cluster's tag first), then a direct path. */
const bySuitability = (a: Candidate, b: Candidate): number =>
  Number(b.keyOk) - Number(a.keyOk) ||
  Number(b.clusterTag) - Number(a.clusterTag) ||
  Number(b.tagged) - Number(a.tagged) ||
  Number(b.direct) - Number(a.direct) ||
  a.index - b.index;

/** How many control planes: odd, 5 only when asked and possible, 3 when possible, else 1. */
export const controlPlaneCount = (machines: number, wantFive = false): number => {
  if (machines === 0) return 0;
  if (wantFive && machines >= 5) return 5;
  return machines >= 3 ? 3 : 1;
};

export const suggestRoles = (peers: readonly Peer[], options: SuggestOptions): RoleSuggestion => {
  const eligible = peers.filter((peer) => eligibility(peer).eligible);
  const others = eligible.filter((peer) => !peer.isSelf);
  const self = eligible.find((peer) => peer.isSelf);
  const clusterTag = clusterTagOf(others);
  const ranked = others
    .map((peer, index) => candidateOf(peer, index, options.now, clusterTag))
    .sort(bySuitability);
  // A workstation the user put in the cluster stays where they put it.
  const selfRole = self ? options.selfRole : undefined;
  const count = controlPlaneCount(
    ranked.length + (selfRole === 'control-plane' ? 1 : 0),
    options.wantFive,
  );
  const planes = ranked.slice(0, selfRole === 'control-plane' ? count - 1 : count);
  const rest = ranked.slice(planes.length);
  const reasons = [
    ...planes.map(
      (entry, index) =>
        `${entry.peer.hostName}: control plane${index === 0 ? ' (init node)' : ''}: ${entry.why}`,
    ),
    ...rest.map(
      (entry) =>
        `${entry.peer.hostName}: worker: ${entry.why}${entry.keyOk ? '' : '; tag it or disable its key expiry'}`,
    ),
  ];
  // A workstation left out needs no line: its row says "not in cluster".
  if (self && selfRole !== undefined)
    reasons.push(
      `${self.hostName} (this machine): ${selfRole === 'control-plane' ? 'control plane' : 'worker'}, as you chose`,
    );
  const ids = (list: readonly Candidate[]) => list.map((entry) => entry.peer.id);
  return {
    controlPlanes: [...ids(planes), ...(selfRole === 'control-plane' && self ? [self.id] : [])],
    workers: [...ids(rest), ...(selfRole === 'worker' && self ? [self.id] : [])],
    reasons,
  };
};
