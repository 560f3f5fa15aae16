// `npm run bench`: every figure next to its baseline, measured side by side in
// one run, printed as the Markdown that BENCHMARKS.md records.
import {rmSync} from 'node:fs';
import {cpus, totalmem} from 'node:os';
import {compare, comparisonLines, prepareCommit} from './compare.js';
import {discoveryBench} from './discovery.js';
import {drillLines} from './drill.js';
import {labBench, labBenchSkipReason} from './lab.js';
import {packagingBench} from './packaging.js';
import {renderBench} from './render.js';
import {startupBench} from './startup.js';

const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

// `npm run bench -- --no-lab` leaves out the lab (it needs root and the machine-wide
// lab names); `--before COMMIT` adds that commit and this tree side by side.
const argv = process.argv.slice(2);
const noLab = argv.includes('--no-lab');
const beforeAt = argv.indexOf('--before');
const beforeCommit = beforeAt >= 0 ? argv[beforeAt + 1] : undefined;
if (beforeAt >= 0 && !beforeCommit) {
  console.error('bench: --before needs a commit, e.g. --before main');
  process.exit(1);
}

const lines: string[] = [];
lines.push(
  `Run on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${mib(totalmem())} memory.`,
  '',
);

const startup = await startupBench();
const ink = startup['minimal Ink app, first frame']!;
const bare = startup['node -e 0']!;
lines.push(
  '### Start-up (median of 9, in an 80×24 pseudo-terminal)',
  '',
  '| what | time | vs minimal Ink app | vs node -e 0 |',
  '|---|---|---|---|',
);
for (const [name, value] of Object.entries(startup))
  lines.push(`| ${name} | ${ms(value)} | ${ratio(value, ink)} | ${ratio(value, bare)} |`);

// The baseline installs the runtime libraries offline from npm's cache; a cache
// without them (a fresh machine, another project's cache) skips the table with why.
let pack: ReturnType<typeof packagingBench> | undefined;
let packSkip: string | undefined;
try {
  pack = packagingBench();
} catch (error) {
  packSkip = `npm could not install offline from its cache (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
}
if (pack === undefined) lines.push('', `### Packaging: skipped: ${packSkip ?? 'unknown'}`);
else
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

if (beforeCommit !== undefined) {
  const dir = prepareCommit(beforeCommit);
  try {
    lines.push('', ...comparisonLines(beforeCommit, await compare(dir)));
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
const labSkip = noLab ? 'left out with --no-lab' : labBenchSkipReason();
if (labSkip !== undefined) {
  lines.push('', `### Lab figures (orchestration, worker joins, failover): skipped: ${labSkip}`);
} else {
  const lab = await labBench();
  lines.push(
    '',
    '### Orchestration overhead (lab: real sshd hosts in network namespaces)',
    '',
    '| run | wizard | replay of the same commands (baseline) | ratio | aim |',
    '|---|---|---|---|---|',
    ...lab.runs.map(
      ({workers, run, replay: r}) =>
        `| 3 control planes + ${workers} worker${workers === 1 ? '' : 's'} | ${seconds(run.wallMs)} | ${seconds(r.wallMs)} (${r.commands} commands, ${r.sameExitCode} with the same exit code) | ${ratio(run.wallMs, r.wallMs)} | ≤ 1.05x: ${run.wallMs <= 1.05 * r.wallMs ? 'met' : '**not met**'} |`,
    ),
  );
  const [one, eight] = lab.runs;
  if (one && eight) {
    const joins = (map: ReadonlyMap<string, number>) => map.get('join-workers') ?? Number.NaN;
    lines.push(
      '',
      '### Worker joins: 8 workers against 1 (the join-workers phase)',
      '',
      '| what | 1 worker | 8 workers | ratio | aim |',
      '|---|---|---|---|---|',
      `| wizard | ${seconds(joins(one.run.phaseMs))} | ${seconds(joins(eight.run.phaseMs))} | ${ratio(joins(eight.run.phaseMs), joins(one.run.phaseMs))} | ≤ 1.3x: ${joins(eight.run.phaseMs) <= 1.3 * joins(one.run.phaseMs) ? 'met' : '**not met**'} |`,
      `| replay of its commands | ${seconds(joins(one.replay.phaseMs))} | ${seconds(joins(eight.replay.phaseMs))} | ${ratio(joins(eight.replay.phaseMs), joins(one.replay.phaseMs))} | this machine's floor |`,
    );
  }
  const f = lab.failover;
  const bound = f.gate.interval + 1;
  lines.push(
    '',
    '### Failover on the real tailnet (lab: tailscaled 1.98.10 + Headscale 0.29.2; from a worker, until readyz through the VIP answers again)',
    '',
    '| drill | what moves the VIP | time | aim |',
    '|---|---|---|---|',
    `| the primary's apiserver stops, its tailscale stays up | the health gate (poll ${f.gate.interval} s, ${f.gate.failAfter - 1} confirmations ${f.gate.confirm} s apart) withdraws the route; Headscale elects another | ${f.apiserverStopped.toFixed(1)} s | poll interval + 1 s = ${bound} s: ${f.apiserverStopped <= bound ? 'met' : '**not met**'} |`,
    `| the primary's tailscaled stops | Headscale marks it offline after its 10 s reconnect grace | ${f.tailscaledStopped.toFixed(1)} s | — |`,
    `| the primary's link is cut (a pulled cable) | Headscale's HA prober (the lab's interval ${f.haProbeInterval} s, timeout ${f.haProbeInterval / 2} s; Headscale's default 10 s + 5 s) | ${f.linkCut.toFixed(1)} s | — |`,
    `| the primary's apiserver stops, no health gate | nothing: Tailscale keeps routing to the live node | ${f.withoutGate === undefined ? `dark for all ${f.withoutGateWatched} s watched` : `${f.withoutGate.toFixed(1)} s`} | the black hole the gate exists for |`,
  );
  lines.push(
    '',
    `### Failover drill, the endpoints side by side (\`ha-wizard drill --json\`, ${lab.drillReps} of each on a fresh lab of 3 control planes + 1 worker per endpoint)`,
    '',
    ...drillLines(lab.drills),
    '',
    `The drill part took ${lab.drills.map((d) => `${d.title} ${seconds(d.wallMs)}`).join(', ')} (lab, plan, apply and the drills).`,
  );
}

console.log(lines.join('\n'));
