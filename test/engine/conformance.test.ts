// Where a real node differs from what the wizard once assumed
// (../shared/research/conformance-review.md): each case runs the real phase
// list (and doctor) over the in-process simulated world, whose tools behave as
// the real ones do on that point, and asserts what the user sees or what the
// host ends up with.
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../source/core/run/events.js';
import {
  demoWorld,
  runDemo,
  type DemoWorld,
  type DemoWorldOptions,
} from '../../source/engine/demo-run.js';
import {runDiagnosis} from '../../source/engine/doctor/session.js';
import {SimHost} from '../../source/engine/host/sim-host.js';
import {demoPlan} from '../support/demo-plan.js';

const plan = demoPlan(new Date());

const apply = async (options: DemoWorldOptions = {}, world = demoWorld(plan, 0, options)) => {
  const events: RunEvent[] = [];
  const outcome = await runDemo(plan, world, {
    onEvent: (event) => events.push(event),
    signal: new AbortController().signal,
  });
  return {world, events, outcome};
};

/** Doctor over the same world, as `ha-wizard doctor --plan` would look. */
const doctor = ({world}: DemoWorld) =>
  runDiagnosis(plan, {
    hostFor: (node) => new SimHost({world, host: node.name, pace: 0}),
    sampleSeconds: 0,
  });

describe('a host whose OS host name is mixed case (B5, S6)', () => {
  it('is the VIP primary the run reports, and doctor finds it among the control planes', async () => {
    const {world, outcome} = await apply({machines: {'rpi4-a': {hostName: 'RPI4-A'}}});
    expect(outcome.ok).toBe(true);
    expect(outcome.summary.primaryRouter).toBe('rpi4-a');
    const {results} = await doctor(world);
    const primary = results.find((result) => result.id === 'vip-primary-apiserver');
    expect(primary).toMatchObject({host: 'rpi4-a', status: 'pass'});
  });
});
