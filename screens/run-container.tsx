import {useEffect, useState} from 'react';
import type {Plan} from '../source/core/plan/types.js';
import type {RunHandle} from '../source/engine/start-run.js';
import type {Size} from './components/layout.js';
import {RunScreen} from './run.js';
import {defaultRenderInterval, useRunEvents} from './use-run-events.js';

export interface RunContainerProps {
  readonly size: Size;
  readonly plan: Plan;
  readonly handle: RunHandle;
  readonly isActive: boolean;
  /** Re-render at most this often while events stream. @default 100 */
  readonly renderInterval?: number;
  /** Spinner and elapsed-time tick while running; 0 turns it off (tests). @default 250 */
  readonly tickInterval?: number;
  readonly onBack: () => void;
  readonly onQuit: () => void;
  readonly onDoctor?: () => void;
  readonly onDrill?: () => void;
}

/** The Run screen fed from a live run: events folded and throttled, a slow tick for the spinner. */
export const RunContainer = ({
  size,
  plan,
  handle,
  isActive,
  renderInterval = defaultRenderInterval,
  tickInterval = 250,
  onBack,
  onQuit,
  onDoctor,
  onDrill,
}: RunContainerProps) => {
  const state = useRunEvents(handle.subscribe, renderInterval);
  const running = state.outcome === undefined;
  const [tick, setTick] = useState({spin: 0, clock: Date.now()});
  useEffect(() => {
    if (!running || tickInterval <= 0) return;
    const timer = setInterval(
      () => setTick((previous) => ({spin: previous.spin + 1, clock: Date.now()})),
      tickInterval,
    );
    return () => clearInterval(timer);
  }, [running, tickInterval]);
  return (
    <RunScreen
      size={size}
      state={state}
      plan={plan}
      simulated={handle.simulated === true}
      isActive={isActive}
      spin={tick.spin}
      {...(tickInterval > 0 ? {clock: tick.clock} : {})}
      onAnswer={handle.answer}
      onAbort={handle.abort}
      onBack={onBack}
      onQuit={onQuit}
      {...(onDoctor ? {onDoctor} : {})}
      {...(onDrill ? {onDrill} : {})}
    />
  );
};
