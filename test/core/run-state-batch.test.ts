// reduceRunEvents takes a shortcut through stretches of output lines; whatever
// the events, it must end where folding them one by one with reduceRun does.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../source/core/run/events.js';
import {initialRunState, reduceRun, reduceRunEvents} from '../../source/core/run/state.js';

const host = fc.constantFrom('cp1', 'w1', 'w2', 'stranger');
const at = fc.integer({min: 0, max: 50});

const event: fc.Arbitrary<RunEvent> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('host-output' as const),
      at,
      phase: fc.constant('p'),
      host,
      stream: fc.constantFrom('stdout' as const, 'stderr' as const),
      line: fc.string({maxLength: 4}),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('host-step-started' as const),
      at,
      phase: fc.constant('p'),
      host,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('host-step-finished' as const),
      at,
      phase: fc.constant('p'),
      host,
      status: fc.constantFrom('done' as const, 'failed' as const, 'skipped' as const),
      changed: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('phase-started' as const),
      at,
      phase: fc.constant('p'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constant<RunEvent>({
      type: 'run-started',
      at: 0,
      phases: [{id: 'p', title: 'P', hosts: ['cp1', 'w1', 'w2'], mode: 'parallel'}],
      hosts: [
        {name: 'cp1', role: 'control-plane', address: '100.64.0.1'},
        {name: 'w1', role: 'worker', address: '100.64.0.2'},
        {name: 'w2', role: 'worker', address: '100.64.0.3'},
      ],
    }),
  },
);

describe('reduceRunEvents', () => {
  it('ends where folding the events one by one ends', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 0, max: 4}),
        fc.array(fc.array(event, {maxLength: 30}), {maxLength: 4}),
        (maxLines, batches) => {
          let oneByOne = initialRunState(maxLines);
          let batched = initialRunState(maxLines);
          for (const batch of batches) {
            oneByOne = batch.reduce(reduceRun, oneByOne);
            batched = reduceRunEvents(batched, batch);
            expect(batched).toEqual(oneByOne);
          }
        },
      ),
      {numRuns: 2000},
    );
  });
});
