// Bundles the CLI so `npx ha-wizard` installs no runtime dependency tree.
// Ink and React land in a separate chunk that only the wizard itself loads.
import {build} from 'esbuild';
import {rename, rm} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {inkFastPaths} from './ink-fast-paths.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Build beside dist/ and swap it in, so a test run using dist/ never sees it half-built.
const staging = `dist.tmp-${process.pid}`;
await build({
  absWorkingDir: root,
  // dist/cli.js is the small entry (source/bin.ts): `--version` answers there,
  // anything else loads the program (source/cli.ts) as a chunk.
  entryPoints: {cli: 'source/bin.ts'},
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  // ssh2's native speed-ups are optional: it falls back to pure JS without them.
  external: ['cpu-features', '*.node'],
  alias: {'react-devtools-core': './scripts/stubs/react-devtools-core.js'},
  // Ink measures plain one-column text and joins a frame's rows by fast paths of ours.
  plugins: inkFastPaths,
  define: {'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"'},
  banner: {
    js: "import {createRequire as __createRequire} from 'node:module';import {fileURLToPath as __fileURLToPath} from 'node:url';import {dirname as __dirnameOf} from 'node:path';const require = __createRequire(import.meta.url);const __filename = __fileURLToPath(import.meta.url);const __dirname = __dirnameOf(__filename);",
  },
  logLevel: 'warning',
});
await rm(`${root}/dist.old-${process.pid}`, {recursive: true, force: true});
await rename(`${root}/dist`, `${root}/dist.old-${process.pid}`).catch(() => {});
await rename(`${root}/${staging}`, `${root}/dist`);
await rm(`${root}/dist.old-${process.pid}`, {recursive: true, force: true});
