// Folds a run's events into `RunState` and hands Ink a new state at most every
// `interval` ms (habit 10: hosts can stream thousands of lines a second; the
// reducer is cheap, a frame is not). Like Ink's `maxFps`, but for our state:
// the events wait with the re-render and are folded together when it comes,
// so a host's kept lines are copied once a frame rather than once a line. The
// first event after a quiet spell shows at once, the run's end is flushed at
// once, so the last lines are never lost to a pending timer.
import {useEffect, useState} from 'react';
import type {RunEvent} from '../source/core/run/events.js';
import {initialRunState, reduceRunEvents, type RunState} from '../source/core/run/state.js';

export const defaultRenderInterval = 100;

export interface Batcher {
  readonly push: (event: RunEvent) => void;
  /** Publishes the folded state now if it changed since the last publish. */
  readonly flush: () => void;
  readonly dispose: () => void;
}

export interface BatcherOptions {
  readonly initial: RunState;
  readonly publish: (state: RunState) => void;
  readonly interval?: number;
  readonly now?: () => number;
}

/** The batching, without React: testable with fake timers alone. */
export const createBatcher = ({
  initial,
  publish,
  interval = defaultRenderInterval,
  now = Date.now,
}: BatcherOptions): Batcher => {
  let published = initial;
  let waiting: RunEvent[] = [];
  let lastPublish = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const state = reduceRunEvents(published, waiting);
    waiting = [];
    if (state === published) return;
    published = state;
    lastPublish = now();
    publish(state);
  };
  return {
    push: (event) => {
      waiting.push(event);
      // The end of the run, and anything the user must answer, shows at once.
      if (event.type === 'run-finished' || event.type === 'question' || event.type === 'waiting') {
        flush();
        return;
      }
      if (timer !== undefined) return;
      const wait = lastPublish + interval - now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    flush,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
};

export type Subscribe = (listener: (event: RunEvent) => void) => () => void;

/** The run's state, re-rendered at most every `interval` ms. */
export const useRunEvents = (subscribe: Subscribe, interval = defaultRenderInterval): RunState => {
  const [state, setState] = useState(initialRunState);
  useEffect(() => {
    const batcher = createBatcher({initial: initialRunState(), publish: setState, interval});
    const unsubscribe = subscribe(batcher.push);
    return () => {
      unsubscribe();
      batcher.dispose();
    };
  }, [subscribe, interval]);
  return state;
};
