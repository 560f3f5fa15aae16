#!/usr/bin/env node
// What `ha-wizard` runs first: `--version` is answered here, from a file of a
// few lines, so printing one line does not mean reading the whole program
// (commander, the core, the engine's entry points) first. Everything else is
// the program itself (cli.ts), loaded only now.
import {readFileSync} from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // package.json sits one folder up, from dist/ as from source/.
  const {version} = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as {version: string};
  process.stdout.write(`${version}\n`);
} else await import('./cli.js');
