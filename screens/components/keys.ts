import {useInput, type Key} from 'ink';
import {useCallback, useLayoutEffect, useRef} from 'react';

export type KeyHandler = (input: string, key: Key) => void;

export const isCtrlC = (input: string, key: Key): boolean => key.ctrl && input === 'c';

/** `q` quits, unless a text field has the keyboard (then it is just a letter). */
export const isQuitKey = (input: string, key: Key): boolean =>
  input === 'q' && !key.ctrl && !key.meta;

/** Continue: Enter or →. */
export const isContinueKey = (key: Key): boolean => key.return || key.rightArrow;

/**
 * The one `useInput` of whichever element owns the keyboard.
 *
 * The handler is read through a ref updated at commit time: `useInput`
 * re-subscribes a changed handler only in a passive effect, so a key arriving
 * right after another (a paste, a fast typist, a loaded machine) would
 * otherwise see the state from before the previous key, and e.g. type into the
 * field that Tab just left.
 *
 * Ctrl-C always quits: in the real app Ink's `exitOnCtrlC` handles it before
 * we see it; under ink-testing-library (which turns that off) and any host that
 * does the same, this keeps Ctrl-C working.
 */
export const useKeys = (
  handler: KeyHandler,
  options: {readonly isActive: boolean; readonly onQuit: () => void},
): void => {
  const latest = useRef({handler, onQuit: options.onQuit});
  useLayoutEffect(() => {
    latest.current = {handler, onQuit: options.onQuit};
  });
  const onInput = useCallback((input: string, key: Key) => {
    if (isCtrlC(input, key)) {
      latest.current.onQuit();
      return;
    }
    latest.current.handler(input, key);
  }, []);
  useInput(onInput, {isActive: options.isActive});
};
