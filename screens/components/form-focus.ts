/**
 * Which row of a form has the highlight, and whether a text row is being
 * edited. Arriving on a text row starts editing it (type straight away); Esc
 * leaves the field, after which `q` and Esc mean quit and back again.
 */
export type RowKind = 'text' | 'choice' | 'item' | 'action';

export interface FormFocus {
  readonly row: number;
  readonly editing: boolean;
}

export type FormFocusAction =
  | {
      readonly type: 'move';
      readonly delta: number;
      readonly wrap?: boolean;
      readonly kinds: readonly RowKind[];
    }
  | {readonly type: 'focus'; readonly row: number; readonly kinds: readonly RowKind[]}
  | {readonly type: 'edit'; readonly kinds: readonly RowKind[]}
  | {readonly type: 'leave'};

export const focusAt = (row: number, kinds: readonly RowKind[]): FormFocus => {
  const clamped = Math.min(Math.max(row, 0), Math.max(kinds.length - 1, 0));
  return {row: clamped, editing: kinds[clamped] === 'text'};
};

export const formFocusReducer = (state: FormFocus, action: FormFocusAction): FormFocus => {
  switch (action.type) {
    case 'move': {
      const count = action.kinds.length;
      if (count === 0) return state;
      const target = action.wrap
        ? (((state.row + action.delta) % count) + count) % count
        : state.row + action.delta;
      return focusAt(target, action.kinds);
    }
    case 'focus':
      return focusAt(action.row, action.kinds);
    case 'edit':
      return focusAt(state.row, action.kinds);
    case 'leave':
      return state.editing ? {...state, editing: false} : state;
  }
};

/** The focus to draw with, after rows have come or gone (e.g. the key-file row). */
export const visibleFocus = (state: FormFocus, kinds: readonly RowKind[]): FormFocus => {
  const row = Math.min(state.row, Math.max(kinds.length - 1, 0));
  return {row, editing: state.editing && kinds[row] === 'text'};
};
