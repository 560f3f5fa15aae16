// accept-routes back to its value before the first run, and only where the
// wizard turned it on (the saved run says so). Without a record the flag is
// left as it is, and the reset says so.
import {hostRecords, resetOrder} from '../../core/reset/undo.js';
import type {RecordedChange} from '../../core/run/changes.js';
import {warn, type Phase} from '../phases/phase.js';
import {readPrefs} from '../phases/steps/tailscale.js';
import {StepError} from '../step-error.js';

export const acceptRoutesOffArgv = (): string[] => ['tailscale', 'set', '--accept-routes=false'];

const turnedOn = (changes: readonly RecordedChange[] | undefined, host: string) =>
  hostRecords(changes, host)?.some(
    (change) => change.kind === 'accept-routes' && change.previous === false,
  );

export const resetAcceptRoutes = (changes: readonly RecordedChange[] | undefined): Phase => ({
  id: 'reset-accept-routes',
  title: 'accept-routes back',
  mode: 'parallel',
  hosts: resetOrder,
  async check(step) {
    const on = turnedOn(changes, step.node.name);
    if (on === undefined) {
      if (!(await readPrefs(step.host)).routeAll) return 'accept-routes off';
      warn(
        step,
        `accept-routes left on: no record of whether ha-wizard turned it on (sudo tailscale set --accept-routes=false turns it off)`,
      );
      return 'accept-routes left on (no record)';
    }
    if (!on) return 'ha-wizard did not change accept-routes';
    return (await readPrefs(step.host)).routeAll ? false : 'accept-routes off';
  },
  async apply(step) {
    await step.host.run(acceptRoutesOffArgv(), {sudo: true, mutates: true});
    return 'accept-routes off again';
  },
  async verify(step) {
    if ((await readPrefs(step.host)).routeAll)
      throw new StepError({
        message: `tailscale on ${step.node.name} still accepts routes`,
        command: 'tailscale debug prefs',
        stderrTail: [],
      });
  },
});
