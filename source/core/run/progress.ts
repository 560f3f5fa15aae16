// What a saved run remembers of its steps (issue 4, "Resume"): per phase, per
// host, how the step ended, folded from the same events every view reads. A
// resume does not trust it to skip anything (every phase checks its host
// again, cheaply); it is what "Show what was done" and the messages tell.
import type {RunEvent, RunPhaseInfo, StepStatus} from './events.js';

export type StepRecord = Readonly<Record<string, Readonly<Record<string, StepStatus>>>>;

export type RunStatus = 'running' | 'finished' | 'failed' | 'stopped';

export interface RunProgress {
  readonly status: RunStatus;
  /** The phases in the run's order, as the run announced them. */
  readonly phases: readonly RunPhaseInfo[];
  readonly steps: StepRecord;
  /** The phase that was running last. */
  readonly currentPhase?: string;
  /** The run's error for people (already redacted by the engine). */
  readonly error?: string;
  readonly logPath?: string;
}

export const initialProgress: RunProgress = {status: 'running', phases: [], steps: {}};

/** The next progress; undefined when the event changes nothing worth saving. */
export const recordProgress = (progress: RunProgress, event: RunEvent): RunProgress | undefined => {
  switch (event.type) {
    case 'run-started':
      return {
        ...initialProgress,
        phases: event.phases,
        ...(event.logPath === undefined ? {} : {logPath: event.logPath}),
      };
    case 'phase-started':
      return {...progress, currentPhase: event.phase};
    case 'host-step-finished':
      return {
        ...progress,
        steps: {
          ...progress.steps,
          [event.phase]: {...progress.steps[event.phase], [event.host]: event.status},
        },
      };
    case 'run-finished': {
      const status: RunStatus = event.ok ? 'finished' : event.aborted ? 'stopped' : 'failed';
      return {...progress, status, ...(event.error === undefined ? {} : {error: event.error})};
    }
    default:
      return undefined;
  }
};

export type PhaseProgress = 'done' | 'failed' | 'partly done' | 'not started';

/** Each phase with how far it got: done on every host, failed somewhere, partly, or not at all. */
export const phaseProgressOf = (
  progress: RunProgress,
): Array<{
  readonly phase: RunPhaseInfo;
  readonly state: PhaseProgress;
  readonly failed: string[];
}> =>
  progress.phases.map((phase) => {
    const steps = progress.steps[phase.id] ?? {};
    const failed = phase.hosts.filter((host) => steps[host] === 'failed');
    const finished = phase.hosts.filter(
      (host) => steps[host] === 'done' || steps[host] === 'skipped',
    );
    const state: PhaseProgress =
      failed.length > 0
        ? 'failed'
        : finished.length === phase.hosts.length
          ? 'done'
          : finished.length > 0
            ? 'partly done'
            : 'not started';
    return {phase, state, failed};
  });

/** The first phase not done on every host: where a resume goes on. */
export const resumePoint = (progress: RunProgress): RunPhaseInfo | undefined =>
  phaseProgressOf(progress).find((entry) => entry.state !== 'done')?.phase;
