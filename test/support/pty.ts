import {execFileSync, spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {stripVTControlCharacters} from 'node:util';
import {cliPath} from './cli.js';

const bridge = fileURLToPath(new URL('pty-bridge.py', import.meta.url));
// The real interpreter (not a pyenv shim, which needs PATH), resolved once: a test may
// give the wizard a PATH without python in it.
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

export interface Terminal {
  /** Everything the program has written to the terminal so far, escape sequences included. */
  readonly output: () => string;
  /**
   * The same without escape sequences: what a person reads; from `since` (a `mark()`,
   * an offset into the raw output, so it is cut before the escapes are taken out).
   */
  readonly text: (since?: number) => string;
  readonly press: (keys: string) => void;
  /**
   * Resolves once the output (from offset `since`, default all of it) contains `text`;
   * rejects with the screen so far after `ms`.
   */
  readonly waitFor: (text: string | RegExp, ms?: number, since?: number) => Promise<void>;
  /** How much output there is now: pass it to waitFor to wait for something drawn later. */
  readonly mark: () => number;
  readonly exit: Promise<number | null>;
  readonly signal: (name: NodeJS.Signals) => void;
  /** Ends the program if it still runs (test cleanup). */
  readonly kill: () => void;
}

const open = new Set<() => void>();

/** Kills every terminal a test left running. */
export const closeTerminals = () => {
  for (const kill of open) kill();
  open.clear();
};

/** The built CLI in a real pseudo-terminal of `columns` × `rows`. */
export const openTerminal = (
  args: readonly string[],
  {columns = 80, rows = 24, env = {}} = {},
): Terminal => {
  const child = spawn(
    python,
    [bridge, String(columns), String(rows), process.execPath, cliPath, ...args],
    {
      env: {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', ...env},
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  });
  // SIGTERM reaches the program through the bridge; SIGKILL would orphan it.
  const kill = () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 2000).unref();
  };
  open.add(kill);
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      open.delete(kill);
      resolve(code);
    }),
  );
  return {
    output: () => output,
    text: (since = 0) => stripVTControlCharacters(output.slice(since)),
    kill,
    press: (keys) => child.stdin.write(keys),
    signal: (name) => child.kill(name),
    exit,
    mark: () => output.length,
    waitFor: (text, ms = 10_000, since = 0) =>
      new Promise((resolve, reject) => {
        const matches = () => {
          const visible = stripVTControlCharacters(output.slice(since));
          return typeof text === 'string' ? visible.includes(text) : text.test(visible);
        };
        const check = () => {
          if (!matches()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for ${String(text)}; screen so far:\n${stripVTControlCharacters(output).slice(-2000)}`,
            ),
          );
        }, ms);
        waiters.add(check);
        check();
      }),
  };
};
