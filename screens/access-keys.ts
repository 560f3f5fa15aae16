import type {AccessDraft, AuthKind} from './app-state.js';
import {cycle} from './components/choice.js';
import type {FormFocus, FormFocusAction, RowKind} from './components/form-focus.js';
import type {KeyHint} from './components/frame.js';
import {isContinueKey, isQuitKey, useKeys} from './components/keys.js';
import {textEditFor, type TextEdit} from './components/text-edit.js';

/** The rows of the Access screen: the form, the hosts, and the actions. */
export type AccessRow =
  'user' | 'auth' | 'keyFile' | 'continue' | 'remove' | 'done' | {readonly host: string};

export const authKinds: readonly AuthKind[] = ['agent', 'key', 'tailscale-ssh'];

/** The key-file row exists only while a key file is the method. */
export const formRows = (draft: AccessDraft): AccessRow[] =>
  draft.auth === 'key' ? ['user', 'auth', 'keyFile'] : ['user', 'auth'];

export const kindOf = (row: AccessRow): RowKind => {
  if (typeof row === 'object') return 'item';
  if (row === 'user' || row === 'keyFile') return 'text';
  return row === 'auth' ? 'choice' : 'action';
};

const editingKeys: readonly KeyHint[] = [
  ['Tab/↓', 'next'],
  ['↑', 'previous'],
  ['Ctrl-U', 'clear'],
  ['Esc', 'leave field'],
  ['Ctrl-C', 'quit'],
];

/** The footer for the highlighted row. */
export const accessKeyHints = (
  row: AccessRow | undefined,
  editing: boolean,
  inHost: boolean,
): readonly KeyHint[] => {
  if (editing) return editingKeys;
  const back: KeyHint = inHost ? ['Esc', 'done'] : ['Esc', 'back'];
  if (row === 'auth') return [['↑↓', 'move'], ['←→', 'method'], back, ['q', 'quit']];
  if (typeof row === 'object') {
    return [['↑↓', 'move'], ['Enter', 'override'], ['x', 'remove override'], back, ['q', 'quit']];
  }
  if (row === 'continue') return [['Enter/→', 'continue'], ['↑', 'move'], back, ['q', 'quit']];
  if (row === 'remove' || row === 'done') {
    return [['Enter', 'choose'], ['↑↓', 'move'], back, ['q', 'quit']];
  }
  return [['↑↓', 'move'], ['Enter', 'edit'], back, ['q', 'quit']];
};

export interface AccessKeyContext {
  readonly isActive: boolean;
  readonly row: AccessRow | undefined;
  readonly kinds: readonly RowKind[];
  readonly focus: FormFocus;
  /** The draft being edited: the cluster's, or the open host's. */
  readonly draft: AccessDraft;
  /** Undefined for the cluster-wide form; the open host's peer ID otherwise. */
  readonly target: string | undefined;
  readonly canContinue: boolean;
  readonly moveFocus: (action: FormFocusAction) => void;
  readonly openHost: (id: string) => void;
  /** Esc outside a field: close the host's override, or go back a screen. */
  readonly leave: () => void;
  readonly onEdit: (host: string | undefined, field: 'user' | 'keyFile', edit: TextEdit) => void;
  readonly onSetAuth: (host: string | undefined, auth: AuthKind) => void;
  readonly onClearOverride: (id: string) => void;
  readonly onContinue: () => void;
  readonly onQuit: () => void;
}

/** The Access screen's one `useInput`. */
export const useAccessKeys = (context: AccessKeyContext): void => {
  const {row, kinds, focus, target, moveFocus} = context;
  useKeys(
    (input, key) => {
      if (focus.editing && (row === 'user' || row === 'keyFile')) {
        if (key.escape) moveFocus({type: 'leave'});
        else if (key.tab) moveFocus({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
        else if (key.downArrow || key.return) moveFocus({type: 'move', delta: 1, kinds});
        else if (key.upArrow) moveFocus({type: 'move', delta: -1, kinds});
        else {
          const edit = textEditFor(input, key);
          if (edit) context.onEdit(target, row, edit);
        }
        return;
      }
      if (key.escape) context.leave();
      else if (isQuitKey(input, key)) context.onQuit();
      else if (key.tab) moveFocus({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
      else if (key.downArrow) moveFocus({type: 'move', delta: 1, kinds});
      else if (key.upArrow) moveFocus({type: 'move', delta: -1, kinds});
      else if (row === 'auth' && (key.leftArrow || key.rightArrow || input === ' ')) {
        context.onSetAuth(target, cycle(authKinds, context.draft.auth, key.leftArrow ? -1 : 1));
      } else if (row === 'continue' && isContinueKey(key)) {
        if (context.canContinue) context.onContinue();
      } else if (typeof row === 'object') {
        if (key.return) context.openHost(row.host);
        else if (input === 'x') context.onClearOverride(row.host);
      } else if (row === 'remove' && key.return && target) {
        context.onClearOverride(target);
        context.leave();
      } else if (row === 'done' && key.return) context.leave();
      else if (key.return) moveFocus({type: 'edit', kinds});
    },
    {isActive: context.isActive, onQuit: context.onQuit},
  );
};
