// Starting the demo run from the TUI (r on Review of the demo tailnet): the
// same RunHandle as a real run, but the hosts are an in-memory world
// (demo-run.ts) and nothing leaves this machine. Like startRun, the engine
// loads only when a run starts.
import type {Plan} from '../core/plan/types.js';
import {handleFor, type StartRun} from './start-run.js';
import type {DemoWorld} from './demo-run.js';

export interface DemoRunSettings {
  /** 1: commands take a plausible time (a run lasts about half a minute); 0: no waiting. @default 1 */
  readonly pace?: number;
}

/**
 * A StartRun for the demo. Runs of the same plan share their world, so a
 * second r on Review shows what a re-run on real hosts does: every step
 * checked, nothing changed.
 */
export const createStartDemoRun = ({pace = 1}: DemoRunSettings = {}): StartRun => {
  const worlds = new Map<string, DemoWorld>();
  return (plan: Plan) =>
    handleFor(
      plan,
      async ({emit, signal}) => {
        const {demoWorld, runDemo} = await import('./demo-run.js');
        const key = JSON.stringify(plan);
        const world = worlds.get(key) ?? demoWorld(plan, pace);
        worlds.set(key, world);
        return runDemo(plan, world, {onEvent: emit, signal});
      },
      {simulated: true},
    );
};
