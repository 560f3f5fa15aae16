// A pure fold of the run's events into what every view shows (habit 6): per
// host its current phase, status, elapsed time and a capped ring of its last
// output lines (habit 10: the full output goes to the log file, never into
// memory without bound); overall, which phases are done.
import type {
  PhaseStatus,
  RunEvent,
  RunHostInfo,
  RunOutcome,
  RunPhaseInfo,
  StepFailure,
} from './events.js';

export type HostStatus = 'pending' | 'running' | 'waiting' | 'done' | 'failed';

export interface HostState extends RunHostInfo {
  /** The phase it works on now, or worked on last. */
  readonly phase: string | undefined;
  readonly status: HostStatus;
  /** When the current step started (event time), while running. */
  readonly stepStartedAt: number | undefined;
  /** Time spent in finished steps plus the current one, as of `RunState.now`. */
  readonly elapsedMs: number;
  readonly finishedMs: number;
  /** The last `maxLines` lines of output, oldest first. */
  readonly lines: readonly string[];
  readonly failure: (StepFailure & {readonly phase: string}) | undefined;
  readonly changed: boolean;
}

export interface PhaseState extends RunPhaseInfo {
  readonly status: 'pending' | 'running' | PhaseStatus;
}

export interface Waiting {
  readonly phase: string;
  readonly host: string;
  readonly message: string;
  readonly links: readonly string[];
  readonly snippet?: string;
  readonly since: number;
}

export interface OpenQuestion {
  readonly id: string;
  readonly kind: string;
  readonly host: string;
  readonly message: string;
  readonly fingerprint?: string;
}

export interface RunState {
  readonly maxLines: number;
  readonly startedAt: number | undefined;
  /** The latest event time: views compute elapsed time from it, not from a clock. */
  readonly now: number;
  readonly phases: readonly PhaseState[];
  /** Host names in the run's order; `hosts` holds their state. */
  readonly hostOrder: readonly string[];
  readonly hosts: Readonly<Record<string, HostState>>;
  readonly waiting: Waiting | undefined;
  readonly questions: readonly OpenQuestion[];
  readonly notices: ReadonlyArray<{
    readonly level: 'info' | 'warning';
    readonly message: string;
    readonly host?: string;
  }>;
  readonly logPath: string | undefined;
  readonly outcome: RunOutcome | undefined;
}

export const defaultMaxLines = 200;

export const initialRunState = (maxLines = defaultMaxLines): RunState => ({
  maxLines,
  startedAt: undefined,
  now: 0,
  phases: [],
  hostOrder: [],
  hosts: {},
  waiting: undefined,
  questions: [],
  notices: [],
  logPath: undefined,
  outcome: undefined,
});

// One copy per line, not two: hosts may stream tens of thousands of lines.
const ring = (lines: readonly string[], line: string, max: number): string[] => {
  const next = lines.length >= max ? lines.slice(lines.length - max + 1) : lines.slice();
  next.push(line);
  return next;
};

const newHost = (info: RunHostInfo): HostState => ({
  ...info,
  phase: undefined,
  status: 'pending',
  stepStartedAt: undefined,
  elapsedMs: 0,
  finishedMs: 0,
  lines: [],
  failure: undefined,
  changed: false,
});

const withElapsed = (host: HostState, now: number): HostState =>
  host.stepStartedAt === undefined
    ? host
    : {...host, elapsedMs: host.finishedMs + Math.max(0, now - host.stepStartedAt)};

const updateHost = (
  state: RunState,
  name: string,
  update: (host: HostState) => HostState,
): RunState['hosts'] => {
  const host = state.hosts[name] ?? newHost({name, role: 'worker', address: ''});
  return {...state.hosts, [name]: update(host)};
};

const setPhase = (
  phases: readonly PhaseState[],
  id: string,
  status: PhaseState['status'],
): PhaseState[] => phases.map((phase) => (phase.id === id ? {...phase, status} : phase));

const tick = (state: RunState, at: number): RunState => {
  const now = Math.max(state.now, at);
  if (now === state.now) return state;
  const hosts: Record<string, HostState> = {};
  for (const [name, host] of Object.entries(state.hosts)) hosts[name] = withElapsed(host, now);
  return {...state, now, hosts};
};

/** The next state; never mutates `state`. Unknown hosts are added as they appear. */
export const reduceRun = (previous: RunState, event: RunEvent): RunState => {
  const state = tick(previous, event.at);
  switch (event.type) {
    case 'run-started':
      return {
        ...initialRunState(state.maxLines),
        startedAt: event.at,
        now: event.at,
        phases: event.phases.map((phase) => ({...phase, status: 'pending'})),
        hostOrder: event.hosts.map((host) => host.name),
        hosts: Object.fromEntries(event.hosts.map((host) => [host.name, newHost(host)])),
        logPath: event.logPath,
      };
    case 'phase-started':
      return {...state, phases: setPhase(state.phases, event.phase, 'running')};
    case 'phase-finished':
      return {
        ...state,
        phases: setPhase(state.phases, event.phase, event.status),
        waiting: state.waiting?.phase === event.phase ? undefined : state.waiting,
      };
    case 'host-step-started':
      return {
        ...state,
        hosts: updateHost(state, event.host, (host) => ({
          ...host,
          phase: event.phase,
          status: 'running',
          stepStartedAt: event.at,
          elapsedMs: host.finishedMs,
        })),
      };
    case 'host-step-finished':
      return {
        ...state,
        hosts: updateHost(state, event.host, (host) => {
          const finishedMs =
            host.finishedMs +
            (host.stepStartedAt === undefined ? 0 : Math.max(0, event.at - host.stepStartedAt));
          return {
            ...host,
            phase: event.phase,
            // A host that failed stays failed: the views keep its error in sight.
            status: event.status === 'failed' || host.status === 'failed' ? 'failed' : 'done',
            stepStartedAt: undefined,
            finishedMs,
            elapsedMs: finishedMs,
            changed: host.changed || event.changed,
            failure: event.failure ? {...event.failure, phase: event.phase} : host.failure,
          };
        }),
      };
    case 'host-output':
      return {
        ...state,
        hosts: updateHost(state, event.host, (host) => ({
          ...host,
          lines: ring(host.lines, event.line, state.maxLines),
        })),
      };
    case 'notice':
      return {
        ...state,
        notices: [
          ...state.notices,
          {
            level: event.level,
            message: event.message,
            ...(event.host === undefined ? {} : {host: event.host}),
          },
        ],
      };
    case 'waiting':
      return {
        ...state,
        waiting: {
          phase: event.phase,
          host: event.host,
          message: event.message,
          links: event.links,
          ...(event.snippet === undefined ? {} : {snippet: event.snippet}),
          since: event.at,
        },
        hosts: updateHost(state, event.host, (host) => ({...host, status: 'waiting'})),
      };
    case 'waiting-over': {
      const host = state.waiting?.host;
      return {
        ...state,
        waiting: undefined,
        hosts:
          host === undefined
            ? state.hosts
            : updateHost(state, host, (entry) => ({
                ...entry,
                status: entry.status === 'waiting' ? 'running' : entry.status,
              })),
      };
    }
    case 'host-change':
      // For reset's records (run-store.ts); nothing a view shows.
      return state;
    case 'question':
      return {
        ...state,
        questions: [
          ...state.questions,
          {
            id: event.id,
            kind: event.kind,
            host: event.host,
            message: event.message,
            ...(event.fingerprint === undefined ? {} : {fingerprint: event.fingerprint}),
          },
        ],
      };
    case 'question-answered':
      return {...state, questions: state.questions.filter((question) => question.id !== event.id)};
    case 'run-finished': {
      const {type: _type, at: _at, ...outcome} = event;
      return {...state, outcome, waiting: undefined, questions: []};
    }
  }
};

// The last `max` of `lines` then `added`, as adding them one by one with
// `ring` would keep (which keeps at least the newest line whatever `max` is).
const ringAll = (lines: readonly string[], added: readonly string[], max: number): string[] => {
  const all = lines.concat(added);
  const keep = Math.max(1, max);
  return all.length > keep ? all.slice(all.length - keep) : all;
};

/** A stretch of `host-output` events folded at once: each host's lines are copied once. */
const reduceOutput = (
  previous: RunState,
  at: number,
  added: ReadonlyMap<string, readonly string[]>,
): RunState => {
  const state = tick(previous, at);
  const hosts = {...state.hosts};
  for (const [name, lines] of added) {
    const host = hosts[name] ?? newHost({name, role: 'worker', address: ''});
    hosts[name] = {...host, lines: ringAll(host.lines, lines, state.maxLines)};
  }
  return {...state, hosts};
};

/**
 * The state after `events`, equal to folding them one by one with reduceRun,
 * for a view that takes a batch at a time. Output lines are most of a run's
 * events, and one by one each copies its host's kept lines and re-times every
 * running host; a stretch of them here costs one copy per host instead.
 */
export const reduceRunEvents = (previous: RunState, events: readonly RunEvent[]): RunState => {
  let state = previous;
  let added = new Map<string, string[]>();
  let at = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    if (event.type === 'host-output') {
      const lines = added.get(event.host);
      if (lines) lines.push(event.line);
      else added.set(event.host, [event.line]);
      at = Math.max(at, event.at);
      continue;
    }
    if (added.size > 0) {
      state = reduceOutput(state, at, added);
      added = new Map();
      at = Number.NEGATIVE_INFINITY;
    }
    state = reduceRun(state, event);
  }
  return added.size > 0 ? reduceOutput(state, at, added) : state;
};

/** Phases finished (done or skipped) and their total: the overall bar. */
export const phaseProgress = (
  state: RunState,
): {readonly done: number; readonly total: number} => ({
  done: state.phases.filter((phase) => phase.status === 'done' || phase.status === 'skipped')
    .length,
  total: state.phases.length,
});
