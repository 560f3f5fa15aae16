// `npm run lab -- ARGS` as a test runs it: the lab's own CLI in a child
// process, so a test sees exactly what a user's shell would.
import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {repoDir} from './config.js';

export const labCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repoDir, 'test/lab/cli.ts'), ...args], {
    cwd: repoDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
