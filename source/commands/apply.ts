// `ha-wizard apply DIR`: runs a plan written by `ha-wizard plan --out DIR`
// without the TUI. It reads the same event stream as every view: the reducer
// keeps the state, the line reporter prints, the run log records everything.
import {InputError} from '../core/errors.js';
import {plainStyle} from '../core/style.js';
import {questionTheme} from './colour.js';
import {isDemoPeerId} from '../core/tailnet/demo.js';
import type {Plan} from '../core/plan/types.js';
import type {RunEvent} from '../core/run/events.js';
import {failedWithConnectionRefused} from '../core/run/refused.js';
import {initialRunState, reduceRun, type RunState} from '../core/run/state.js';
import {hasErrors} from '../core/validate/finding.js';
import {validatePlan} from '../core/validate/index.js';
import {formatEvent, progressLines} from '../engine/reporters/line.js';
import {jsonSummary} from '../engine/reporters/json.js';
import type {ControlApiConfig} from '../engine/control/control-api.js';
import {executePlan} from '../engine/execute.js';
import {discover} from '../engine/discover.js';
import {stateDir} from '../engine/paths.js';
import {savedRunHeadline, savedRunLines} from '../engine/reporters/saved-run.js';
import {lockCluster, type ReleaseLock} from '../engine/run-lock.js';
import {readSavedRun, savedChanges, type SavedRun} from '../engine/run-store.js';
import {askYesNo, loadPlan, sshAccess, type HostCommandIo} from './shared.js';
import {readdressPlan} from '../core/plan/readdress.js';
import {select} from '@inquirer/prompts';

export interface ApplyOptions {
  readonly yes?: boolean;
  readonly knownHosts?: string;
  readonly identity?: string;
  readonly sshUser?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly json?: boolean;
  /** Go on with an unfinished run of this cluster without asking. */
  readonly resume?: boolean;
  /** Undo an unfinished run on every host, then run from the start. */
  readonly startOver?: boolean;
  /** Where to look the nodes up again on resume (default: `tailscale status` here). */
  readonly statusFile?: string;
  /** --command-timeout: seconds any command may run unless it has a longer limit of its own. */
  readonly commandTimeoutSeconds?: number;
  /** The control server's API for route approval, key already read (never printed). */
  readonly controlApi?: ControlApiConfig;
}

/** Exit 0 only when the final verify passed; 2 for a plan with errors; 130 when stopped. */
export const runApply = async (
  dir: string,
  options: ApplyOptions,
  io: HostCommandIo,
): Promise<number> => {
  const plan = await loadPlan(dir);
  const findings = validatePlan(plan, {now: io.now});
  const err = io.style?.err ?? plainStyle;
  for (const finding of findings)
    io.stderr(
      `${finding.severity === 'error' ? err.error('error') : err.warning('warning')}: ${finding.message}`,
    );
  if (hasErrors(findings)) {
    io.stderr(
      `Nothing was run: the plan in ${dir} has errors. Fix them and write it again with ha-wizard plan --out ${dir}.`,
    );
    return 2;
  }
  // The demo's devices are made up; their addresses could be real machines elsewhere.
  if (plan.nodes.some((node) => isDemoPeerId(node.id))) {
    throw new InputError(
      `The plan in ${dir} was made on the demo tailnet, whose hosts are made up, so there is nothing to run it on.`,
      'Plan against your own tailnet: ha-wizard plan --control-plane … --out DIR (without --demo).',
    );
  }

  if (options.resume && options.startOver)
    throw new InputError(
      '--resume and --start-over contradict each other.',
      'Pick one: --resume goes on where the last run stopped, --start-over undoes it first.',
    );
  const lock = lockCluster(stateDir(), plan.clusterName, io.now);
  try {
    const saved = readSavedRun(stateDir(), plan.clusterName);
    let runPlan = plan;
    const choice: ResumeChoice | undefined =
      saved && saved.status !== 'finished'
        ? await chooseResume(saved, dir, options, io)
        : options.startOver
          ? 'start-over'
          : undefined;
    if (choice === 'start-over') {
      // Undo on the hosts the saved run touched (its plan), with its record of what was there.
      const {resetCluster} = await import('./reset.js');
      io.stderr('Starting over: first every host is put back as it was before ha-wizard.');
      const reset = await resetCluster(
        saved?.plan ?? plan,
        saved ? savedChanges(saved) : undefined,
        // --start-over on the command line is the answer; a choice at the terminal still sees the list.
        {...options, confirmed: options.startOver === true || options.yes === true},
        io,
        lock,
      );
      if (reset !== 0) {
        io.stderr(
          `The run did not start: the reset did not finish. Run ha-wizard apply ${dir} --start-over again once the hosts above are fixed.`,
        );
        return reset;
      }
      io.stderr('Every host is reset; the run starts from the beginning.');
    } else if (choice === 'resume') {
      io.stderr(`Resuming: finished phases are checked again (cheaply) and skipped.`);
      const moved = await findNodesAgain(plan, options, io);
      runPlan = moved;
    }
    return await execute(runPlan, dir, options, io, lock);
  } finally {
    lock();
  }
};

type ResumeChoice = 'resume' | 'start-over';

/** --resume / --start-over, or the question (a person at a terminal), or a clear refusal. */
const chooseResume = async (
  saved: SavedRun,
  dir: string,
  options: ApplyOptions,
  io: HostCommandIo,
): Promise<ResumeChoice> => {
  if (options.resume) return 'resume';
  if (options.startOver) return 'start-over';
  if (!io.interactive || options.yes || options.json) {
    throw new InputError(
      savedRunHeadline(saved),
      `Run ha-wizard apply ${dir} --resume to go on from there, or --start-over to undo it on every host and begin again.`,
    );
  }
  for (;;) {
    const answer = await select<ResumeChoice | 'show'>(
      {
        theme: questionTheme(io.style?.err ?? plainStyle),
        message: savedRunHeadline(saved),
        choices: [
          {
            name: 'Resume',
            value: 'resume',
            description: 'Check the finished phases again and go on',
          },
          {
            name: 'Start over',
            value: 'start-over',
            description: 'Undo what the run did on every host, then run from the start',
          },
          {name: 'Show what was done', value: 'show'},
        ],
      },
      {output: process.stderr, signal: io.signal},
    );
    if (answer !== 'show') return answer;
    for (const line of savedRunLines(saved)) io.stderr(line);
  }
};

/** A node re-registered since the plan was made has a new address: find it again by its ID or name. */
const findNodesAgain = async (
  plan: Plan,
  options: ApplyOptions,
  io: HostCommandIo,
): Promise<Plan> => {
  let tailnet;
  try {
    tailnet = await discover({statusFile: options.statusFile, now: io.now});
  } catch (error) {
    io.stderr(
      `Could not read the tailnet's status to find the nodes again (${error instanceof Error ? error.message : String(error)}); using the plan's addresses.`,
    );
    return plan;
  }
  const {plan: moved, changes} = readdressPlan(plan, tailnet);
  for (const change of changes) io.stderr(change);
  return moved;
};

const execute = async (
  plan: Plan,
  dir: string,
  options: ApplyOptions,
  io: HostCommandIo,
  lock: ReleaseLock,
): Promise<number> => {
  let state: RunState = initialRunState();
  const onEvent = (event: RunEvent) => {
    state = reduceRun(state, event);
    if (!options.json)
      for (const line of formatEvent(event, {style: io.style?.out ?? plainStyle})) io.stdout(line);
  };
  const lastPrinted = new Map<string, number>();
  const ticker = options.json
    ? undefined
    : setInterval(() => {
        for (const line of progressLines(
          state,
          Date.now(),
          lastPrinted,
          undefined,
          io.style?.out ?? plainStyle,
        ))
          io.stdout(line);
      }, 5000);
  ticker?.unref();
  try {
    const outcome = await executePlan(plan, {
      onEvent,
      // --yes means no questions, not yes to everything: an unknown key is then
      // refused, and the error names --accept-new-host-keys.
      answerHostKey: ({message}) =>
        io.interactive && !options.json && !options.yes
          ? askYesNo(message)
          : Promise.resolve(false),
      signal: io.signal,
      now: io.now,
      ...sshAccess(options),
      planDir: dir,
      lock,
      ...(options.commandTimeoutSeconds === undefined
        ? {}
        : {commandTimeoutMs: options.commandTimeoutSeconds * 1000}),
      ...(options.controlApi ? {controlApi: options.controlApi} : {}),
    });
    if (!options.json && failedWithConnectionRefused(state, outcome)) {
      const hint = `The API refused connections: often containerd's SystemdCgroup disagrees with the kubelet. ha-wizard doctor --plan ${dir} checks that first.`;
      if (io.interactive && !options.yes && (await askYesNo(`${hint} Run it now?`))) {
        const {runDoctor} = await import('./doctor.js');
        await runDoctor(
          {
            plan: dir,
            ...(options.knownHosts === undefined ? {} : {knownHosts: options.knownHosts}),
            ...(options.identity === undefined ? {} : {identity: options.identity}),
            ...(options.sshUser === undefined ? {} : {sshUser: options.sshUser}),
          },
          io,
        );
      } else io.stderr(hint);
    }
    if (options.json) io.stdout(jsonSummary(outcome, state));
    else if (outcome.aborted)
      io.stderr(`Stopped; what was done is saved. Go on with: ha-wizard apply ${dir} --resume`);
    return outcome.ok ? 0 : outcome.aborted ? 130 : 1;
  } finally {
    if (ticker) clearInterval(ticker);
  }
};
