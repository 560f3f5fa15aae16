// What a drill needs to know about one kind of API endpoint: who holds it,
// when it counts as served without the old holder, how --node-down takes a
// holder off it, and when a restored node has its part back. The drill's flow
// (run.ts) is the same for every kind; each kind is one small file, listed in
// strategies.ts: the Tailscale VIP, keepalived + HAProxy and kube-vip.
import type {Holding} from '../../core/drill/holder.js';
import type {DrillMode} from '../../core/drill/result.js';
import type {PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';

/** --node-down by stopping a systemd unit on the holder (take-off.ts stopUnit). */
export interface UnitStop {
  readonly kind: 'unit';
  /** The unit whose stop takes the holder off the endpoint as a node loss would. */
  readonly unit: string;
  /** Stopping it also cuts the drill's SSH path to the node: the node must start it again itself. */
  readonly cutsAccess: boolean;
}

/**
 * --node-down by moving a static pod's manifest out of /etc/kubernetes/manifests and back
 * (take-off.ts moveManifestOut), as the apiserver stop does with the apiserver's.
 */
export interface ManifestMove {
  readonly kind: 'manifest';
  /** The pod, as its manifest is named: `kube-vip` for /etc/kubernetes/manifests/kube-vip.yaml. */
  readonly pod: string;
  /** For people: `apiserver`. */
  readonly name: string;
}

/** How --node-down takes the holder off the endpoint. */
export type NodeDown = UnitStop | ManifestMove;

export interface EndpointStrategy {
  /** e.g. `tailscale-vip`. */
  readonly kind: string;
  /** host:port, as kubectl's server names it. */
  readonly address: string;
  /** For people: `the Tailscale VIP 10.200.0.1`. */
  readonly label: string;
  /** Who holds the endpoint now (`on` gives a node's open connection, for kinds read on the nodes). */
  holder(on: (node: PlanNode) => Host): Promise<Holding>;
  /**
   * Whether the endpoint, answering now, is served without what the drill took off `before`
   * (`now` read right after it answered).
   */
  servedWithout(before: PlanNode, now: Holding, mode: DrillMode): boolean;
  /**
   * Served looks in a row before the endpoint counts as back: a load balancer that has not yet
   * marked the stopped backend down still sends it one new connection in n, so one good answer
   * proves little there.
   */
  readonly steadyLooks: number;
  readonly nodeDown: NodeDown;
  /** What `settled` waits for, for people: `its VIP on lo1`. */
  readonly settledWhat: string;
  /** The restored node has its part of the endpoint back (read over SSH; `on` as for holder). */
  settled(node: PlanNode, on: (node: PlanNode) => Host): Promise<boolean>;
}
