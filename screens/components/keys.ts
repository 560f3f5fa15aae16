import {useInput, type Key} from 'ink';
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useLayoutEffect,
  useMemo,
  useRef,
  type ReactNode,
} from 'react';

export type KeyHandler = (input: string, key: Key) => void;

export const isCtrlC = (input: string, key: Key): boolean => key.ctrl && input === 'c';

/** `q` quits, unless a text field has the keyboard (then it is just a letter). */
export const isQuitKey = (input: string, key: Key): boolean =>
  input === 'q' && !key.ctrl && !key.meta;

/** Continue: Enter or →. */
export const isContinueKey = (key: Key): boolean => key.return || key.rightArrow;

/** A Key with nothing pressed: the base for keys split out of a chunk, and for tests. */
export const plainKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const controlKeys: Readonly<Record<string, Partial<Key>>> = {
  '\t': {tab: true},
  '\r': {return: true},
  '\n': {return: true},
  '\u007f': {delete: true},
  '\b': {backspace: true},
};

/**
 * Ink splits a stdin chunk into keys only at escape sequences, so Tab, Enter
 * or Backspace that arrive in one read with other characters (typing fast
 * over ssh or tmux, a paste ending in a newline) come as one "input" string
 * and would be lost. This splits such a chunk back into keys; runs of
 * ordinary characters stay together, as a paste.
 */
export const splitChunk = (input: string, key: Key): Array<readonly [string, Key]> => {
  if (input.length < 2 || key.ctrl || key.meta || !/[\t\r\n\u007f\b]/.test(input))
    return [[input, key]];
  const keys: Array<readonly [string, Key]> = [];
  for (const part of input.replace(/\r\n/g, '\r').split(/([\t\r\n\u007f\b])/)) {
    if (!part) continue;
    const control = controlKeys[part];
    keys.push(control ? ['', {...plainKey, ...control}] : [part, plainKey]);
  }
  return keys;
};

type Owner = {current: KeyHandler};

const KeyboardContext = createContext<{readonly claim: (owner: Owner) => () => void} | undefined>(
  undefined,
);

/**
 * One keyboard subscription for the whole app, for its whole life. Were each
 * screen to subscribe itself, its `useInput` would attach in a passive effect
 * after the screen's first frame, and Ink would drop raw mode in between: keys
 * typed right after a screen change were lost or cooked by the terminal (seen
 * in the pseudo-terminal test). Screens claim the keyboard at commit time
 * instead; the last active claim owns it.
 */
export const KeyboardProvider = ({children}: {readonly children: ReactNode}) => {
  const owners = useRef<Owner[]>([]);
  const dispatch = useCallback(
    (input: string, key: Key) => owners.current.at(-1)?.current(input, key),
    [],
  );
  useInput(dispatch);
  const value = useMemo(
    () => ({
      claim: (owner: Owner) => {
        owners.current = [...owners.current, owner];
        return () => {
          owners.current = owners.current.filter((other) => other !== owner);
        };
      },
    }),
    [],
  );
  return createElement(KeyboardContext.Provider, {value}, children);
};

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
    for (const [part, partKey] of splitChunk(input, key)) latest.current.handler(part, partKey);
  }, []);
  const keyboard = useContext(KeyboardContext);
  const owner = useRef<Owner>({current: onInput});
  useLayoutEffect(
    () => (keyboard && options.isActive ? keyboard.claim(owner.current) : undefined),
    [keyboard, options.isActive],
  );
  // Rendered on its own (a screen under test), a screen listens itself.
  useInput(onInput, {isActive: options.isActive && !keyboard});
};
