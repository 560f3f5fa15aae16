// Until kube-vip's phases exist (issue 11), a run refuses its plans rather
// than building a cluster with no endpoint; the demo, whose made-up hosts
// have no LAN, refuses both LAN endpoints.
import {describe, expect, it} from 'vitest';
import {InputError} from '../../source/core/errors.js';
import {demoWorld, runDemo} from '../../source/engine/demo-run.js';
import {executePlan, type ExecuteOptions} from '../../source/engine/execute.js';
import {demoPlan} from '../support/demo-plan.js';

describe('executePlan and the endpoint', () => {
  it.each([['kube-vip', 'kube-vip']] as const)(
    'refuses a %s plan before touching a host, in one sentence',
    async (kind, title) => {
      const base = demoPlan(new Date());
      const plan = {...base, network: {...base.network, endpoint: kind, vip: '192.168.1.250'}};
      // No options are read before the refusal: nothing connects, nothing is locked.
      const run = executePlan(plan, {} as ExecuteOptions);
      await expect(run).rejects.toBeInstanceOf(InputError);
      await expect(run).rejects.toThrow(
        `The wizard writes the ${title} files but cannot set them up on the hosts yet, so it does not run this plan; install them by hand from the plan folder, or plan again with --endpoint tailscale-vip or keepalived-haproxy.`,
      );
    },
  );

  it.each(['keepalived-haproxy', 'kube-vip'] as const)(
    'the demo run refuses %s, rather than show the Tailscale VIP being built',
    async (endpoint) => {
      const base = demoPlan(new Date());
      const plan = {...base, network: {...base.network, endpoint}};
      await expect(
        runDemo(plan, demoWorld(base, 0), {
          onEvent: () => {},
          signal: new AbortController().signal,
        }),
      ).rejects.toThrow(/^The demo simulates the Tailscale VIP only, not /);
    },
  );
});
