// Until the LAN endpoints' phases exist (issue 11), a run refuses their plans
// rather than building the Tailscale VIP's lo1 and route for a LAN address.
import {describe, expect, it} from 'vitest';
import {InputError} from '../../source/core/errors.js';
import {demoWorld, runDemo} from '../../source/engine/demo-run.js';
import {executePlan, type ExecuteOptions} from '../../source/engine/execute.js';
import {demoPlan} from '../support/demo-plan.js';

describe('executePlan and the endpoint', () => {
  it.each([
    ['keepalived-haproxy', 'keepalived + HAProxy'],
    ['kube-vip', 'kube-vip'],
  ] as const)('refuses a %s plan before touching a host, in one sentence', async (kind, title) => {
    const base = demoPlan(new Date());
    const plan = {...base, network: {...base.network, endpoint: kind, vip: '192.168.1.250'}};
    // No options are read before the refusal: nothing connects, nothing is locked.
    const run = executePlan(plan, {} as ExecuteOptions);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(
      `The wizard writes the ${title} files but cannot set them up on the hosts yet, so it does not run this plan; install them by hand from the plan folder, or plan again with --endpoint tailscale-vip.`,
    );
  });

  it('the demo run refuses it too, rather than show the Tailscale VIP being built', async () => {
    const base = demoPlan(new Date());
    const plan = {...base, network: {...base.network, endpoint: 'kube-vip' as const}};
    await expect(
      runDemo(plan, demoWorld(base, 0), {
        onEvent: () => {},
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(/^The wizard writes the kube-vip files but cannot set them up/);
  });
});
