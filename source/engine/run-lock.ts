// One wizard per cluster at a time (issue 4): a lock file beside the saved
// run, created with O_EXCL and naming its process. A lock whose process is
// gone (kill -9, a crash, a reboot) is taken over at once, so a resume right
// after a kill never waits; mtime-based lock libraries (proper-lockfile) would
// make it wait out a stale period, which is why this checks the PID instead.
import {closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {InputError} from '../core/errors.js';
import {clusterFileName, clustersDir} from './run-store.js';

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readHolder = (path: string): Holder | undefined => {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof holder.pid === 'number'
      ? {pid: holder.pid, host: String(holder.host ?? ''), since: String(holder.since ?? '')}
      : undefined;
  } catch {
    return undefined; // Half-written by a process that died between open and write.
  }
};

const lockPath = (stateDir: string, clusterName: string) =>
  join(clustersDir(stateDir), `${clusterFileName(clusterName)}.lock`);

/** Whether a live wizard on this machine holds the cluster's lock now. */
export const lockedByOther = (stateDir: string, clusterName: string): boolean => {
  const holder = readHolder(lockPath(stateDir, clusterName));
  return (
    holder !== undefined &&
    holder.host === hostname() &&
    holder.pid !== process.pid &&
    alive(holder.pid)
  );
};

export type ReleaseLock = () => void;

/** Takes the cluster's lock or throws an InputError naming who holds it. */
export const lockCluster = (stateDir: string, clusterName: string, now: Date): ReleaseLock => {
  const dir = clustersDir(stateDir);
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const path = lockPath(stateDir, clusterName);
  const me: Holder = {pid: process.pid, host: hostname(), since: now.toISOString()};
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
      const holder = readHolder(path);
      // Only a holder on this machine can be checked; the state dir is per user and machine.
      if (holder && holder.host === me.host && holder.pid !== me.pid && alive(holder.pid)) {
        throw new InputError(
          `Another ha-wizard (process ${holder.pid}, since ${holder.since.slice(0, 19).replace('T', ' ')} UTC) is running cluster ${clusterName}`,
          'Wait for it to finish, or stop it with Ctrl-C in its terminal, then run this again.',
        );
      }
      rmSync(path, {force: true});
    }
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (readHolder(path)?.pid === me.pid) rmSync(path, {force: true});
  };
};
