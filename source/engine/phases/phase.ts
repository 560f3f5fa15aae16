// What a phase is (aesthetics habits 2 and 3; k0sctl's phase manager): it
// names the hosts it concerns, checks each one cheaply and read-only ("is this
// already true here?"), and only the hosts that still need work get `apply`
// and `verify`. The runner does the rest: order, concurrency, events,
// failures. A phase never renders and never catches its own errors.
import type {EndpointKind} from '../../core/plan/endpoint.js';
import type {Plan, PlanNode} from '../../core/plan/types.js';
import type {RunEvent} from '../../core/run/events.js';
import type {ControlApi} from '../control/control-api.js';
import type {HostCommands} from '../host-commands.js';
import type {Host} from '../host/host.js';
import type {SecretStore} from '../secrets.js';
import type {RunMemory} from './memory.js';

/** Distributes the `Omit` over the union, so each event keeps its own fields. */
export type EventWithoutTime = RunEvent extends infer E
  ? E extends {readonly at: number}
    ? Omit<E, 'at'>
    : never
  : never;

export interface RunContext {
  readonly plan: Plan;
  readonly signal: AbortSignal;
  readonly secrets: SecretStore;
  /** Facts gathered so far (preflight fills them) and what phases hand on. */
  readonly memory: RunMemory;
  /** Commands on any node of the plan, by name (e.g. the init node, for join material). */
  on(name: string): HostCommands;
  /** The machine running the wizard (the kubeconfig merge writes here). */
  readonly workstation: Host;
  readonly workstationKubeconfig: string;
  emit(event: EventWithoutTime): void;
  /** The control server's API (Headscale's or Tailscale's), when the run was given a key. */
  readonly controlApi?: ControlApi;
  /** Abortable wait: rejects with RunAborted when the run is stopped. */
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface StepContext extends RunContext {
  readonly node: PlanNode;
  /** This step's host. */
  readonly host: HostCommands;
  readonly phase: string;
}

export interface Phase {
  readonly id: string;
  readonly title: string;
  /** `serial`: one host at a time, stopping at the first failure (etcd joins). */
  readonly mode: 'parallel' | 'serial';
  /** Only for plans with one of these endpoints (issue 11); every plan when absent. */
  readonly endpoints?: readonly EndpointKind[];
  /** The hosts this phase concerns, in order. */
  hosts(plan: Plan): PlanNode[];
  /** Already true on this host? A string is a note saying so. Read-only. */
  check?(step: StepContext): Promise<boolean | string>;
  /** Once, before the first apply, when some host needs work. */
  prepare?(context: RunContext, nodes: readonly PlanNode[]): Promise<void>;
  /** Make it true; may return a short note for the host's line. */
  apply(step: StepContext): Promise<string | void>;
  /** Prove it is true now (after apply). */
  verify?(step: StepContext): Promise<void>;
}

/** Whether `phase` is part of a run of `plan` (its endpoint's phases only). */
export const phaseApplies = (phase: Phase, plan: Plan): boolean =>
  phase.endpoints === undefined || phase.endpoints.includes(plan.network.endpoint);

/** A warning on the step's host: in its pane, the run's log and the summary. */
export const warn = (step: StepContext, message: string): void =>
  step.emit({type: 'notice', phase: step.phase, host: step.node.name, level: 'warning', message});
