// DOMAIN.md phase 5: every node accepts the VIP's subnet route. `tailscale
// set` changes this one flag; `tailscale up` would demand every other
// non-default flag again.
import {acceptRoutesArgv} from '../../core/artifacts/tailscale-routes.js';
import {StepError} from '../step-error.js';
import type {Phase} from './phase.js';
import {recordChange} from './steps/recorded.js';
import {readPrefs} from './steps/tailscale.js';

export const tailscaleFlags: Phase = {
  id: 'tailscale-flags',
  title: 'Tailscale flags',
  mode: 'parallel',
  hosts: (plan) => [...plan.nodes],
  check: async (step) =>
    (await readPrefs(step.host)).routeAll ? 'accept-routes already on' : false,
  async apply(step) {
    // The check found it off: reset turns it off again (and leaves it alone where it was on).
    recordChange(step, {kind: 'accept-routes', previous: false});
    await step.host.run(acceptRoutesArgv(), {sudo: true, mutates: true});
    return 'accept-routes on';
  },
  async verify(step) {
    if (!(await readPrefs(step.host)).routeAll) {
      throw new StepError({
        message: `tailscale on ${step.node.name} still does not accept routes`,
        command: 'tailscale debug prefs',
        stderrTail: [],
        suggestion: 'Run sudo tailscale set --accept-routes=true there and look at its answer.',
      });
    }
  },
};
