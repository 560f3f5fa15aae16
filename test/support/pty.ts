import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {cliPath} from './cli.js';

const bridge = fileURLToPath(new URL('pty-bridge.py', import.meta.url));

export interface Terminal {
  /** Everything the program has written to the terminal so far. */
  readonly output: () => string;
  readonly press: (keys: string) => void;
  /** Resolves once the output contains `text`; rejects with the output so far after `ms`. */
  readonly waitFor: (text: string | RegExp, ms?: number) => Promise<void>;
  readonly exit: Promise<number | null>;
  readonly signal: (name: NodeJS.Signals) => void;
}

/** The built CLI in a real pseudo-terminal of `columns` × `rows`. */
export const openTerminal = (args: readonly string[], {columns = 80, rows = 24, env = {}} = {}): Terminal => {
  const child = spawn('python3', [bridge, String(columns), String(rows), process.execPath, cliPath, ...args], {
    env: {PATH: process.env['PATH'], HOME: process.env['HOME'], TERM: 'xterm-256color', ...env},
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: () => output,
    press: (keys) => child.stdin.write(keys),
    signal: (name) => child.kill(name),
    exit,
    waitFor: (text, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const matches = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
        const check = () => {
          if (!matches()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(text)}; output so far:\n${JSON.stringify(output.slice(-2000))}`));
        }, ms);
        waiters.add(check);
        check();
      }),
  };
};
