import {
  focusAt,
  formFocusReducer,
  type FormFocus,
  type FormFocusAction,
  type RowKind,
} from './components/form-focus.js';

/**
 * The Access screen's own state: the focus in the cluster-wide form, and the
 * host whose override is open (with its own focus). The values themselves
 * live in the wizard state, so Esc and back lose nothing.
 */
export interface AccessScreenState {
  readonly main: FormFocus;
  readonly host: {readonly id: string; readonly focus: FormFocus} | undefined;
}

export type AccessScreenAction =
  | {readonly type: 'main'; readonly action: FormFocusAction}
  | {readonly type: 'host'; readonly action: FormFocusAction}
  | {readonly type: 'open-host'; readonly id: string; readonly kinds: readonly RowKind[]}
  | {readonly type: 'close-host'};

export const initialAccessScreenState = (kinds: readonly RowKind[]): AccessScreenState => ({
  main: focusAt(0, kinds),
  host: undefined,
});

export const accessScreenReducer = (
  state: AccessScreenState,
  action: AccessScreenAction,
): AccessScreenState => {
  switch (action.type) {
    case 'main':
      return {...state, main: formFocusReducer(state.main, action.action)};
    case 'host':
      return state.host
        ? {
            ...state,
            host: {...state.host, focus: formFocusReducer(state.host.focus, action.action)},
          }
        : state;
    case 'open-host':
      return {...state, host: {id: action.id, focus: focusAt(0, action.kinds)}};
    case 'close-host':
      // Back on the host's row in the list, not editing anything.
      return {...state, host: undefined, main: {...state.main, editing: false}};
  }
};
