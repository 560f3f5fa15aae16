import {execFile} from 'node:child_process';
import {InputError} from '../core/errors.js';

const timeoutMs = 15_000;

/** Runs `tailscale status --json` on this machine, without a shell. */
export const readLocalStatus = (): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    execFile(
      'tailscale',
      ['status', '--json'],
      {encoding: 'buffer', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, windowsHide: true},
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(
            new InputError(
              'tailscale is not installed here (no `tailscale` on PATH); pass --status-file FILE with the output of `tailscale status --json` from a machine on the tailnet, or try --demo.',
            ),
          );
          return;
        }
        if (error.killed) {
          reject(
            new InputError(
              `\`tailscale status --json\` did not answer within ${timeoutMs / 1000} s; check that tailscaled is running.`,
            ),
          );
          return;
        }
        // Logged-out clients still print JSON (BackendState NeedsLogin) but may exit non-zero.
        if (stdout.length > 0 && stdout.toString('utf8').trimStart().startsWith('{')) {
          resolve(stdout);
          return;
        }
        const line = stderr.toString('utf8').trim().split('\n')[0] || `exit code ${String(code)}`;
        reject(new InputError(`\`tailscale status --json\` failed: ${line}`));
      },
    );
  });
