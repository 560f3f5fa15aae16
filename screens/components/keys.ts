import {useInput, type Key} from 'ink';

export type KeyHandler = (input: string, key: Key) => void;

export const isCtrlC = (input: string, key: Key): boolean => key.ctrl && input === 'c';

/** `q` quits, unless a text field has the keyboard (then it is just a letter). */
export const isQuitKey = (input: string, key: Key): boolean =>
  input === 'q' && !key.ctrl && !key.meta;

/** Continue: Enter or →. */
export const isContinueKey = (key: Key): boolean => key.return || key.rightArrow;

/**
 * The one `useInput` of whichever element owns the keyboard. Ctrl-C always
 * quits: in the real app Ink's `exitOnCtrlC` handles it before we see it; under
 * ink-testing-library (which turns that off) and any host that does the same,
 * this keeps Ctrl-C working.
 */
export const useKeys = (
  handler: KeyHandler,
  options: {readonly isActive: boolean; readonly onQuit: () => void},
): void => {
  useInput(
    (input, key) => {
      if (isCtrlC(input, key)) {
        options.onQuit();
        return;
      }
      handler(input, key);
    },
    {isActive: options.isActive},
  );
};
