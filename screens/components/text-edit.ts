import type {Key} from 'ink';

/**
 * An edit of a text field. Fields keep their caret at the end: the values are
 * short (addresses, CIDRs, a name, a path), and an edit that needs no caret
 * position can be applied by a reducer to the latest value, so keys arriving
 * faster than React re-renders are never lost.
 */
export type TextEdit =
  | {readonly kind: 'insert'; readonly text: string}
  | {readonly kind: 'backspace'}
  | {readonly kind: 'clear'};

export const applyEdit = (value: string, edit: TextEdit): string => {
  switch (edit.kind) {
    case 'insert':
      return value + edit.text;
    case 'backspace':
      return [...value].slice(0, -1).join('');
    case 'clear':
      return '';
  }
};

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/g;

/** The edit a key press makes in a focused text field, or undefined when it is not an editing key. */
export const textEditFor = (input: string, key: Key): TextEdit | undefined => {
  // Terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
  if (key.backspace || key.delete) return {kind: 'backspace'};
  // Ctrl-U clears the line, as in a shell.
  if (key.ctrl && input === 'u') return {kind: 'clear'};
  if (key.ctrl || key.meta || key.escape || key.return || key.tab) return undefined;
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return undefined;
  if (key.pageUp || key.pageDown || key.home || key.end) return undefined;
  // A paste arrives as one string; drop line breaks and other control characters.
  const text = input.replace(controlCharacters, '');
  return text ? {kind: 'insert', text} : undefined;
};
