// "Show what was done": a saved run, phase by phase, as lines for a terminal.
import {phaseProgressOf, resumePoint} from '../../core/run/progress.js';
import type {SavedRun} from '../run-store.js';

const marks = {done: '✓', failed: '✗', 'partly done': '◐', 'not started': '·'} as const;

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** One line on what happened to the run, e.g. for the question that offers to resume it. */
export const savedRunHeadline = (saved: SavedRun): string => {
  const next = resumePoint(saved);
  const how =
    saved.status === 'failed'
      ? 'failed'
      : saved.status === 'stopped'
        ? 'was stopped'
        : saved.status === 'running'
          ? 'was interrupted'
          : 'finished';
  return `The run of cluster ${saved.clusterName} started ${when(saved.startedAt)} ${how}${next ? ` at ${next.title}` : ''} (last step ${when(saved.updatedAt)}).`;
};

export const savedRunLines = (saved: SavedRun): string[] => [
  savedRunHeadline(saved),
  ...phaseProgressOf(saved).map(({phase, state, failed}) => {
    const detail =
      state === 'failed'
        ? `: failed on ${failed.join(', ')}`
        : state === 'done' || state === 'not started'
          ? ''
          : `: ${state}`;
    return `  ${marks[state]} ${phase.title}${detail}`;
  }),
  ...(saved.error === undefined ? [] : [`  ${saved.error.split('\n')[0]}`]),
  ...(saved.logPath === undefined ? [] : [`  Log: ${saved.logPath}`]),
];
