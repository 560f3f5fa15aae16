import type {RefObject} from 'react';
import {
  accessLayout,
  formRows,
  hostRow,
  kindOf,
  type AccessInputs,
  type AccessRow,
  type AccessScreenAction,
  type AccessScreenState,
  type AccessTextField,
} from './access-state.js';
import type {FormFocusAction} from './components/form-focus.js';
import type {KeyHint} from './components/frame.js';
import {isContinueKey, isQuitKey, useKeys} from './components/keys.js';
import {textEditFor, type TextEdit} from './components/text-edit.js';

const editingKeys: readonly KeyHint[] = [
  ['Tab/↓', 'next'],
  ['↑', 'previous'],
  ['Ctrl-U', 'clear'],
  ['Esc', 'leave field'],
  ['Ctrl-C', 'quit'],
];

/** The footer for the highlighted row. */
const pickingKeys: readonly KeyHint[] = [
  ['↑↓', 'move'],
  ['Enter', 'choose'],
  ['Esc', 'keep as it was'],
  ['Ctrl-C', 'quit'],
];

export const accessKeyHints = (
  row: AccessRow | undefined,
  editing: boolean,
  inHost: boolean,
  picking = false,
): readonly KeyHint[] => {
  if (editing) return editingKeys;
  if (picking) return pickingKeys;
  const back: KeyHint = inHost ? ['Esc', 'done'] : ['Esc', 'back'];
  if (row === 'auth')
    return [['↑↓', 'move'], ['←→', 'method'], ['Enter', 'list'], back, ['q', 'quit']];
  if (typeof row === 'object') {
    return [['↑↓', 'move'], ['Enter', 'override'], ['x', 'remove override'], back, ['q', 'quit']];
  }
  if (row === 'continue') return [['Enter/→', 'continue'], ['↑', 'move'], back, ['q', 'quit']];
  if (row === 'remove' || row === 'done') {
    return [['Enter', 'choose'], ['↑↓', 'move'], back, ['q', 'quit']];
  }
  return [['↑↓', 'move'], ['Enter', 'edit'], back, ['q', 'quit']];
};

export interface AccessKeyOptions {
  readonly isActive: boolean;
  /** The screen state as of the last key (not the last render). */
  readonly stateRef: RefObject<AccessScreenState>;
  readonly dispatch: (action: AccessScreenAction) => void;
  readonly inputs: AccessInputs;
  /** `host` undefined: the cluster-wide setting; a peer ID: that host's override. */
  readonly onEdit: (host: string | undefined, field: AccessTextField, edit: TextEdit) => void;
  readonly onCycleAuth: (host: string | undefined, delta: number) => void;
  readonly onClearOverride: (id: string) => void;
  /** Moves on unless errors block (the app checks the latest inputs). */
  readonly onContinue: () => unknown;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

/** The Access screen's one `useInput`. */
export const useAccessKeys = (options: AccessKeyOptions): void => {
  const {dispatch} = options;
  useKeys(
    (input, key) => {
      const layout = accessLayout(options.stateRef.current, options.inputs);
      const {row, kinds, focus, openHost} = layout;
      const moveFocus = (action: FormFocusAction) =>
        dispatch(openHost ? {type: 'host', action} : {type: 'main', action});
      // Esc outside a field: close the host's override, or go back a screen.
      const leave = () => {
        if (openHost) dispatch({type: 'close-host', row: hostRow(layout, openHost)});
        else options.onBack();
      };
      // The list of methods owns ↑↓ and Enter while open; Esc closes it unchanged.
      if (options.stateRef.current.picking) {
        if (key.escape) dispatch({type: 'pick', open: false});
        return;
      }
      if (focus.editing && (row === 'user' || row === 'keyFile' || row === 'apiKeyFile')) {
        if (key.escape) moveFocus({type: 'leave'});
        else if (key.tab) moveFocus({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
        else if (key.downArrow || key.return) moveFocus({type: 'move', delta: 1, kinds});
        else if (key.upArrow) moveFocus({type: 'move', delta: -1, kinds});
        else {
          const edit = textEditFor(input, key);
          if (edit) options.onEdit(openHost, row, edit);
        }
        return;
      }
      if (key.escape) leave();
      else if (isQuitKey(input, key)) options.onQuit();
      else if (key.tab) moveFocus({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
      else if (key.downArrow) moveFocus({type: 'move', delta: 1, kinds});
      else if (key.upArrow) moveFocus({type: 'move', delta: -1, kinds});
      else if (row === 'auth' && (key.leftArrow || key.rightArrow || input === ' ')) {
        options.onCycleAuth(openHost, key.leftArrow ? -1 : 1);
      } else if (row === 'auth' && key.return) dispatch({type: 'pick', open: true});
      else if (row === 'continue' && isContinueKey(key)) {
        options.onContinue();
      } else if (typeof row === 'object') {
        if (key.return) {
          const draft = options.inputs.hostAccess[row.host] ?? options.inputs.access;
          dispatch({type: 'open-host', id: row.host, kinds: formRows(draft).map(kindOf)});
        } else if (input === 'x') options.onClearOverride(row.host);
      } else if (row === 'remove' && key.return && openHost) {
        options.onClearOverride(openHost);
        leave();
      } else if (row === 'done' && key.return) leave();
      else if (key.return) moveFocus({type: 'edit', kinds});
    },
    {isActive: options.isActive, onQuit: options.onQuit},
  );
};
