import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/real/${name}`, import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as a user would, with no terminal attached. */
export const runCli = (
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): CliResult => {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    env: {PATH: process.env['PATH'], HOME: process.env['HOME'], NO_COLOR: '1', ...env},
    cwd,
    timeout: 20_000,
  });
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
};
