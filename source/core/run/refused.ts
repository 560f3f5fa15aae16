// DOMAIN.md "The Connection-Refused troubleshooter": when a run fails because
// the API said "connection refused", the likeliest cause is a cgroup driver
// mismatch, and `ha-wizard doctor` checks it first. This spots that case.
import type {RunOutcome} from './events.js';
import type {RunState} from './state.js';

const refused = /connection refused|ECONNREFUSED/i;

export const failedWithConnectionRefused = (state: RunState, outcome: RunOutcome): boolean =>
  !outcome.ok &&
  !outcome.aborted &&
  (refused.test(outcome.error ?? '') ||
    Object.values(state.hosts).some(
      (host) =>
        host.failure !== undefined &&
        [host.failure.message, ...host.failure.stderrTail].some((line) => refused.test(line)),
    ));
