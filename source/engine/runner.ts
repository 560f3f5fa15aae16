// Runs the phase list (phases/index.ts) against the plan's hosts: one Host per
// node for the whole run, bounded parallelism within a phase, one phase after
// the other. It emits events and knows nothing about rendering (habit 6).
// A failed phase stops every later phase (each depends on the ones before, in
// DOMAIN.md's order); within a parallel phase the other hosts still finish
// their own step, so none is left half-done, and all failures come back as
// one "failed on N hosts" error (habit 5).
import {setMaxListeners} from 'node:events';
import {setTimeout as delay} from 'node:timers/promises';
import {apiEndpoint, vipAddress} from '../core/artifacts/vip.js';
import {isLanEndpoint} from '../core/plan/endpoint.js';
import type {Plan, PlanNode} from '../core/plan/types.js';
import type {RunEvent, RunOutcome, RunSummary, StepFailure} from '../core/run/events.js';
import {HostCommands} from './host-commands.js';
import type {Host} from './host/host.js';
import {newRunMemory, type RunMemory} from './phases/memory.js';
import {
  phaseApplies,
  type EventWithoutTime,
  type Phase,
  type RunContext,
  type StepContext,
} from './phases/phase.js';
import {controlApiFor, type ControlApiConfig} from './control/control-api.js';
import {initNode} from '../core/plan/build.js';
import {parsePrefs} from '../core/tailnet/prefs.js';
import {SecretStore} from './secrets.js';
import {failureOf, RunAborted} from './step-error.js';

export interface RunnerOptions {
  readonly plan: Plan;
  readonly phases: readonly Phase[];
  /** Makes the Host for a node; called once per node per run. */
  readonly hostFactory: (node: PlanNode) => Host;
  readonly workstation: Host;
  readonly workstationKubeconfig: string;
  readonly onEvent: (event: RunEvent) => void;
  readonly signal?: AbortSignal;
  readonly secrets?: SecretStore;
  /** The limit of every command without a longer one of its own. @default defaults.commandTimeoutSeconds */
  readonly commandTimeoutMs?: number;
  /** Hosts worked on at once within a parallel phase. @default 8 */
  readonly concurrency?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly logPath?: string;
  /** The control server's API, for route approval (issue 9). */
  readonly controlApi?: ControlApiConfig;
  /**
   * A host whose step failed drops out of the later phases, but the other
   * hosts go on (ha-wizard reset: undo what can be undone where a host is
   * unreachable). Without it a failure stops every later phase.
   */
  readonly keepGoing?: boolean;
}

/** Runs `fn` over `items` with at most `limit` at once; resolves when all settled. */
export const eachLimited = async <T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker));
};

/** Waits `ms`; a stopped run rejects with RunAborted. */
export const abortableSleep = async (ms: number, signal: AbortSignal) => {
  try {
    await delay(ms, undefined, {signal});
  } catch {
    throw new RunAborted();
  }
};

const summaryOf = (plan: Plan, memory: RunMemory, options: RunnerOptions): RunSummary => ({
  clusterName: plan.clusterName,
  nodes: plan.nodes.map((node) => ({name: node.name, role: node.role, ip: node.ip})),
  vip: vipAddress(plan.network.vip),
  apiEndpoint: apiEndpoint(plan),
  ...(isLanEndpoint(plan.network.endpoint) ? {lanEndpoint: true} : {}),
  ...(memory.primaryRouter === undefined ? {} : {primaryRouter: memory.primaryRouter}),
  ...(memory.kubeconfigContext === undefined
    ? {}
    : {
        kubeconfigPath: options.workstationKubeconfig,
        kubeconfigContext: memory.kubeconfigContext,
      }),
  ...(options.logPath === undefined ? {} : {logPath: options.logPath}),
});

/** The run's one error line for people: the phase, the hosts, what failed. */
export const failureMessage = (
  phase: Phase,
  failures: ReadonlyArray<{readonly host: string; readonly failure: StepFailure}>,
): string => {
  const [only] = failures;
  if (failures.length === 1 && only)
    return `${phase.title} failed on ${only.host}: ${only.failure.message}`;
  return [
    `${phase.title} failed on ${failures.length} hosts:`,
    ...failures.map(({host, failure}) => `- ${host}: ${failure.message}`),
  ].join('\n');
};

export const runPhases = async (options: RunnerOptions): Promise<RunOutcome> => {
  const {plan} = options;
  // A phase of another endpoint is not part of this run at all (not even shown as skipped).
  const phases = options.phases.filter((phase) => phaseApplies(phase, plan));
  const signal = options.signal ?? new AbortController().signal;
  // Every command in flight listens for the stop: with more than ten hosts at
  // once Node would print a leak warning on the user's screen for a normal run.
  setMaxListeners(0, signal);
  const secrets = options.secrets ?? new SecretStore();
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const limit = options.concurrency ?? 8;
  const memory = newRunMemory();
  // Every event passes here: redacted once, for every view and the log alike.
  const emit = (event: EventWithoutTime) =>
    options.onEvent(secrets.redactDeep({...event, at: now()} as RunEvent));

  const hosts = new Map<string, Host>();
  const hostOf = (name: string): Host => {
    const existing = hosts.get(name);
    if (existing) return existing;
    const node = plan.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no node ${name} in the plan`);
    const host = options.hostFactory(node);
    hosts.set(name, host);
    return host;
  };
  const commandsFor = (name: string, phase: string) =>
    new HostCommands(
      hostOf(name),
      (stream, line) => emit({type: 'host-output', phase, host: name, stream, line}),
      signal,
      options.commandTimeoutMs,
      (command) => memory.commandPaths.get(name)?.get(command),
    );

  let currentPhase = '';
  const context: RunContext = {
    plan,
    signal,
    secrets,
    memory,
    on: (name) => commandsFor(name, currentPhase),
    workstation: options.workstation,
    workstationKubeconfig: options.workstationKubeconfig,
    emit,
    ...(options.controlApi
      ? {
          controlApi: controlApiFor(options.controlApi, async () => {
            const first = initNode(plan);
            if (!first) return undefined;
            const {stdout} = await commandsFor(first.name, currentPhase).run(
              ['tailscale', 'debug', 'prefs'],
              {quiet: true},
            );
            return parsePrefs(stdout)?.controlUrl;
          }),
        }
      : {}),
    sleep: (ms) => (signal.aborted ? Promise.reject(new RunAborted()) : sleep(ms, signal)),
    now,
  };

  emit({
    type: 'run-started',
    phases: phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      hosts: phase.hosts(plan).map((node) => node.name),
      mode: phase.mode,
    })),
    hosts: plan.nodes.map((node) => ({name: node.name, role: node.role, address: node.ip})),
    ...(options.logPath === undefined ? {} : {logPath: options.logPath}),
  });

  let changed = false;
  let error: string | undefined;
  const failedHosts = new Set<string>();
  try {
    for (const phase of phases) {
      if (signal.aborted) throw new RunAborted();
      currentPhase = phase.id;
      const failures = await runPhase(phase);
      if (signal.aborted) throw new RunAborted();
      if (failures.length > 0) {
        const message = failureMessage(phase, failures);
        error = error === undefined ? message : `${error}\n${message}`;
        if (!options.keepGoing) break;
        for (const {host} of failures) failedHosts.add(host);
      }
    }
  } catch (caught) {
    if (!(caught instanceof RunAborted)) throw caught;
  } finally {
    await Promise.allSettled([...hosts.values()].map((host) => host.close()));
  }
  const aborted = signal.aborted;
  const outcome: RunOutcome = {
    ok: error === undefined && !aborted,
    changed,
    aborted,
    ...(aborted ? {error: 'The run was stopped before it finished.'} : error ? {error} : {}),
    summary: summaryOf(plan, memory, options),
  };
  emit({type: 'run-finished', ...outcome});
  return secrets.redactDeep(outcome);

  async function runPhase(
    phase: Phase,
  ): Promise<Array<{readonly host: string; readonly failure: StepFailure}>> {
    const planned = phase.hosts(plan);
    const nodes = planned.filter((node) => !failedHosts.has(node.name));
    emit({type: 'phase-started', phase: phase.id});
    for (const node of planned.filter((entry) => failedHosts.has(entry.name))) {
      emit({type: 'host-step-started', phase: phase.id, host: node.name});
      emit({
        type: 'host-step-finished',
        phase: phase.id,
        host: node.name,
        status: 'failed',
        changed: false,
        failure: {
          message: `not tried: an earlier step failed on ${node.name}`,
          stderrTail: [],
        },
      });
    }
    const failures: Array<{host: string; failure: StepFailure}> = [];
    const fail = (node: PlanNode, caught: unknown, step?: StepContext) => {
      const failure: StepFailure = signal.aborted
        ? {message: 'stopped (Ctrl-C)', stderrTail: []}
        : failureOf(caught);
      failures.push({host: node.name, failure});
      if (step?.host.changed) changed = true;
      emit({
        type: 'host-step-finished',
        phase: phase.id,
        host: node.name,
        status: 'failed',
        changed: step?.host.changed ?? false,
        failure,
      });
    };
    const stepFor = (node: PlanNode): StepContext => ({
      ...context,
      node,
      phase: phase.id,
      host: commandsFor(node.name, phase.id),
    });

    // Select, then act (habit 3): every host is checked before any is changed.
    const needing: PlanNode[] = [];
    await eachLimited(nodes, limit, async (node) => {
      const step = stepFor(node);
      try {
        const done = phase.check ? await phase.check(step) : false;
        if (done === false) {
          needing.push(node);
          return;
        }
        emit({type: 'host-step-started', phase: phase.id, host: node.name});
        emit({
          type: 'host-step-finished',
          phase: phase.id,
          host: node.name,
          status: 'skipped',
          changed: false,
          note: typeof done === 'string' ? done : 'already done',
        });
      } catch (caught) {
        emit({type: 'host-step-started', phase: phase.id, host: node.name});
        fail(node, caught);
      }
    });
    // Keep the plan's order for the work itself (serial joins go in plan order).
    needing.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b));

    // keepGoing: hosts whose check failed are out; the others still get their step.
    let goOn = failures.length === 0 || options.keepGoing === true;
    if (goOn && needing.length > 0) {
      try {
        await phase.prepare?.(context, needing);
      } catch (caught) {
        goOn = false;
        for (const node of needing) {
          emit({type: 'host-step-started', phase: phase.id, host: node.name});
          fail(node, caught);
        }
      }
    }
    if (goOn) {
      const work = async (node: PlanNode) => {
        if (signal.aborted) return;
        const step = stepFor(node);
        emit({type: 'host-step-started', phase: phase.id, host: node.name});
        try {
          const note = await phase.apply(step);
          await phase.verify?.(step);
          if (step.host.changed) changed = true;
          emit({
            type: 'host-step-finished',
            phase: phase.id,
            host: node.name,
            status: 'done',
            changed: step.host.changed,
            ...(note ? {note} : {}),
          });
        } catch (caught) {
          fail(node, caught, step);
        }
      };
      if (phase.mode === 'serial') {
        for (const node of needing) {
          await work(node);
          if (failures.length > 0 && !options.keepGoing) break;
        }
      } else {
        await eachLimited(needing, limit, work);
      }
    }
    const skippedHosts = planned.length - nodes.length;
    emit({
      type: 'phase-finished',
      phase: phase.id,
      status:
        failures.length > 0 || skippedHosts > 0
          ? 'failed'
          : needing.length === 0
            ? 'skipped'
            : 'done',
    });
    return failures;
  }
};
