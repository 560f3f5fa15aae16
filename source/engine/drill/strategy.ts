// What a drill needs to know about one kind of API endpoint: who holds it,
// when it counts as served without the old holder, how --node-down takes a
// holder off it, and when a restored node has its part back. The drill's flow
// (run.ts) is the same for every kind; each kind is one small file, listed in
// strategies.ts. Only the Tailscale VIP exists today; keepalived + HAProxy and
// kube-vip plug in there.
import type {Holding} from '../../core/drill/holder.js';
import type {PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';

export interface NodeDown {
  /** The systemd unit whose stop takes the holder off the endpoint as a node loss would. */
  readonly unit: string;
  /** Stopping it also cuts the drill's SSH path to the node: the node must start it again itself. */
  readonly cutsAccess: boolean;
}

export interface EndpointStrategy {
  /** e.g. `tailscale-vip`. */
  readonly kind: string;
  /** host:port, as kubectl's server names it. */
  readonly address: string;
  /** For people: `the Tailscale VIP 10.200.0.1`. */
  readonly label: string;
  /** Who holds the endpoint now. */
  holder(): Promise<Holding>;
  /** Whether the endpoint is served without `before` now (`now` read right after it answered). */
  movedFrom(before: PlanNode, now: Holding): boolean;
  readonly nodeDown: NodeDown;
  /** The restored node has its part of the endpoint back (read over SSH). */
  settled(node: PlanNode, host: Host): Promise<boolean>;
}
