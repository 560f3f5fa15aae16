// What the Run screen's user has chosen to look at, apart from the run itself
// (habit 7: the reducer is tested without Ink). The run's own state comes in
// as a prop (`RunState`); this is only selection, expansion and scrolling.

export interface RunViewState {
  /** Index into the run's host order. */
  readonly selected: number;
  /** The selected host's pane is open to its whole recent log. */
  readonly expanded: boolean;
  /**
   * First visible log line of the expanded pane; `undefined` follows the tail,
   * so new lines stay in sight until the user scrolls up.
   */
  readonly scroll: number | undefined;
  /** Ctrl-C was pressed once: the engine is stopping. */
  readonly stopping: boolean;
}

export type RunViewAction =
  | {readonly type: 'select'; readonly delta: number; readonly count: number}
  | {readonly type: 'expand'}
  | {readonly type: 'collapse'}
  /** `max` is the last first-line there is (lines − viewport); scrolling to it follows again. */
  | {readonly type: 'scroll'; readonly delta: number; readonly max: number}
  | {readonly type: 'follow'}
  | {readonly type: 'stopping'};

export const initialRunViewState: RunViewState = {
  selected: 0,
  expanded: false,
  scroll: undefined,
  stopping: false,
};

const within = (value: number, low: number, high: number): number =>
  Math.min(Math.max(value, low), Math.max(low, high));

export const runViewReducer = (state: RunViewState, action: RunViewAction): RunViewState => {
  switch (action.type) {
    case 'select': {
      if (action.count === 0) return state;
      const selected = within(state.selected + action.delta, 0, action.count - 1);
      return selected === state.selected ? state : {...state, selected, scroll: undefined};
    }
    case 'expand':
      return state.expanded ? state : {...state, expanded: true, scroll: undefined};
    case 'collapse':
      return state.expanded ? {...state, expanded: false, scroll: undefined} : state;
    case 'scroll': {
      const from = state.scroll ?? action.max;
      const next = within(from + action.delta, 0, action.max);
      const scroll = next >= action.max ? undefined : next;
      return scroll === state.scroll ? state : {...state, scroll};
    }
    case 'follow':
      return state.scroll === undefined ? state : {...state, scroll: undefined};
    case 'stopping':
      return state.stopping ? state : {...state, stopping: true};
  }
};
