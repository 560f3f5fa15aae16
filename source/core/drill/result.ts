// What a drill found, its exit code, its one JSON object and its small table.
// The JSON shape and the exit codes are the command's contract (issue 11):
// 0 the endpoint came back within --max-seconds, 2 it did not, 1 the drill
// could not run (an InputError, printed as one sentence).
import type {Style} from '../style.js';

export type DrillMode = 'apiserver' | 'node-down';

export interface DrillResult {
  /** The endpoint answered again, served without the old holder, within maxSeconds. */
  readonly ok: boolean;
  /** host:port of the API endpoint, as kubectl's server names it. */
  readonly endpoint: string;
  readonly holderBefore: string;
  /** Who held it once it answered again; null when it did not answer in time. */
  readonly holderAfter: string | null;
  /** Seconds from the stop until the endpoint answered again; null when not within maxSeconds. */
  readonly downSeconds: number | null;
  /** Seconds from the restore until the endpoint and the restored apiserver both answered. */
  readonly restoredSeconds: number | null;
}

const round = (seconds: number | null) =>
  seconds === null ? null : Math.round(seconds * 100) / 100;

/** The verdict from the measurements. */
export const drillResult = (measured: {
  readonly endpoint: string;
  readonly holderBefore: string;
  readonly holderAfter: string | null;
  readonly downSeconds: number | null;
  readonly restoredSeconds: number | null;
  readonly maxSeconds: number;
}): DrillResult => ({
  ok: measured.downSeconds !== null && measured.downSeconds <= measured.maxSeconds,
  endpoint: measured.endpoint,
  holderBefore: measured.holderBefore,
  holderAfter: measured.holderAfter,
  downSeconds: round(measured.downSeconds),
  restoredSeconds: round(measured.restoredSeconds),
});

export const drillExitCode = (result: DrillResult): number => (result.ok ? 0 : 2);

/** Exactly one JSON object, these keys in this order. */
export const drillJson = (result: DrillResult): string =>
  JSON.stringify({
    ok: result.ok,
    endpoint: result.endpoint,
    holderBefore: result.holderBefore,
    holderAfter: result.holderAfter,
    downSeconds: result.downSeconds,
    restoredSeconds: result.restoredSeconds,
  });

const secondsText = (seconds: number | null, none: string) =>
  seconds === null ? none : `${seconds.toFixed(1)} s`;

const whatStopped = (mode: DrillMode) =>
  mode === 'apiserver' ? "the holder's apiserver stopped" : 'the holder taken off (node down)';

/** The small table, then the verdict in one line. */
export const drillTable = (
  result: DrillResult,
  options: {readonly mode: DrillMode; readonly maxSeconds: number},
  style: Style,
): string[] => {
  const rows: Array<[string, string]> = [
    ['Endpoint', result.endpoint],
    ['Drill', whatStopped(options.mode)],
    ['Holder before', result.holderBefore],
    ['Holder after', result.holderAfter ?? '-'],
    ['Down for', secondsText(result.downSeconds, `more than ${options.maxSeconds} s`)],
    ['Restored in', secondsText(result.restoredSeconds, 'not restored')],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    ...rows.map(([label, value]) => `  ${style.dim(label.padEnd(width))}  ${value}`),
    result.ok
      ? style.ok(
          `✓ The endpoint came back within ${options.maxSeconds} s (in ${secondsText(result.downSeconds, '')}).`,
        )
      : style.error(`✗ The endpoint did not come back within ${options.maxSeconds} s.`),
  ];
};
