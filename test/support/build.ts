// vitest globalSetup: the CLI tests run the real bundle, so build it once first.
import {execFileSync} from 'node:child_process';

export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], {stdio: 'inherit'});
}
