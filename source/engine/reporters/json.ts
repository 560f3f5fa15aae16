// `--json`: one object at the end, for scripts; the same outcome the line
// reporter prints, plus every host's status and failure.
import type {RunOutcome} from '../../core/run/events.js';
import type {RunState} from '../../core/run/state.js';

export const jsonSummary = (outcome: RunOutcome, state: RunState): string =>
  JSON.stringify({
    ok: outcome.ok,
    changed: outcome.changed,
    aborted: outcome.aborted,
    ...(outcome.error === undefined ? {} : {error: outcome.error}),
    summary: outcome.summary,
    hosts: state.hostOrder.map((name) => {
      const host = state.hosts[name];
      return {
        name,
        status: host?.status,
        changed: host?.changed ?? false,
        ...(host?.failure ? {failure: host.failure} : {}),
      };
    }),
  });
