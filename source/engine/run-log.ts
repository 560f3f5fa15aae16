// The full record of a run: every event and every output line, redacted
// (DOMAIN.md "Safety rules"), in a file only the user can read. Views keep a
// few lines per host (habit 10); this file keeps everything.
import {mkdirSync, openSync, writeSync, closeSync} from 'node:fs';
import {join} from 'node:path';
import type {RunEvent} from '../core/run/events.js';
import {formatEvent} from './reporters/line.js';
import type {SecretStore} from './secrets.js';

export interface RunLog {
  readonly path: string;
  write(line: string): void;
  event(event: RunEvent): void;
  close(): void;
}

const stamp = (date: Date) =>
  date
    .toISOString()
    .replaceAll(':', '')
    .replace(/\.\d+Z$/, 'Z');

/** Opens `DIR/logs/run-<time>.log`, mode 0600, never following an existing file. */
export const openRunLog = (dir: string, secrets: SecretStore, now = new Date()): RunLog => {
  const logs = join(dir, 'logs');
  mkdirSync(logs, {recursive: true, mode: 0o700});
  let path = join(logs, `run-${stamp(now)}.log`);
  let fd: number | undefined;
  for (let n = 2; fd === undefined; n++) {
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw error;
      path = join(logs, `run-${stamp(now)}-${n}.log`);
    }
  }
  const handle = fd;
  let open = true;
  const write = (line: string) => {
    if (open) writeSync(handle, `${secrets.redact(line)}\n`);
  };
  return {
    path,
    write,
    event(event) {
      const time = new Date(event.at).toISOString();
      if (event.type === 'host-output') {
        write(
          `${time} ${event.host}: ${event.phase}: ${event.stream === 'command' ? '$ ' : ''}${event.line}`,
        );
        return;
      }
      for (const line of formatEvent(event, {verbose: true})) write(`${time} ${line}`);
    },
    close() {
      if (open) closeSync(handle);
      open = false;
    },
  };
};
