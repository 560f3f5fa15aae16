// Start-up (issue 5): process start to the wizard's first full frame, against
// the smallest Ink app bundled the same way and bare `node -e 0`; and --version.
// Every figure is a median of runs interleaved in one process, so the ratios
// compare like with like on whatever machine runs them.
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {stripVTControlCharacters} from 'node:util';
import {build} from 'esbuild';
import {inkFastPaths} from '../scripts/ink-fast-paths.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bridge = join(root, 'test/support/pty-bridge.py');
const cli = join(root, 'dist/cli.js');
// The real interpreter: a pyenv shim would add half a second to every sample.
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

/** Builds the hello app with the CLI's own esbuild settings (scripts/build.mjs). */
export const buildHello = async (): Promise<string> => {
  const out = mkdtempSync(join(tmpdir(), 'ha-wizard-bench-'));
  await build({
    absWorkingDir: root,
    entryPoints: ['bench/fixtures/hello.tsx'],
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    jsx: 'automatic',
    alias: {'react-devtools-core': './scripts/stubs/react-devtools-core.js'},
    plugins: inkFastPaths,
    define: {'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"'},
    banner: {
      js: "import {createRequire as __cr} from 'node:module';const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return join(out, 'hello.js');
};

/** Milliseconds from spawn until `marker` appears on the terminal (or the process exits). */
export const timeInTerminal = (argv: string[], marker: string | undefined): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(python, [bridge, '80', '24', ...argv], {stdio: ['pipe', 'pipe', 'ignore']});
    let output = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(performance.now() - started);
      child.stdin.end(); // the bridge hangs up the program
      child.kill('SIGTERM');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (marker && stripVTControlCharacters(output).includes(marker)) finish();
    });
    child.on('close', () =>
      marker && !done ? reject(new Error(`never saw ${marker}`)) : finish(),
    );
  });

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const startupBench = async (runs = 9) => {
  const hello = await buildHello();
  const cases = {
    'node -e 0': () => timeInTerminal([process.execPath, '-e', '0'], undefined),
    'minimal Ink app, first frame': () =>
      timeInTerminal([process.execPath, hello], 'hello from ink'),
    'ha-wizard --demo, first full frame': () =>
      timeInTerminal([process.execPath, cli, '--demo'], 'q quit'),
    'ha-wizard --version': () => timeInTerminal([process.execPath, cli, '--version'], undefined),
  };
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(cases).map((name) => [name, []]),
  );
  // Interleave the cases so a busy moment hits all of them alike.
  for (let run = 0; run < runs; run += 1) {
    for (const [name, measure] of Object.entries(cases)) samples[name]!.push(await measure());
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [name, median(values)]),
  );
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await startupBench();
  const ink = result['minimal Ink app, first frame']!;
  for (const [name, ms] of Object.entries(result)) {
    console.log(
      `${name.padEnd(36)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / ink).toFixed(2)}x the minimal Ink app`,
    );
  }
}
