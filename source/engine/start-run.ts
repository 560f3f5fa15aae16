// Starting a run from the TUI: the same engine `ha-wizard apply` drives
// (hosts from `hostFactory`, the phase list, the redacting run log), handed to
// the screens as a `RunHandle` they subscribe to. Questions (an unknown host
// key) become request events answered by id through `answer` (habit 6), never
// a prompt on stdin while Ink owns it.
//
// Only types (and one pure helper) are imported statically: the engine (execute.ts) loads
// when a run starts, so opening the wizard does not pay for it.
import {vipAddress} from '../core/artifacts/vip.js';
import type {Plan} from '../core/plan/types.js';
import type {RunEvent, RunOutcome} from '../core/run/events.js';

export type RunListener = (event: RunEvent) => void;

/** A run in progress, as a view sees it. */
export interface RunHandle {
  /**
   * Every event from now on. The first subscriber also gets the events
   * emitted before it subscribed (the run starts before the screen mounts).
   * Returns the unsubscribe function.
   */
  readonly subscribe: (listener: RunListener) => () => void;
  /** Answers the `question` event with this id. */
  readonly answer: (id: string, accepted: boolean) => void;
  /** Stops safely: the steps in progress finish, nothing new starts. */
  readonly abort: () => void;
  /** The run's outcome; never rejects (a crash is an outcome with `error`). */
  readonly done: Promise<RunOutcome>;
  /** The demo: made-up hosts in memory, nothing leaves this machine (start-demo-run.ts). */
  readonly simulated?: boolean;
}

/** What a run takes besides its plan: the route API key file the Access screen was given. */
export interface RunStartOptions {
  /** A Headscale or Tailscale API key file (key-file.ts); read when the run starts, never kept. */
  readonly apiKeyFile?: string;
}

export type StartRun = (plan: Plan, options?: RunStartOptions) => RunHandle;

/** The control API of the key file, read now (a bad file fails the run's start with its sentence). */
const controlApiOf = async (options: RunStartOptions | undefined) => {
  if (!options?.apiKeyFile) return {};
  const {controlApiFromKeyFile} = await import('./control/key-file.js');
  return {controlApi: controlApiFromKeyFile(options.apiKeyFile)};
};

/**
 * Fan-out of events to listeners, buffering until the first listener arrives
 * so that nothing emitted before the screen subscribed is lost. The buffer
 * only lives until then, so it stays small.
 */
export const eventHub = () => {
  const listeners = new Set<RunListener>();
  let buffer: RunEvent[] | undefined = [];
  return {
    emit: (event: RunEvent) => {
      if (buffer) buffer.push(event);
      for (const listener of listeners) listener(event);
    },
    subscribe: (listener: RunListener) => {
      listeners.add(listener);
      if (buffer) {
        const early = buffer;
        buffer = undefined;
        for (const event of early) listener(event);
      }
      return () => {
        listeners.delete(listener);
      };
    },
  };
};

const crashOutcome = (plan: Plan, error: unknown): RunOutcome => ({
  ok: false,
  changed: false,
  aborted: false,
  error: `The run could not start: ${error instanceof Error ? error.message : String(error)}`,
  summary: {clusterName: plan.clusterName, nodes: [], vip: vipAddress(plan.network.vip)},
});

/** What a run gets from its handle: where events go, the stop signal, and the views' answers. */
export interface RunIo {
  readonly emit: RunListener;
  readonly signal: AbortSignal;
  /** Resolves with the answer to the question with this id (false once the run is stopped). */
  readonly ask: (id: string) => Promise<boolean>;
}

/**
 * A RunHandle around `run`: events buffered for the first subscriber, answers
 * matched to questions by id, abort refusing every open question, and a crash
 * turned into an outcome (with its run-finished event) instead of a rejection.
 */
export const handleFor = (
  plan: Plan,
  run: (io: RunIo) => Promise<RunOutcome>,
  extra: Pick<RunHandle, 'simulated'> = {},
): RunHandle => {
  const hub = eventHub();
  const controller = new AbortController();
  const pending = new Map<string, (accepted: boolean) => void>();
  controller.signal.addEventListener('abort', () => {
    // Nobody will answer now: refuse, so the connection fails and the run stops.
    for (const resolve of pending.values()) resolve(false);
    pending.clear();
  });
  const ask = (id: string) =>
    new Promise<boolean>((resolve) => {
      pending.set(id, resolve);
    });
  const done = run({emit: hub.emit, signal: controller.signal, ask}).catch((error: unknown) => {
    const outcome = crashOutcome(plan, error);
    hub.emit({type: 'run-finished', at: Date.now(), ...outcome});
    return outcome;
  });
  return {
    ...extra,
    subscribe: hub.subscribe,
    answer: (id, accepted) => {
      const resolve = pending.get(id);
      pending.delete(id);
      resolve?.(accepted);
    },
    abort: () => controller.abort(),
    done,
  };
};

/** The real run: SSH to the plan's hosts (as `ha-wizard apply` does) and run every phase. */
export const startRun: StartRun = (plan, runOptions) =>
  handleFor(plan, async ({emit, signal, ask}) => {
    const {executePlan} = await import('./execute.js');
    return executePlan(plan, {
      ...(await controlApiOf(runOptions)),
      onEvent: emit,
      answerHostKey: ({id}) => ask(id),
      signal,
      now: new Date(),
    });
  });

/**
 * Start over from the TUI (the Resume screen): undo what the saved run did on
 * every host (as `ha-wizard reset`), then run the plan from the start, under
 * one lock so no other wizard gets in between. The reset's own end is not
 * shown as the run's: the view sees the undo steps, a notice, then the run.
 */
export const startOver: StartRun = (plan, runOptions) =>
  handleFor(plan, async ({emit, signal, ask}) => {
    // A bad key file stops it before anything is undone.
    const controlApi = await controlApiOf(runOptions);
    const [{executePlan, executeReset}, {lockCluster}, store, paths] = await Promise.all([
      import('./execute.js'),
      import('./run-lock.js'),
      import('./run-store.js'),
      import('./paths.js'),
    ]);
    const {forgetSavedRun, readSavedRun, savedChanges} = store;
    const now = new Date();
    const lock = lockCluster(paths.stateDir(), plan.clusterName, now);
    try {
      const options = {answerHostKey: ({id}: {id: string}) => ask(id), signal, now, lock};
      const changes = savedChanges(readSavedRun(paths.stateDir(), plan.clusterName));
      let resetEnd: RunOutcome | undefined;
      const reset = await executeReset(plan, changes, {
        ...options,
        onEvent: (event) => {
          if (event.type === 'run-finished') resetEnd = event;
          else emit(event);
        },
      });
      if (!reset.ok) {
        emit({type: 'run-finished', at: Date.now(), ...(resetEnd ?? reset)});
        return reset;
      }
      await forgetSavedRun(paths.stateDir(), plan.clusterName);
      emit({
        type: 'notice',
        at: Date.now(),
        level: 'info',
        message: 'Everything the last run did is undone; running the plan from the start.',
      });
      return executePlan(plan, {...options, ...controlApi, onEvent: emit});
    } finally {
      lock();
    }
  });
