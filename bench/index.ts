// `npm run bench`: every figure next to its baseline, measured side by side in
// one run, printed as the Markdown that BENCHMARKS.md records.
import {cpus, totalmem} from 'node:os';
import {discoveryBench} from './discovery.js';
import {packagingBench} from './packaging.js';
import {renderBench} from './render.js';
import {startupBench} from './startup.js';

const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const lines: string[] = [];
lines.push(
  `Run on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${mib(totalmem())} memory.`,
  '',
);

const startup = await startupBench();
const ink = startup['minimal Ink app, first frame']!;
lines.push(
  '### Start-up (median of 9, in an 80×24 pseudo-terminal)',
  '',
  '| what | time | vs minimal Ink app |',
  '|---|---|---|',
);
for (const [name, value] of Object.entries(startup))
  lines.push(`| ${name} | ${ms(value)} | ${ratio(value, ink)} |`);

const pack = packagingBench();
lines.push(
  '',
  '### Packaging (install offline from npm’s cache into an empty project, median of 3)',
  '',
  '| what | bundled package | unbundled runtime libraries | ratio |',
  '|---|---|---|---|',
  `| install time | ${ms(pack.installBundledMs)} | ${ms(pack.installUnbundledMs)} | ${ratio(pack.installBundledMs, pack.installUnbundledMs)} |`,
  `| size on disk | ${mib(pack.unpackedBytes)} (${pack.files} files; tarball ${mib(pack.packedBytes)}) | ${mib(pack.unbundledTreeBytes)} | ${ratio(pack.unpackedBytes, pack.unbundledTreeBytes)} |`,
);

const discovery = await discoveryBench();
lines.push(
  '',
  '### Discovery at scale (median of 7)',
  '',
  '| peers | status JSON | parse + validate, CPU | first Discover frame |',
  '|---|---|---|---|',
  ...discovery.map(
    (row) =>
      `| ${row.size.toLocaleString('en')} | ${mib(row.bytes)} | ${ms(row.parseValidateMs)} | ${ms(row.firstRenderMs)} |`,
  ),
);

const runs = [await renderBench(), await renderBench(), await renderBench()];
const render = runs.sort((a, b) => a.uiMs - b.uiMs)[1]!;
lines.push(
  '',
  '### Render cost (8 hosts × 10,000 log lines over ~3 s; median of 3)',
  '',
  '| what | CPU | vs folding the events alone | aim |',
  '|---|---|---|---|',
  `| Run screen (fold + throttled Ink frames, ${render.frames} frames) | ${ms(render.uiMs)} | ${ratio(render.uiMs, render.foldMs)} | under 1,000 ms: ${render.uiMs < 1000 ? 'met' : '**not met**'} |`,
  `| folding ${render.events.toLocaleString('en')} events, no UI | ${ms(render.foldMs)} | 1.00x | — |`,
  `| every host's last line on the final frame | ${render.finalLinesShown ? 'yes' : '**no**'} | | no dropped final lines |`,
);

console.log(lines.join('\n'));
