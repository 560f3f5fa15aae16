import {Box, Text} from 'ink';
import {useRef} from 'react';
import type {Plan} from '../source/core/plan/types.js';
import type {RunState} from '../source/core/run/state.js';
import {Frame, type KeyHint} from './components/frame.js';
import {isQuitKey, useKeys} from './components/keys.js';
import {bodyRows, type Size} from './components/layout.js';
import {useSyncReducer} from './components/use-sync-reducer.js';
import {runLayout, type Segment, type Tone} from './run-rows.js';
import {initialRunViewState, runViewReducer} from './run-view-state.js';
import {theme} from './theme.js';

export interface RunScreenProps {
  readonly size: Size;
  /** The run as the events have folded it so far. */
  readonly state: RunState;
  readonly plan: Plan;
  readonly isActive: boolean;
  /** Spinner frame. @default 0 */
  readonly spin?: number;
  /** The wall clock in the events' time base, so a silent host's elapsed time still moves. */
  readonly clock?: number;
  /** The in-memory demo run (RunHandle.simulated). */
  readonly simulated?: boolean;
  /** The answer to a `question` event. */
  readonly onAnswer: (id: string, accepted: boolean) => void;
  /** Ctrl-C while running: the engine stops safely. */
  readonly onAbort: () => void;
  /** Esc once the run is over: back to Review. */
  readonly onBack?: () => void;
  /** d after a failed run: leave for `ha-wizard doctor` on this cluster. */
  readonly onDoctor?: () => void;
  /** f after a successful run: leave for `ha-wizard drill` (the failover test) on this cluster. */
  readonly onDrill?: () => void;
  readonly onQuit: () => void;
}

const toneProps = (tone: Tone | undefined) => {
  switch (tone) {
    case 'dim':
      return {dimColor: true};
    case 'ok':
      return {color: theme.ok};
    case 'error':
      return {color: theme.error};
    case 'warning':
      return {color: theme.warning};
    case 'accent':
      return {color: theme.accent};
    case 'cursor':
      return {color: theme.cursor, bold: true};
    case 'bold':
      return {bold: true};
    default:
      return {};
  }
};

const RowText = ({row}: {readonly row: readonly Segment[]}) => (
  <Text wrap="truncate-end">
    {row.length === 0
      ? ' '
      : row.map((segment, index) => (
          <Text key={index} {...toneProps(segment.tone)}>
            {segment.text}
          </Text>
        ))}
  </Text>
);

const keysFor = (
  state: RunState,
  expanded: boolean,
  stopping: boolean,
  canGoBack: boolean,
  canDoctor: boolean,
  canDrill: boolean,
): KeyHint[] => {
  const running = state.outcome === undefined;
  const view: KeyHint[] = expanded
    ? [
        ['↑↓ PgUp/PgDn', 'scroll'],
        ['End', 'follow'],
        ['Esc', 'collapse'],
      ]
    : [
        ['↑↓', 'host'],
        ['Enter', 'full log'],
      ];
  if (running && state.questions.length > 0)
    return [['y', 'trust'], ['n', 'refuse'], ...view, ['Ctrl-C', 'stop']];
  if (running) return [...view, ['Ctrl-C', stopping ? 'quit now' : 'stop safely']];
  const failed = state.outcome?.ok === false && !state.outcome.aborted;
  return [
    ...view,
    ...(failed && canDoctor && !expanded ? [['d', 'diagnose (doctor)'] as KeyHint] : []),
    ...(state.outcome?.ok === true && canDrill && !expanded
      ? [['f', 'failover drill'] as KeyHint]
      : []),
    ...(canGoBack && !expanded ? [['Esc', 'back'] as KeyHint] : []),
    ['q', 'quit'],
  ];
};

/** Step 6: the plan running on the hosts, one pane per host; the summary at the end. */
export const RunScreen = (props: RunScreenProps) => {
  const {size, state, plan, isActive, spin, clock} = props;
  const [view, dispatch, viewRef] = useSyncReducer(runViewReducer, initialRunViewState);
  const layout = runLayout({
    state,
    plan,
    view,
    columns: size.columns,
    rows: bodyRows(size),
    ...(spin === undefined ? {} : {spin}),
    ...(clock === undefined ? {} : {clock}),
    simulated: props.simulated === true,
  });
  const latest = useRef({state, layout});
  latest.current = {state, layout};
  // Questions answered here but not yet reported back by the engine: a second y is not a second answer.
  const answered = useRef(new Set<string>());

  const interrupt = () => {
    const running = latest.current.state.outcome === undefined;
    if (running && !viewRef.current.stopping) {
      dispatch({type: 'stopping'});
      props.onAbort();
    } else props.onQuit();
  };

  useKeys(
    (input, key) => {
      const {state: current, layout: shown} = latest.current;
      const {expanded} = viewRef.current;
      const running = current.outcome === undefined;
      const question = current.questions.find((open) => !answered.current.has(open.id));
      if (running && question && (input === 'y' || input === 'n')) {
        answered.current.add(question.id);
        props.onAnswer(question.id, input === 'y');
        return;
      }
      const page = Math.max(1, shown.logViewport - 1);
      if (expanded) {
        if (key.escape) dispatch({type: 'collapse'});
        else if (key.upArrow) dispatch({type: 'scroll', delta: -1, max: shown.logMax});
        else if (key.downArrow) dispatch({type: 'scroll', delta: 1, max: shown.logMax});
        else if (key.pageUp) dispatch({type: 'scroll', delta: -page, max: shown.logMax});
        else if (key.pageDown || input === ' ')
          dispatch({type: 'scroll', delta: page, max: shown.logMax});
        else if (key.home) dispatch({type: 'scroll', delta: -shown.logMax, max: shown.logMax});
        else if (key.end) dispatch({type: 'follow'});
        else if (!running && isQuitKey(input, key)) props.onQuit();
        return;
      }
      const count = current.hostOrder.length;
      if (key.upArrow) dispatch({type: 'select', delta: -1, count});
      else if (key.downArrow) dispatch({type: 'select', delta: 1, count});
      else if (key.pageUp) dispatch({type: 'select', delta: -10, count});
      else if (key.pageDown) dispatch({type: 'select', delta: 10, count});
      else if (key.return && count > 0) dispatch({type: 'expand'});
      // While running, Esc never leaves: the run goes on whatever the screen shows.
      else if (key.escape && !running) props.onBack?.();
      else if (input === 'd' && current.outcome?.ok === false && !current.outcome.aborted)
        props.onDoctor?.();
      else if (input === 'f' && current.outcome?.ok === true) props.onDrill?.();
      else if (!running && isQuitKey(input, key)) props.onQuit();
    },
    {isActive, onQuit: interrupt},
  );

  return (
    <Frame
      size={size}
      step="run"
      // runLayout cuts every row to the width already.
      clipWidth={false}
      keys={keysFor(
        state,
        view.expanded,
        view.stopping,
        props.onBack !== undefined,
        props.onDoctor !== undefined,
        props.onDrill !== undefined,
      )}
    >
      <Box flexDirection="column">
        {layout.rows.map((row, index) => (
          <RowText key={index} row={row} />
        ))}
      </Box>
    </Frame>
  );
};
