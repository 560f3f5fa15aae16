// The drill (seed 003's failover test, on the user's own cluster): take the
// endpoint's holder off it, time from the workstation how long the endpoint
// stays dark and who serves it after, put the holder back and time that too.
// Whatever happens after the stop (an error, Ctrl-C), the holder is put back
// before this returns or throws.
import {holdingText, type Holding} from '../../core/drill/holder.js';
import {readyNodeNames} from '../../core/drill/ready-nodes.js';
import {drillResult, type DrillResult} from '../../core/drill/result.js';
import {defaults} from '../../core/plan/defaults.js';
import type {PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';
import {sudo, type DrillContext, type DrillSettings} from './context.js';
import {getNodesArgv, type Prepared} from './preflight.js';
import {partBack, partName, takeOff} from './take-off.js';

export interface DrillOutcome {
  readonly result: DrillResult;
  /** The holder is back: its apiserver answers, its part of the endpoint is back. */
  readonly restored: boolean;
  /** Stopped with Ctrl-C: the holder was put back, the measurement is incomplete. */
  readonly aborted: boolean;
}

/** How long the restored node may take to answer again, and to be Ready and settled. */
const restoreTimeoutMs = 120_000;

const seconds = (from: number, to: number) => (to - from) / 1000;

interface Down {
  readonly downSeconds: number | null;
  readonly holderAfter: string | null;
  /** Who held the endpoint at the last look that answered (for the warning when it never came back). */
  readonly lastSeen?: Holding;
}

/**
 * From the stop until the endpoint answers, served without the old holder, `steadyLooks` looks in
 * a row (or maxSeconds pass). downSeconds counts to the first look of that run. After an apiserver
 * stop, answers count only once the stopped apiserver was seen gone: until the kubelet has stopped
 * it, an answer proves nothing about failover.
 */
const measureDown = async (
  ctx: DrillContext,
  prepared: Prepared,
  offAt: number,
  settings: DrillSettings,
): Promise<Down> => {
  const {strategy, clock} = ctx;
  const own = `${prepared.holder.ip}:${defaults.apiServerPort}`;
  let stopSeen = settings.mode !== 'apiserver';
  let run: {from: number; looks: number} | undefined;
  let lastSeen: Holding | undefined;
  for (;;) {
    if (ctx.signal.aborted) return {downSeconds: null, holderAfter: null};
    const lookedAt = clock.now();
    if (!stopSeen) stopSeen = !(await prepared.probe(own));
    let served = false;
    if (stopSeen && (await prepared.probe(strategy.address))) {
      lastSeen = await strategy.holder(ctx.hosts.get);
      served = strategy.servedWithout(prepared.holder, lastSeen, settings.mode);
    }
    run = served ? {from: run?.from ?? lookedAt, looks: (run?.looks ?? 0) + 1} : undefined;
    if (run !== undefined && run.looks >= strategy.steadyLooks)
      return {
        downSeconds: Math.max(0, seconds(offAt, run.from)),
        holderAfter: lastSeen?.kind === 'node' ? lastSeen.node.name : null,
      };
    const elapsed = seconds(offAt, clock.now());
    // A run of good looks under way may finish past maxSeconds: downSeconds is when it began.
    if (elapsed > settings.maxSeconds && run === undefined)
      return {downSeconds: null, holderAfter: null, ...(lastSeen ? {lastSeen} : {})};
    ctx.report.waiting(
      !stopSeen
        ? `${prepared.holder.name}'s apiserver still answers: ${elapsed.toFixed(1)} s`
        : `${strategy.address} not served steadily without ${prepared.holder.name} yet${lastSeen ? ` (held by ${holdingText(lastSeen)})` : ''}: ${elapsed.toFixed(1)} s`,
    );
    await clock.sleep(settings.pollMs);
  }
};

/** Polls `pass` every second until it holds or `timeoutMs` passes. */
const until = async (
  ctx: DrillContext,
  pass: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
) => {
  const deadline = ctx.clock.now() + timeoutMs;
  for (;;) {
    let passed = false;
    try {
      passed = await pass();
    } catch {
      passed = false;
    }
    if (passed) return true;
    if (ctx.clock.now() > deadline) return false;
    ctx.report.waiting(what);
    await ctx.clock.sleep(1000);
  }
};

/** From the restore until the endpoint and the restored node's own apiserver both answer. */
const measureRestored = async (
  ctx: DrillContext,
  prepared: Prepared,
  restoredAt: number,
  pollMs: number,
) => {
  const own = `${prepared.holder.ip}:${defaults.apiServerPort}`;
  const deadline = restoredAt + restoreTimeoutMs;
  for (;;) {
    const lookedAt = ctx.clock.now();
    const [endpoint, node] = await Promise.all([
      prepared.probe(ctx.strategy.address),
      prepared.probe(own),
    ]);
    if (endpoint && node) return Math.max(0, seconds(restoredAt, lookedAt));
    if (ctx.clock.now() > deadline) return null;
    ctx.report.waiting(
      `waiting for ${node ? ctx.strategy.address : `${prepared.holder.name}'s apiserver`} to answer: ${seconds(restoredAt, ctx.clock.now()).toFixed(1)} s`,
    );
    await ctx.clock.sleep(pollMs);
  }
};

const nodeReady = async (host: Host, node: PlanNode) => {
  const listed = await sudo(host, getNodesArgv);
  return listed.code === 0 && readyNodeNames(listed.stdout).has(node.name);
};

/** The restored node as before: what --node-down stopped back, Ready, its part of the endpoint back. */
const settle = async (
  ctx: DrillContext,
  node: PlanNode,
  settings: DrillSettings,
): Promise<boolean> => {
  const {nodeDown} = ctx.strategy;
  const host =
    settings.mode === 'node-down' && nodeDown.kind === 'unit' && nodeDown.cutsAccess
      ? ctx.hosts.reopen(node)
      : ctx.hosts.get(node);
  const on = (other: PlanNode) => (other.name === node.name ? host : ctx.hosts.get(other));
  const checks: Array<readonly [string, () => Promise<boolean>]> = [
    [`${node.name} Ready`, () => nodeReady(host, node)],
    [`${node.name}: ${ctx.strategy.settledWhat}`, () => ctx.strategy.settled(node, on)],
  ];
  if (settings.mode === 'node-down')
    checks.unshift([`${partName(nodeDown)} back on ${node.name}`, () => partBack(host, nodeDown)]);
  let all = true;
  for (const [what, check] of checks) {
    if (await until(ctx, check, restoreTimeoutMs, `waiting for ${what}`)) continue;
    ctx.report.warn(`not within ${restoreTimeoutMs / 1000} s: ${what}`);
    all = false;
  }
  return all;
};

export const runDrill = async (
  ctx: DrillContext,
  prepared: Prepared,
  settings: DrillSettings,
): Promise<DrillOutcome> => {
  const {holder} = prepared;
  const taken = await takeOff(ctx, holder, settings);
  let putBack = false;
  try {
    ctx.report.info(
      `Stopped ${taken.what}; watching https://${ctx.strategy.address}/readyz from here.`,
    );
    const down = await measureDown(ctx, prepared, taken.at, settings);
    if (down.downSeconds !== null)
      ctx.report.info(
        `${ctx.strategy.address} answered again after ${down.downSeconds.toFixed(1)} s; ${down.holderAfter === holder.name ? `${holder.name} still holds` : `${down.holderAfter ?? 'another node'} holds`} ${ctx.strategy.label}.`,
      );
    else if (!ctx.signal.aborted)
      ctx.report.warn(
        `${ctx.strategy.address} was not served steadily without ${taken.what} within ${settings.maxSeconds} s${down.lastSeen ? ` (last held by ${holdingText(down.lastSeen)})` : ''}.`,
      );
    ctx.report.info(`Restoring ${taken.what}…`);
    const restoredAt = await taken.restore();
    putBack = true;
    const restoredSeconds = await measureRestored(ctx, prepared, restoredAt, settings.pollMs);
    if (restoredSeconds === null)
      ctx.report.warn(
        `${holder.name}'s apiserver or ${ctx.strategy.address} did not answer within ${restoreTimeoutMs / 1000} s of the restore.`,
      );
    const aborted = ctx.signal.aborted;
    const settled = restoredSeconds !== null && !aborted && (await settle(ctx, holder, settings));
    return {
      result: drillResult({
        endpoint: ctx.strategy.address,
        holderBefore: holder.name,
        downSeconds: down.downSeconds,
        holderAfter: down.holderAfter,
        restoredSeconds,
        maxSeconds: settings.maxSeconds,
      }),
      restored: restoredSeconds !== null && (aborted || settled),
      aborted,
    };
  } finally {
    if (!putBack)
      await taken
        .restore()
        .catch((error: unknown) =>
          ctx.report.warn(
            `could not restore ${taken.what}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
  }
};
