// Renders a screen at a fixed terminal size and drives it with named keys.
// ink-testing-library's fake stdout reports 100 columns and no rows; we pin
// both on the instance and re-render, so every frame after `render` is laid
// out for the size under test (80×24 unless a test says otherwise).
import {render as inkRender} from 'ink-testing-library';
import {stripVTControlCharacters} from 'node:util';
import type {ReactElement} from 'react';
import {expect} from 'vitest';

export const ENTER = '\r';
export const ESC = '\u001b';
export const TAB = '\t';
export const SHIFT_TAB = '\u001b[Z';
export const ARROW_UP = '\u001b[A';
export const ARROW_DOWN = '\u001b[B';
export const ARROW_RIGHT = '\u001b[C';
export const ARROW_LEFT = '\u001b[D';
export const PAGE_UP = '\u001b[5~';
export const PAGE_DOWN = '\u001b[6~';
export const BACKSPACE = '\u007f';
export const CTRL_C = '\u0003';
export const CTRL_U = '\u0015';

/** Lets Ink flush a pending lone Esc (it waits one setImmediate) and React run its effects. */
const settle = async () => {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
};

export interface Screen {
  /** The last frame without colour codes. */
  readonly frame: () => string;
  readonly lines: () => string[];
  /** Every frame drawn so far, without colour codes: what was ever on screen. */
  readonly frames: () => string[];
  /** Sends each key in turn, letting the app react between them. */
  readonly press: (...keys: string[]) => Promise<void>;
  /** Sends the keys back to back, with no chance for React to run effects in between (a fast typist). */
  readonly burst: (...keys: string[]) => Promise<void>;
  /** Types text one character at a time. */
  readonly type: (text: string) => Promise<void>;
  /** Polls frames until `predicate` holds; fails with the last frame after `timeout` ms. */
  readonly waitFor: (predicate: (frame: string) => boolean, timeout?: number) => Promise<string>;
  /** Shorthand: wait until the frame contains `text`. */
  readonly waitForText: (text: string, timeout?: number) => Promise<string>;
  readonly rerender: (tree: ReactElement) => void;
  readonly unmount: () => void;
  readonly columns: number;
  readonly rows: number;
}

export const render = async (
  tree: ReactElement,
  {columns = 80, rows = 24} = {},
): Promise<Screen> => {
  const instance = inkRender(tree);
  Object.defineProperty(instance.stdout, 'columns', {value: columns, configurable: true});
  Object.defineProperty(instance.stdout, 'rows', {value: rows, configurable: true});
  instance.rerender(tree);
  instance.stdout.emit('resize');
  await settle();

  const frame = () => stripVTControlCharacters(instance.lastFrame() ?? '');
  const waitFor = async (predicate: (frame: string) => boolean, timeout = 3000) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const current = frame();
      if (predicate(current)) return current;
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for a frame. Last frame:\n${current}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      instance.stdin.write(key);
      await settle();
    }
  };
  return {
    frame,
    lines: () => frame().split('\n'),
    frames: () => instance.frames.map((drawn) => stripVTControlCharacters(drawn)),
    press,
    type: (text) => press(...text),
    burst: async (...keys) => {
      for (const key of keys) instance.stdin.write(key);
      await settle();
    },
    waitFor,
    waitForText: (text, timeout) => waitFor((current) => current.includes(text), timeout),
    rerender: instance.rerender,
    unmount: instance.unmount,
    columns,
    rows,
  };
};

/** Display width of a line (the screens print no wide characters). */
const width = (line: string) => [...line].length;

/** The frame fits the terminal: no more lines than rows, no line wider than the columns. */
export const expectFits = (screen: Screen) => {
  const lines = screen.lines();
  expect(lines.length, screen.frame()).toBeLessThanOrEqual(screen.rows);
  for (const line of lines)
    expect(width(line), `too wide: ${JSON.stringify(line)}`).toBeLessThanOrEqual(screen.columns);
};

/** The index of the first line containing `text`, or -1. */
export const lineOf = (screen: Screen, text: string) =>
  screen.lines().findIndex((line) => line.includes(text));
