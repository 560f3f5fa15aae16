// Packaging (issue 5): the packed tarball's size and files, and the time to
// install it into an empty project, against installing the same runtime
// libraries unbundled (both offline, from npm's cache, in one run).
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// What the bundle carries: the runtime libraries the CLI imports.
const runtime = [
  'ink',
  'react',
  'ssh2',
  'ssh-config',
  'commander',
  'yaml',
  'smol-toml',
  'ini',
  'ipaddr.js',
  'zod',
  'chalk',
];

const emptyProject = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ha-wizard-bench-install-'));
  execFileSync('npm', ['init', '-y'], {cwd: dir, stdio: 'ignore'});
  return dir;
};

const timed = (work: () => void) => {
  const started = performance.now();
  work();
  return performance.now() - started;
};

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const packagingBench = (runs = 3) => {
  const out = mkdtempSync(join(tmpdir(), 'ha-wizard-bench-pack-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as Array<{filename: string; size: number; unpackedSize: number; entryCount: number}>;
  const tarball = join(out, packed!.filename);
  const versions = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    .devDependencies as Record<string, string>;
  const specs = runtime.map((name) => `${name}@${versions[name]}`);
  const flags = ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'];
  const bundled: number[] = [];
  const unbundled: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    bundled.push(
      timed(() => execFileSync('npm', [...flags, tarball], {cwd: emptyProject(), stdio: 'ignore'})),
    );
    unbundled.push(
      timed(() =>
        execFileSync('npm', [...flags, ...specs], {cwd: emptyProject(), stdio: 'ignore'}),
      ),
    );
  }
  const probe = emptyProject();
  execFileSync('npm', [...flags, ...specs], {cwd: probe, stdio: 'ignore'});
  const treeSize =
    Number(
      execFileSync('du', ['-sk', join(probe, 'node_modules')], {encoding: 'utf8'}).split('\t')[0],
    ) * 1024;
  return {
    packedBytes: packed!.size,
    unpackedBytes: packed!.unpackedSize,
    files: packed!.entryCount,
    installBundledMs: median(bundled),
    installUnbundledMs: median(unbundled),
    unbundledTreeBytes: treeSize,
  };
};

if (import.meta.url === `file://${process.argv[1]}`) console.log(packagingBench());
