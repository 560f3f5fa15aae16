// The lab's figures for `npm run bench` (issue 5): a full run's wall time
// against replaying the commands it sent (bench/replay.ts), worker joins with
// 1 and with 8 workers, the failover drills, and `ha-wizard drill` on each
// endpoint kind (bench/drill.ts). Real sshd hosts in
// network namespaces, as in the lab tests (test/lab/README.md); needs root and
// the lab's packages, and says why it skips otherwise.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadPlan} from '../source/commands/shared.js';
import {initNode} from '../source/core/plan/build.js';
import {executePlan} from '../source/engine/execute.js';
import {repoDir} from '../test/lab/config.js';
import {
  apiserverStoppedDrill,
  apiserverStoppedWithoutGate,
  linkCutDrill,
  tailscaledStoppedDrill,
  secondsUntil,
  vipAnswersFrom,
} from '../test/lab/drills.js';
import {down, hostExec, installHelm, up, type LabState} from '../test/lab/lab.js';
import {lockLab} from '../test/lab/lock.js';
import {labSkipReason} from '../test/lab/skip.js';
import {drillBench, type EndpointDrills} from './drill.js';
import {labPlanArgs} from './lab-plan.js';
import {recorder, replay, type Replay, type Step} from './replay.js';

const cli = join(repoDir, 'dist', 'cli.js');

export interface WizardRun {
  readonly wallMs: number;
  /** Per phase: from its phase-started event to its phase-finished event. */
  readonly phaseMs: ReadonlyMap<string, number>;
  readonly steps: readonly Step[];
}

/** `ha-wizard plan` for the lab's hosts, then `apply`'s engine in this process, recording every command. */
const wizardRun = async (state: LabState, scratch: string): Promise<WizardRun> => {
  const planDir = join(scratch, 'plan');
  execFileSync(process.execPath, [cli, ...labPlanArgs(state, planDir)]);
  const plan = await loadPlan(planDir);
  const steps: Step[] = [];
  const started = new Map<string, number>();
  const phaseMs = new Map<string, number>();
  const windows: Array<{phase: string; at: number; end: number}> = [];
  const t0 = performance.now();
  const outcome = await executePlan(plan, {
    onEvent: (event) => {
      if (event.type === 'phase-started') started.set(event.phase, performance.now());
      if (event.type === 'phase-finished') {
        const at = started.get(event.phase) ?? t0;
        phaseMs.set(event.phase, performance.now() - at);
        windows.push({phase: event.phase, at, end: performance.now()});
      }
    },
    answerHostKey: async () => false,
    signal: new AbortController().signal,
    now: new Date(),
    knownHostsFile: state.knownHostsFile,
    planDir,
    ...recorder(steps),
  });
  const wallMs = performance.now() - t0;
  if (!outcome.ok)
    throw new Error(`the wizard's run failed: ${outcome.error ?? 'no reason given'}`);
  for (const step of steps)
    step.phase = windows.find((w) => w.at <= step.at && step.at <= w.end)?.phase;
  return {wallMs, phaseMs, steps};
};

const root = async (state: LabState, host: string, argv: string[], input?: string) => {
  const result = await hostExec(state, host, argv, {
    timeoutMs: 30_000,
    ...(input === undefined ? {} : {input}),
  });
  if (result.code !== 0) throw new Error(`${host}: ${argv.join(' ')}: ${result.stderr}`);
  return result.stdout;
};

export interface Measured {
  readonly workers: number;
  readonly run: WizardRun;
  readonly replay: Replay;
}

export interface Failover {
  /** Seconds until readyz through the VIP answers again from a worker, per drill. */
  readonly apiserverStopped: number;
  readonly tailscaledStopped: number;
  readonly linkCut: number;
  /** Without the gate: when the VIP answered again (undefined: not within withoutGateWatched s). */
  readonly withoutGate: number | undefined;
  readonly withoutGateWatched: number;
  readonly haProbeInterval: number;
  readonly gate: {readonly interval: number; readonly failAfter: number; readonly confirm: number};
}

export interface LabBench {
  readonly runs: readonly Measured[];
  readonly failover: Failover;
  /** `ha-wizard drill` on each endpoint kind (bench/drill.ts). */
  readonly drills: readonly EndpointDrills[];
  readonly drillReps: number;
}

/** Repetitions of each drill per endpoint: enough for a median and a range, in a few minutes. */
const drillReps = 3;

const gateSettings = (envFile: string) => {
  const value = (key: string) => Number(new RegExp(`^${key}=(\\S+)$`, 'm').exec(envFile)?.[1]);
  return {
    interval: value('INTERVAL'),
    failAfter: value('FAIL_AFTER'),
    confirm: value('CONFIRM_INTERVAL'),
  };
};

/** Both drills on the cluster a run built, seen from worker w1. */
const drills = async (state: LabState): Promise<Failover> => {
  const gate = gateSettings(await root(state, 'cp1', ['cat', '/etc/ha-wizard/health-gate.env']));
  const settle = () => secondsUntil(() => vipAnswersFrom(state, 'w1'), performance.now(), 90_000);
  const stopped = await apiserverStoppedDrill(state, 'w1');
  await stopped.restore();
  await settle();
  const tailscaledStopped = (await tailscaledStoppedDrill(state, 'w1')).seconds;
  await settle();
  const linkCut = (await linkCutDrill(state, 'w1')).seconds;
  await settle();
  const withoutGate = await apiserverStoppedWithoutGate(state, 'w1', 60);
  await settle();
  return {
    apiserverStopped: stopped.seconds,
    tailscaledStopped,
    linkCut,
    withoutGate: withoutGate.answered,
    withoutGateWatched: withoutGate.watchedSeconds,
    haProbeInterval: state.haProbeInterval,
    gate,
  };
};

/**
 * A wizard run on a fresh lab of 3 control planes and `workers` workers, then
 * its replay on another fresh one. The replay gets the run's CA on the init
 * node first: the recorded joins carry its hash, and kubeadm init uses a CA it
 * finds there.
 */
const measure = async (
  workers: number,
  scratch: string,
  between?: (state: LabState) => Promise<void>,
) => {
  process.env['XDG_STATE_HOME'] = join(scratch, 'state');
  process.env['KUBECONFIG'] = join(scratch, 'kubeconfig');
  await down();
  let state = await up({controlPlanes: 3, workers});
  await installHelm(state, 'cp1');
  const run = await wizardRun(state, scratch);
  await between?.(state);
  const init = initNode(await loadPlan(join(scratch, 'plan')))?.name ?? 'cp1';
  const pki = '/etc/kubernetes/pki';
  const cert = await root(state, init, ['cat', `${pki}/ca.crt`]);
  const key = await root(state, init, ['cat', `${pki}/ca.key`]);
  await down();
  state = await up({controlPlanes: 3, workers});
  await installHelm(state, 'cp1');
  await root(state, init, ['mkdir', '-p', pki]);
  await root(state, init, ['sh', '-c', `cat > ${pki}/ca.crt`], cert);
  await root(state, init, ['sh', '-c', `umask 077; cat > ${pki}/ca.key`], key);
  const replayed = await replay(run.steps, state);
  await down();
  return {workers, run, replay: replayed};
};

/** Why the lab figures cannot be measured here, or undefined. */
export const labBenchSkipReason = () =>
  labSkipReason('bench/lab.ts', {path: cli, reason: 'dist/cli.js is missing'});

export const labBench = async (): Promise<LabBench> => {
  const release = await lockLab();
  const scratch = mkdtempSync(join(tmpdir(), 'ha-wizard-bench-lab-'));
  const saved = {state: process.env['XDG_STATE_HOME'], kubeconfig: process.env['KUBECONFIG']};
  try {
    let failover: Failover | undefined;
    const one = await measure(1, join(scratch, 'one'), async (state) => {
      failover = await drills(state);
    });
    const eight = await measure(8, join(scratch, 'eight'));
    if (!failover) throw new Error('the drills did not run');
    const endpointDrills = await drillBench(join(scratch, 'drill'), drillReps);
    return {runs: [one, eight], failover, drills: endpointDrills, drillReps};
  } finally {
    await down();
    await release();
    if (saved.state === undefined) delete process.env['XDG_STATE_HOME'];
    else process.env['XDG_STATE_HOME'] = saved.state;
    if (saved.kubeconfig === undefined) delete process.env['KUBECONFIG'];
    else process.env['KUBECONFIG'] = saved.kubeconfig;
    rmSync(scratch, {recursive: true, force: true});
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  if (labBenchSkipReason() === undefined) {
    const result = await labBench();
    const round = (map: ReadonlyMap<string, number>) =>
      Object.fromEntries([...map].map(([k, v]) => [k, Math.round(v)]));
    for (const {workers, run, replay: r} of result.runs)
      console.log(
        workers,
        Math.round(run.wallMs),
        Math.round(r.wallMs),
        r.commands,
        r.sameExitCode,
        round(run.phaseMs),
        round(r.phaseMs),
      );
    console.log(result.failover);
  }
}
