// Process helpers: argv arrays only (execFile/spawn), never a shell string.
import {execFile} from 'node:child_process';

export class LabError extends Error {}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv; resolves with the exit code and output, never rejects for a non-zero exit. */
export const runRaw = (
  argv: readonly string[],
  options: {input?: string; timeoutMs?: number} = {},
): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (file === undefined) throw new LabError('empty command');
    const child = execFile(
      file,
      args,
      {encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024},
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          if (error.code === 'ENOENT')
            reject(new LabError(`${file} is not installed: run test/lab/install-deps.sh`));
          else reject(error);
          return;
        }
        resolve({code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr});
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });

/** Runs argv and returns stdout; a non-zero exit throws with the command and its stderr. */
export const run = async (
  argv: readonly string[],
  options: {input?: string; timeoutMs?: number} = {},
) => {
  const result = await runRaw(argv, options);
  if (result.code !== 0) {
    throw new LabError(
      `${argv.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
};

/** `ip` in a namespace (or the root one when ns is undefined). */
export const ip = (ns: string | undefined, ...args: string[]) =>
  run(ns === undefined ? ['ip', ...args] : ['ip', '-n', ns, ...args]);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
