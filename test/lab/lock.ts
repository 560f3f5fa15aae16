// The lab is one set of machine-wide names (netns hwlab-*, /tmp/hwlab), so
// only one test file (in this vitest run or any other process on the
// machine) may have it up at a time. Every lab test file holds this lock from
// before its `down(); up()` until after its final `down()`.
//
// The lock is a real flock(2) held by a `flock` child process (util-linux, a
// lab prerequisite anyway). It lives while that child's stdin is open, so it
// is released when we close stdin, and also by the kernel when the test
// process dies in any way: a crashed run never leaves a stale lock.
import {spawn} from 'node:child_process';
import {labDir} from './config.js';
import {LabError} from './system.js';

/** Outside the lab directory, which `down` deletes. */
export const labLockFile = `${labDir}.lock`;

/**
 * How long a lab test file waits for the lab. Every other lab file may run
 * before it (vitest runs two files at once), so this is the whole lab suite's
 * time, not one file's; CI bounds the run as a whole.
 */
export const labWaitMs = 20 * 60_000;
/** The beforeAll timeout of a file that takes the lock: the wait, then its own set-up. */
export const labSetupTimeoutMs = labWaitMs + 180_000;

/** Waits (up to timeoutMs) for the lab to be free; resolves with the release function. */
export const lockLab = (timeoutMs = labWaitMs): Promise<() => Promise<void>> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'flock',
      [
        '--exclusive',
        '--timeout',
        String(Math.ceil(timeoutMs / 1000)),
        labLockFile,
        // Says it holds the lock, then lives until its stdin closes.
        'sh',
        '-c',
        'echo locked; exec cat >/dev/null',
      ],
      {stdio: ['pipe', 'pipe', 'inherit']},
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('locked\n')) {
        resolve(async () => {
          child.stdin.end();
          await exited;
        });
      }
    });
    child.once('error', (error) => reject(new LabError(`cannot run flock: ${error.message}`)));
    child.once('exit', (code) => {
      if (!output.startsWith('locked'))
        reject(
          new LabError(
            `the lab stayed busy for ${Math.round(timeoutMs / 1000)} s (lock ${labLockFile}, exit ${code}): another test file or process has it up`,
          ),
        );
    });
  });
