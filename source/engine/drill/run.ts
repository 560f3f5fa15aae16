// The drill (seed 003's failover test, on the user's own cluster): take the
// endpoint's holder off it, time from the workstation how long the endpoint
// stays dark and who serves it after, put the holder back and time that too.
// Whatever happens after the stop (an error, Ctrl-C), the holder is put back
// before this returns or throws.
import {unitActiveArgv} from '../../core/drill/commands.js';
import {readyNodeNames} from '../../core/drill/ready-nodes.js';
import {drillResult, type DrillResult} from '../../core/drill/result.js';
import {defaults} from '../../core/plan/defaults.js';
import type {PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';
import {sudo, type DrillContext, type DrillSettings} from './context.js';
import {getNodesArgv, type Prepared} from './preflight.js';
import {takeOff, unitName} from './take-off.js';

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

/** From the stop until the endpoint answers, served without the old holder (or maxSeconds pass). */
const measureDown = async (
  ctx: DrillContext,
  prepared: Prepared,
  offAt: number,
  settings: DrillSettings,
) => {
  const {strategy, clock} = ctx;
  for (;;) {
    if (ctx.signal.aborted) return {downSeconds: null, holderAfter: null};
    const lookedAt = clock.now();
    if (await prepared.probe(strategy.address)) {
      const now = await strategy.holder();
      if (strategy.movedFrom(prepared.holder, now))
        return {
          downSeconds: Math.max(0, seconds(offAt, lookedAt)),
          holderAfter: now.kind === 'node' ? now.node.name : null,
        };
    }
    const elapsed = seconds(offAt, clock.now());
    if (elapsed > settings.maxSeconds) return {downSeconds: null, holderAfter: null};
    ctx.report.waiting(
      `${strategy.address} not served by another control plane yet: ${elapsed.toFixed(1)} s`,
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

/** The restored node as before: the unit running (node-down), Ready, its part of the endpoint back. */
const settle = async (
  ctx: DrillContext,
  node: PlanNode,
  settings: DrillSettings,
): Promise<boolean> => {
  const {unit, cutsAccess} = ctx.strategy.nodeDown;
  const host =
    settings.mode === 'node-down' && cutsAccess ? ctx.hosts.reopen(node) : ctx.hosts.get(node);
  const checks: Array<readonly [string, () => Promise<boolean>]> = [
    [`${node.name} Ready`, () => nodeReady(host, node)],
    [`${node.name} holding ${ctx.strategy.label} again`, () => ctx.strategy.settled(node, host)],
  ];
  if (settings.mode === 'node-down')
    checks.unshift([
      `${unitName(unit)} active on ${node.name}`,
      async () => (await host.exec(unitActiveArgv(unit), {timeoutMs: 10_000})).code === 0,
    ]);
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
        `${ctx.strategy.address} answered again after ${down.downSeconds.toFixed(1)} s, served by ${down.holderAfter ?? 'another node'}.`,
      );
    else if (!ctx.signal.aborted)
      ctx.report.warn(
        `${ctx.strategy.address} was not served by another control plane within ${settings.maxSeconds} s.`,
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
        ...down,
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
