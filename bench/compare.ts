// Before and after, side by side in one run (issue 12): the same figures for
// another commit of this repository and for this working tree, measured in
// turns in one process, so a busy machine slows both alike. The other commit is
// exported to a temporary folder (git archive), given this tree's node_modules,
// and built with its own scripts/build.mjs.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildHello, timeInTerminal} from './startup.js';
import {statusOfSize} from './tailnet-of.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `commit` of this repository, built, in a folder of its own. */
export const prepareCommit = (commit: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `ha-wizard-${commit.slice(0, 7)}-`));
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C ${dir}`], {cwd: root});
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, ['scripts/build.mjs'], {cwd: dir, stdio: 'inherit'});
  return dir;
};

interface Discovery {
  (text: string): void;
}

/** Parse + validate as bench/discovery.ts does it, with the modules of the tree at `dir`. */
const discoveryOf = async (dir: string): Promise<Discovery> => {
  const load = (path: string) => import(join(dir, path));
  const {parseStatus} = await load('source/core/tailnet/parse-status.ts');
  const {buildPlan} = await load('source/core/plan/build.ts');
  const {defaults} = await load('source/core/plan/defaults.ts');
  const {eligibility} = await load('source/core/tailnet/eligibility.ts');
  const {validatePlan} = await load('source/core/validate/index.ts');
  const now = new Date('2026-11-24T00:00:00Z');
  return (text) => {
    const tailnet = parseStatus(text, 'bench');
    const nodes = tailnet.peers
      .filter((peer: {id: string}) => eligibility(peer).eligible)
      .slice(0, 5);
    const plan = buildPlan(tailnet, {
      controlPlanes: nodes.slice(0, 3).map((peer: {id: string}) => peer.id),
      workers: nodes.slice(3).map((peer: {id: string}) => peer.id),
      network: {vip: defaults.vip, podCidr: defaults.podCidr, serviceCidr: defaults.serviceCidr},
      kubernetesVersion: defaults.kubernetesVersion,
      clusterName: defaults.clusterName,
      access: {user: 'root', auth: {kind: 'agent'}},
    });
    validatePlan(plan, {now});
  };
};

const cpuMs = (work: () => void): number => {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

export interface Comparison {
  readonly runs: {readonly startup: number; readonly discovery: number};
  /** Median ms per case. */
  readonly startup: Record<string, {readonly before: number; readonly after: number}>;
  readonly nodeMs: number;
  readonly inkMs: number;
  readonly discovery: {readonly before: number; readonly after: number};
}

/** Before (the tree at `beforeDir`) and after (this tree), each case in turn, `runs` times. */
export const compare = async (
  beforeDir: string,
  {startupRuns = 15, discoveryRuns = 9} = {},
): Promise<Comparison> => {
  const hello = await buildHello();
  const cli = {before: join(beforeDir, 'dist/cli.js'), after: join(root, 'dist/cli.js')};
  const node = process.execPath;
  const cases: Record<string, () => Promise<number>> = {
    node: () => timeInTerminal([node, '-e', '0'], undefined),
    ink: () => timeInTerminal([node, hello], 'hello from ink'),
    'demo before': () => timeInTerminal([node, cli.before, '--demo'], 'q quit'),
    'demo after': () => timeInTerminal([node, cli.after, '--demo'], 'q quit'),
    'version before': () => timeInTerminal([node, cli.before, '--version'], undefined),
    'version after': () => timeInTerminal([node, cli.after, '--version'], undefined),
  };
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(cases).map((name) => [name, []]),
  );
  for (let run = 0; run < startupRuns; run += 1)
    for (const [name, measure] of Object.entries(cases)) samples[name]!.push(await measure());
  const m = (name: string) => median(samples[name]!);

  const text = statusOfSize(10_000);
  const parse = {before: await discoveryOf(beforeDir), after: await discoveryOf(root)};
  const cpu = {before: [] as number[], after: [] as number[]};
  // One untimed turn each first: the first run of either pays for loading and compiling.
  parse.before(text);
  parse.after(text);
  for (let run = 0; run < discoveryRuns; run += 1) {
    cpu.before.push(cpuMs(() => parse.before(text)));
    cpu.after.push(cpuMs(() => parse.after(text)));
  }
  return {
    runs: {startup: startupRuns, discovery: discoveryRuns},
    startup: {
      'ha-wizard --demo, first full frame': {before: m('demo before'), after: m('demo after')},
      'ha-wizard --version': {before: m('version before'), after: m('version after')},
    },
    nodeMs: m('node'),
    inkMs: m('ink'),
    discovery: {before: median(cpu.before), after: median(cpu.after)},
  };
};

/** The comparison as the Markdown table BENCHMARKS.md records. */
export const comparisonLines = (commit: string, result: Comparison): string[] => {
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const x = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
  const demo = result.startup['ha-wizard --demo, first full frame']!;
  const version = result.startup['ha-wizard --version']!;
  return [
    `### Before (${commit}) and after, side by side`,
    '',
    `Measured in turns in one run: start-up as the median of ${result.runs.startup} interleaved runs of every case in an 80×24 pseudo-terminal; discovery as the median CPU of ${result.runs.discovery} alternating runs.`,
    '',
    '| what | before | after | aim |',
    '|---|---|---|---|',
    `| \`ha-wizard --demo\` first full frame, vs the minimal Ink app (${ms(result.inkMs)}) | ${ms(demo.before)} (${x(demo.before, result.inkMs)}) | ${ms(demo.after)} (${x(demo.after, result.inkMs)}) | ≤ 1.3x: ${demo.after <= 1.3 * result.inkMs ? 'met' : '**not met**'} |`,
    `| \`ha-wizard --version\`, vs \`node -e 0\` (${ms(result.nodeMs)}) | ${ms(version.before)} (${x(version.before, result.nodeMs)}) | ${ms(version.after)} (${x(version.after, result.nodeMs)}) | ≤ 1.5x: ${version.after <= 1.5 * result.nodeMs ? 'met' : '**not met**'} |`,
    `| parse + validate 10,000 peers, CPU | ${ms(result.discovery.before)} | ${ms(result.discovery.after)} | < 100 ms: ${result.discovery.after < 100 ? 'met' : '**not met**'} |`,
  ];
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const commit = process.argv[2] ?? 'main';
  const dir = prepareCommit(commit);
  console.log(comparisonLines(commit, await compare(dir)).join('\n'));
}
