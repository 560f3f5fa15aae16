// `ha-wizard drill`: seed 003's failover test as a command on a built cluster.
// Shows who holds the API endpoint, asks, takes the holder off (its apiserver,
// or with --node-down the node itself), times from here how long the endpoint
// stays dark, puts the holder back and times that. The flow is the engine's
// (engine/drill/run.ts); this file reads the flags, asks and prints.
import {randomBytes} from 'node:crypto';
import {drillExitCode, drillJson, drillTable, type DrillMode} from '../core/drill/result.js';
import {InputError} from '../core/errors.js';
import type {Plan} from '../core/plan/types.js';
import {plainStyle} from '../core/style.js';
import {discover} from '../engine/discover.js';
import type {DrillContext, DrillReport, DrillSettings} from '../engine/drill/context.js';
import {prepareDrill} from '../engine/drill/preflight.js';
import {runDrill} from '../engine/drill/run.js';
import {strategyFor} from '../engine/drill/strategies.js';
import type {NodeDown} from '../engine/drill/strategy.js';
import {offSeconds, partName} from '../engine/drill/take-off.js';
import {stateDir} from '../engine/paths.js';
import {readSavedRun} from '../engine/run-store.js';
import {openHosts} from './open-hosts.js';
import {askYesNo, loadPlan, type HostCommandIo} from './shared.js';

export interface DrillOptions {
  readonly plan?: string;
  /** A cluster this wizard saved a run of (the TUI, after a finished run). */
  readonly cluster?: string;
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly sshUser?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly statusFile?: string;
  readonly nodeDown?: boolean;
  readonly maxSeconds?: number;
  readonly json?: boolean;
  readonly yes?: boolean;
}

export const defaultMaxSeconds = 30;

const planOf = async (options: DrillOptions): Promise<Plan> => {
  if (options.plan !== undefined) return loadPlan(options.plan);
  if (options.cluster !== undefined) {
    const saved = readSavedRun(stateDir(), options.cluster);
    if (!saved) throw new InputError(`There is no saved run of cluster ${options.cluster}.`);
    return saved.plan;
  }
  throw new InputError(
    'drill needs the cluster: --plan DIR (the folder ha-wizard plan --out wrote).',
    'ha-wizard drill --help tells more.',
  );
};

/** Progress on stderr; the waiting line at most once a second, and only where a person watches. */
const reporter = (io: HostCommandIo, live: boolean): DrillReport => {
  const style = io.style?.err ?? plainStyle;
  let shown = 0;
  return {
    info: (line) => io.stderr(line),
    warn: (line) => io.stderr(style.warning(`warning: ${line}`)),
    waiting: (text) => {
      if (!live || Date.now() - shown < 1000) return;
      shown = Date.now();
      io.stderr(style.dim(`  … ${text}`));
    },
  };
};

const question = (mode: DrillMode, holder: string, nodeDown: NodeDown, maxSeconds: number) =>
  mode === 'apiserver'
    ? `Stop the apiserver on ${holder}?`
    : nodeDown.kind === 'unit' && nodeDown.cutsAccess
      ? `Stop ${partName(nodeDown)} on ${holder} (it starts again by itself after ${offSeconds(maxSeconds)} s)?`
      : `Stop ${partName(nodeDown)} on ${holder} (the drill starts it again once the endpoint has moved)?`;

export const runDrillCommand = async (
  options: DrillOptions,
  io: HostCommandIo,
): Promise<number> => {
  const plan = await planOf(options);
  const mode: DrillMode = options.nodeDown === true ? 'node-down' : 'apiserver';
  const maxSeconds = options.maxSeconds ?? defaultMaxSeconds;
  // An endpoint the drill does not know is refused before any host is contacted.
  const strategy = strategyFor(plan, {
    status: () => discover({statusFile: options.statusFile, now: new Date()}),
  });
  // Without a terminal the question cannot be asked: say so before contacting anything.
  if (options.yes !== true && !io.interactive)
    throw new InputError(
      `The drill stops a control plane's ${mode === 'apiserver' ? 'apiserver' : partName(strategy.nodeDown)} and asks first, and there is no terminal to ask on.`,
      'Add --yes to go ahead without the question.',
    );
  const asks = io.interactive && options.yes !== true;
  const hosts = await openHosts(plan, options, (message) =>
    asks && options.json !== true ? askYesNo(message) : Promise.resolve(false),
  );
  const ctx: DrillContext = {
    plan,
    strategy,
    hosts: {get: hosts.hostFor, reopen: hosts.reopen},
    signal: io.signal,
    clock: {
      now: () => performance.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    report: reporter(io, io.interactive && options.json !== true),
  };
  const settings: DrillSettings = {
    mode,
    maxSeconds,
    pollMs: 250,
    drillId: randomBytes(4).toString('hex'),
  };
  try {
    const prepared = await prepareDrill(ctx, settings);
    const holder = prepared.holder.name;
    io.stderr(
      `${holder} holds ${strategy.label} (${strategy.address}); Ready control planes: ${prepared.ready.join(', ')}.`,
    );
    const ask = question(mode, holder, strategy.nodeDown, maxSeconds);
    if (options.yes !== true && !(await askYesNo(ask)))
      throw new InputError('Nothing was stopped: the drill was not confirmed.');
    if (io.signal.aborted)
      throw new InputError('Nothing was stopped: the drill was stopped first.', undefined, 130);
    const outcome = await runDrill(ctx, prepared, settings);
    if (outcome.aborted) {
      io.stderr(
        outcome.restored
          ? `ha-wizard drill: stopped; ${holder} is back and ${strategy.address} answers.`
          : `ha-wizard drill: stopped; ${holder} was put back but does not answer yet: ha-wizard doctor --plan DIR looks at it.`,
      );
      return 130;
    }
    if (options.json === true) io.stdout(drillJson(outcome.result));
    else
      for (const line of drillTable(
        outcome.result,
        {mode, maxSeconds},
        io.style?.out ?? plainStyle,
      ))
        io.stdout(line);
    if (!outcome.restored) {
      io.stderr(
        `ha-wizard drill: ${holder} was put back but is not as before yet (see the warnings above); ha-wizard doctor looks at it.`,
      );
      return 1;
    }
    return drillExitCode(outcome.result);
  } finally {
    await hosts.close();
  }
};
