// What the drill's steps share: the plan, the endpoint's strategy, the hosts,
// the workstation's probe, the clock and where progress goes.
import type {DrillMode} from '../../core/drill/result.js';
import type {Plan, PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';
import type {EndpointStrategy} from './strategy.js';

export interface DrillHosts {
  /** The node's open connection (opened on first use). */
  get(node: PlanNode): Host;
  /** A new connection, the old one closed: after the drill cut the node's network path. */
  reopen(node: PlanNode): Host;
}

export interface DrillReport {
  /** A step done or begun: one line. */
  info(line: string): void;
  /** While waiting: the state now (called at every look; the view decides how often to show it). */
  waiting(text: string): void;
  warn(line: string): void;
}

export interface DrillClock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface DrillContext {
  readonly plan: Plan;
  readonly strategy: EndpointStrategy;
  readonly hosts: DrillHosts;
  /** Ctrl-C: stop waiting, put everything back, report. */
  readonly signal: AbortSignal;
  readonly clock: DrillClock;
  readonly report: DrillReport;
}

export interface DrillSettings {
  readonly mode: DrillMode;
  readonly maxSeconds: number;
  /** Between two looks at the endpoint. */
  readonly pollMs: number;
  /** Names this drill's files on the node. */
  readonly drillId: string;
}

/** Commands on a node as root, with a bound (a wedged node must not stall the drill). */
export const sudo = (host: Host, argv: readonly string[], timeoutMs = 30_000) =>
  host.exec(argv, {sudo: true, timeoutMs});
