// The demo, whose made-up hosts have no LAN, refuses both LAN endpoints
// (issue 11); apply builds them (test/engine/*apply.lab.test.ts).
import {describe, expect, it} from 'vitest';
import {demoWorld, runDemo} from '../../source/engine/demo-run.js';
import {demoPlan} from '../support/demo-plan.js';

describe('executePlan and the endpoint', () => {
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
