// The endpoints side by side, from `ha-wizard drill` itself (issue 11): for
// each endpoint kind a lab cluster of 3 control planes + 1 worker that the
// BUILT CLI plans and applies, then `drill --json --yes` repeated, an
// apiserver stop and a --node-down each time. The table is driven by
// `drillEndpoints`: the Tailscale VIP, keepalived + HAProxy and kube-vip.
// The caller holds the lab lock (bench/lab.ts); the lab is down afterwards.
import {execFile} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import type {DrillMode} from '../source/core/drill/result.js';
import {endpointTitles, type EndpointKind} from '../source/core/plan/endpoint.js';
import {repoDir} from '../test/lab/config.js';
import {down, installHelm, up, type LabState} from '../test/lab/lab.js';
import {writeWorkstationTailscale} from '../test/lab/tailnet.js';
import {labPlanArgs} from './lab-plan.js';

const cli = join(repoDir, 'dist', 'cli.js');

interface DrillEndpoint {
  readonly kind: EndpointKind;
  /** The hosts share the lab's LAN (`up --lan`). */
  readonly lan: boolean;
  /** `ha-wizard plan` arguments beyond the hosts. */
  readonly planArgs: (state: LabState) => string[];
  /** What --node-down stops on the holder, for the table. */
  readonly nodeDown: string;
}

const lanVip = (state: LabState) => {
  if (!state.lan) throw new Error('the lab is up without --lan');
  return state.lan.vip;
};

export const drillEndpoints: readonly DrillEndpoint[] = [
  {kind: 'tailscale-vip', lan: false, planArgs: () => [], nodeDown: 'tailscaled'},
  {
    kind: 'keepalived-haproxy',
    lan: true,
    planArgs: (state) => ['--endpoint', 'keepalived-haproxy', '--vip', lanVip(state)],
    nodeDown: 'keepalived',
  },
  {
    kind: 'kube-vip',
    lan: true,
    planArgs: (state) => ['--endpoint', 'kube-vip', '--vip', lanVip(state)],
    nodeDown: "kube-vip's static pod",
  },
];

export interface DrillRun {
  readonly code: number;
  readonly downSeconds: number | null;
  readonly restoredSeconds: number | null;
  readonly holderBefore: string | null;
  readonly holderAfter: string | null;
}

export interface EndpointDrills {
  readonly kind: EndpointKind;
  readonly title: string;
  readonly nodeDown: string;
  readonly runs: Readonly<Record<DrillMode, readonly DrillRun[]>>;
  /** Wall time of the lab, the plan, the apply and the drills. */
  readonly wallMs: number;
}

/** Runs the built CLI; resolves with its exit code and output whatever the code. */
const runCli = (args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number) =>
  new Promise<{code: number; stdout: string; stderr: string}>((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024},
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({code, stdout, stderr});
      },
    );
  });

const mustRun = async (args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number) => {
  const result = await runCli(args, env, timeoutMs);
  if (result.code !== 0)
    throw new Error(`ha-wizard ${args[0] ?? ''} exited ${result.code}: ${result.stderr}`);
};

const parseRun = (code: number, stdout: string): DrillRun => {
  const json = JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as Partial<DrillRun> | null;
  return {
    code,
    downSeconds: json?.downSeconds ?? null,
    restoredSeconds: json?.restoredSeconds ?? null,
    holderBefore: json?.holderBefore ?? null,
    holderAfter: json?.holderAfter ?? null,
  };
};

/** A fresh lab with the endpoint, built by `plan` + `apply`; `reps` drills of each kind; the lab down. */
const measureEndpoint = async (
  entry: DrillEndpoint,
  reps: number,
  scratch: string,
): Promise<EndpointDrills> => {
  const t0 = performance.now();
  await down();
  const state = await up({controlPlanes: 3, workers: 1, lan: entry.lan});
  try {
    await installHelm(state, 'cp1');
    const bin = join(scratch, 'bin');
    mkdirSync(bin, {recursive: true});
    writeWorkstationTailscale(bin);
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      XDG_STATE_HOME: join(scratch, 'state'),
      KUBECONFIG: join(scratch, 'kubeconfig'),
      NO_COLOR: '1',
    };
    const planDir = join(scratch, 'plan');
    await mustRun([...labPlanArgs(state, planDir), ...entry.planArgs(state)], env, 60_000);
    await mustRun(['apply', planDir, '--known-hosts', state.knownHostsFile, '--yes'], env, 300_000);
    const runs: Record<DrillMode, DrillRun[]> = {apiserver: [], 'node-down': []};
    for (let rep = 0; rep < reps; rep++)
      for (const mode of ['apiserver', 'node-down'] as const) {
        const drill = await runCli(
          [
            'drill',
            '--plan',
            planDir,
            '--known-hosts',
            state.knownHostsFile,
            '--yes',
            '--json',
            ...(mode === 'node-down' ? ['--node-down'] : []),
          ],
          env,
          300_000,
        );
        runs[mode].push(parseRun(drill.code, drill.stdout));
        if (drill.code === 1) process.stderr.write(`bench: drill ${mode}: ${drill.stderr}\n`);
      }
    return {
      kind: entry.kind,
      title: endpointTitles[entry.kind],
      nodeDown: entry.nodeDown,
      runs,
      wallMs: performance.now() - t0,
    };
  } finally {
    await down();
  }
};

/** The endpoints of `drillEndpoints` (all, or the one of kind `only`), measured in turn. */
export const drillBench = async (
  scratch: string,
  reps = 3,
  only?: EndpointKind,
): Promise<EndpointDrills[]> => {
  const results: EndpointDrills[] = [];
  for (const entry of drillEndpoints)
    if (only === undefined || entry.kind === only)
      results.push(await measureEndpoint(entry, reps, join(scratch, entry.kind)));
  return results;
};

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
};

/** `4.4 s (3.8–4.9)`, or what is missing. */
const spread = (values: ReadonlyArray<number | null>) => {
  const measured = values.filter((value): value is number => value !== null);
  if (measured.length === 0) return 'not measured';
  const text = `${median(measured).toFixed(2)} s (${Math.min(...measured).toFixed(2)}–${Math.max(...measured).toFixed(2)})`;
  const missing = values.length - measured.length;
  return missing === 0 ? text : `${text}; ${missing} of ${values.length} not within the limit`;
};

const holders = (runs: readonly DrillRun[]) =>
  [...new Set(runs.map((run) => `${run.holderBefore ?? '?'} → ${run.holderAfter ?? '-'}`))].join(
    ', ',
  );

/** The Markdown table of `drillBench`'s results. */
export const drillLines = (results: readonly EndpointDrills[]): string[] => [
  '| endpoint | drill | downSeconds, median (range) | restoredSeconds, median (range) | holder before → after | exit codes |',
  '|---|---|---|---|---|---|',
  ...results.flatMap((result) =>
    (['apiserver', 'node-down'] as const).map((mode) => {
      const runs = result.runs[mode];
      return `| ${result.title} | ${mode === 'apiserver' ? 'apiserver stop' : `--node-down (${result.nodeDown} stopped)`} | ${spread(runs.map((run) => run.downSeconds))} | ${spread(runs.map((run) => run.restoredSeconds))} | ${holders(runs)} | ${runs.map((run) => run.code).join(' ')} |`;
    }),
  ),
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const {lockLab} = await import('../test/lab/lock.js');
  const {mkdtempSync, rmSync} = await import('node:fs');
  const {tmpdir} = await import('node:os');
  const reps = Number(process.argv[2] ?? '3');
  // `npx tsx bench/drill.ts 1 kube-vip`: one endpoint only.
  const only = process.argv[3];
  if (only !== undefined && !drillEndpoints.some((entry) => entry.kind === only))
    throw new Error(
      `no endpoint ${only} in drillEndpoints (${drillEndpoints.map((e) => e.kind).join(', ')})`,
    );
  const release = await lockLab();
  const scratch = mkdtempSync(join(tmpdir(), 'ha-wizard-bench-drill-'));
  try {
    const results = await drillBench(scratch, reps, only as EndpointKind | undefined);
    console.log(drillLines(results).join('\n'));
    for (const result of results)
      console.log(`${result.title}: ${(result.wallMs / 1000).toFixed(0)} s in all`);
    console.log(JSON.stringify(results));
  } finally {
    await release();
    rmSync(scratch, {recursive: true, force: true});
  }
}
