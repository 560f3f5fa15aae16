// Taking the holder off the endpoint, and the one way back. Each kind of
// take-off first arms a guard on the node itself (commands.ts), so the node
// comes back even when the workstation never gets to restore it.
import {
  apiserverPod,
  heldManifest,
  manifestGuardArgv,
  manifestInPlaceArgv,
  moveManifestOutArgv,
  restoreManifestArgv,
  restoreUnitArgv,
  stopLeadSeconds,
  stopUnitForArgv,
  unitActiveArgv,
  unitStopMarker,
} from '../../core/drill/commands.js';
import type {DrillMode} from '../../core/drill/result.js';
import {InputError} from '../../core/errors.js';
import type {PlanNode} from '../../core/plan/types.js';
import {HostError, type ExecResult, type Host} from '../host/host.js';
import {sudo, type DrillContext, type DrillSettings} from './context.js';
import type {ManifestMove, NodeDown, UnitStop} from './strategy.js';

export interface TakenOff {
  /** Clock time (ms) the holder went off. */
  readonly at: number;
  /** What was stopped, for people: `cp1's apiserver`. */
  readonly what: string;
  /** Puts it back; resolves with the clock time it was put back. Safe to call twice. */
  restore(): Promise<number>;
}

/** A unit as people say it: `tailscaled`, not `tailscaled.service`. */
export const unitName = (unit: string) => unit.replace(/\.service$/, '');

/** The apiserver stop: its manifest out of the manifests directory. */
const apiserverStop: ManifestMove = {kind: 'manifest', pod: apiserverPod, name: 'apiserver'};

/** What the drill takes off the holder: its apiserver, or the strategy's --node-down part. */
export const partTakenOff = (mode: DrillMode, nodeDown: NodeDown): NodeDown =>
  mode === 'apiserver' ? apiserverStop : nodeDown;

/** That part as people say it: `apiserver`, `keepalived`, `kube-vip`. */
export const partName = (part: NodeDown): string =>
  part.kind === 'unit' ? unitName(part.unit) : part.name;

/** The part is back on the node: its unit active, or its manifest in the manifests directory. */
export const partBack = async (host: Host, part: NodeDown): Promise<boolean> =>
  part.kind === 'unit'
    ? (await host.exec(unitActiveArgv(part.unit), {timeoutMs: 10_000})).code === 0
    : (await sudo(host, manifestInPlaceArgv(part.pod), 10_000)).code === 0;

/** Seconds after which the node's own guard restores what the drill stopped. */
export const guardSeconds = (maxSeconds: number) => maxSeconds + 60;
/** How long --node-down keeps a node whose path it cuts off: past the measurement, then it comes back. */
export const offSeconds = (maxSeconds: number) => maxSeconds + 5;

const checked = (node: PlanNode, what: string, result: ExecResult) => {
  if (result.code !== 0)
    throw new InputError(
      `${what} failed on ${node.name}: ${result.stderr.trim().split('\n')[0] || `exit code ${String(result.code)}`}.`,
    );
};

/** Runs `argv` as root, trying a new connection when the old one broke; at most `tries` times. */
const persistent = async (
  ctx: DrillContext,
  node: PlanNode,
  argv: readonly string[],
  tries = 4,
) => {
  for (let attempt = 1; ; attempt++) {
    try {
      const host = attempt === 1 ? ctx.hosts.get(node) : ctx.hosts.reopen(node);
      return await sudo(host, argv);
    } catch (error) {
      if (!(error instanceof HostError) || attempt >= tries) throw error;
      ctx.report.warn(`${node.name}: ${error.message}; trying again`);
      await ctx.clock.sleep(2000);
    }
  }
};

const moveManifestOut = async (
  ctx: DrillContext,
  node: PlanNode,
  settings: DrillSettings,
  {pod, name}: ManifestMove,
): Promise<TakenOff> => {
  const held = heldManifest(pod, settings.drillId);
  const host = ctx.hosts.get(node);
  checked(
    node,
    'Arming the guard',
    await sudo(host, manifestGuardArgv(pod, held, guardSeconds(settings.maxSeconds))),
  );
  let restoredAt: number | undefined;
  const restore = async () => {
    if (restoredAt !== undefined) return restoredAt;
    checked(
      node,
      `Putting the ${name} manifest back`,
      await persistent(ctx, node, restoreManifestArgv(pod, held)),
    );
    restoredAt = ctx.clock.now();
    return restoredAt;
  };
  const at = ctx.clock.now();
  try {
    checked(
      node,
      `Moving the ${name} manifest away`,
      await sudo(host, moveManifestOutArgv(pod, held)),
    );
  } catch (error) {
    // The connection may have dropped after the move: put it back (a no-op when it never left).
    if (error instanceof HostError) await restore().catch(() => undefined);
    throw error;
  }
  return {at, what: `${node.name}'s ${name}`, restore};
};

const stopUnit = async (
  ctx: DrillContext,
  node: PlanNode,
  settings: DrillSettings,
  {unit, cutsAccess}: UnitStop,
): Promise<TakenOff> => {
  const seconds = offSeconds(settings.maxSeconds);
  const marker = unitStopMarker(settings.drillId);
  checked(
    node,
    `Stopping ${unitName(unit)}`,
    await sudo(ctx.hosts.get(node), stopUnitForArgv(unit, seconds, marker)),
  );
  const at = ctx.clock.now() + stopLeadSeconds * 1000;
  const backAt = at + seconds * 1000;
  let restoredAt: number | undefined;
  return {
    at,
    what: `${node.name}'s ${unitName(unit)}`,
    restore: async () => {
      if (restoredAt !== undefined) return restoredAt;
      if (cutsAccess) {
        // The drill cannot reach the node while the unit is down: its own timer starts it.
        const wait = backAt - ctx.clock.now();
        if (wait > 0) {
          ctx.report.info(
            `${node.name} starts ${unitName(unit)} again by itself in ${Math.ceil(wait / 1000)} s (the drill cannot reach it while it is down).`,
          );
          await ctx.clock.sleep(wait);
        }
        restoredAt = Math.max(backAt, ctx.clock.now());
        return restoredAt;
      }
      checked(
        node,
        `Starting ${unitName(unit)}`,
        await persistent(ctx, node, restoreUnitArgv(unit, marker)),
      );
      restoredAt = ctx.clock.now();
      return restoredAt;
    },
  };
};

export const takeOff = (ctx: DrillContext, node: PlanNode, settings: DrillSettings) => {
  const part = partTakenOff(settings.mode, ctx.strategy.nodeDown);
  return part.kind === 'manifest'
    ? moveManifestOut(ctx, node, settings, part)
    : stopUnit(ctx, node, settings, part);
};
