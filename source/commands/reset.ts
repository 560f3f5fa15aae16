// `ha-wizard reset [CLUSTER]` (issue 4, "Start over / reset"): undoes on
// every host what the wizard did, after asking once with the full list, with
// progress per host from the same events and line reporter as apply. Also
// the first half of `ha-wizard apply DIR --start-over`.
import {InputError} from '../core/errors.js';
import {plainStyle} from '../core/style.js';
import type {Plan} from '../core/plan/types.js';
import {describeReset} from '../core/reset/undo.js';
import type {RecordedChange} from '../core/run/changes.js';
import type {RunEvent} from '../core/run/events.js';
import {executeReset} from '../engine/execute.js';
import {stateDir} from '../engine/paths.js';
import {formatEvent} from '../engine/reporters/line.js';
import {lockCluster, type ReleaseLock} from '../engine/run-lock.js';
import {
  forgetSavedRun,
  readSavedRun,
  savedChanges,
  savedClusters,
  savedRunPath,
  type SavedRun,
} from '../engine/run-store.js';
import {askYesNo, loadPlan, sshAccess, type HostCommandIo} from './shared.js';

export interface ResetOptions {
  readonly yes?: boolean;
  readonly knownHosts?: string;
  readonly identity?: string;
  readonly sshUser?: string;
  readonly acceptNewHostKeys?: boolean;
  /** The plan's folder: the hosts when there is no saved run. */
  readonly plan?: string;
}

/** Which cluster to reset: the one named, the plan's, or the only one with a saved run. */
const chooseCluster = async (
  cluster: string | undefined,
  options: ResetOptions,
): Promise<{plan: Plan; saved: SavedRun | undefined}> => {
  if (options.plan !== undefined) {
    const plan = await loadPlan(options.plan);
    if (cluster !== undefined && cluster !== plan.clusterName)
      throw new InputError(
        `The plan in ${options.plan} is for cluster ${plan.clusterName}, not ${cluster}.`,
        `Leave out the cluster name, or give the plan of ${cluster}.`,
      );
    return {plan, saved: readSavedRun(stateDir(), plan.clusterName)};
  }
  let name = cluster;
  if (name === undefined) {
    const names = savedClusters(stateDir());
    if (names.length !== 1)
      throw new InputError(
        names.length === 0
          ? 'There is no saved run of any cluster here, so reset does not know the hosts.'
          : `There are saved runs of ${names.length} clusters (${names.join(', ')}): which one?`,
        names.length === 0
          ? 'Give the plan the cluster was built from: ha-wizard reset --plan DIR'
          : `Name it: ha-wizard reset ${names[0]}`,
      );
    name = names[0]!;
  }
  const saved = readSavedRun(stateDir(), name);
  if (saved === undefined)
    throw new InputError(
      `There is no saved run of cluster ${name} (${savedRunPath(stateDir(), name)}), so reset does not know its hosts.`,
      'Give the plan it was built from: ha-wizard reset --plan DIR',
    );
  return {plan: saved.plan, saved};
};

/**
 * Shows the full list, asks once (unless `confirmed`), undoes it on every host
 * and forgets the saved run when everything was undone. Exit code: 0 all
 * undone, 1 something was not (named), 130 stopped.
 */
export const resetCluster = async (
  plan: Plan,
  changes: readonly RecordedChange[] | undefined,
  options: ResetOptions & {readonly confirmed: boolean},
  io: HostCommandIo,
  lock: ReleaseLock,
): Promise<number> => {
  for (const line of describeReset(plan, changes)) io.stderr(line);
  if (!options.confirmed && !options.yes) {
    if (!io.interactive)
      throw new InputError(
        `ha-wizard reset changes every host of cluster ${plan.clusterName}; it asks first, and there is no terminal to ask on.`,
        'Add --yes to go ahead without the question.',
      );
    if (!(await askYesNo('Undo all of this?')))
      throw new InputError(
        'Nothing was changed: the reset was not confirmed.',
        'Run it again and answer y to undo it, or --yes to skip the question.',
      );
  }
  const warnings: string[] = [];
  const onEvent = (event: RunEvent) => {
    if (event.type === 'notice' && event.level === 'warning')
      warnings.push(`${event.host ?? 'ha-wizard'}: ${event.message}`);
    if (event.type === 'run-finished') return;
    for (const line of formatEvent(event, {style: io.style?.out ?? plainStyle})) io.stdout(line);
  };
  const outcome = await executeReset(plan, changes, {
    onEvent,
    answerHostKey: ({message}) =>
      io.interactive && !options.yes ? askYesNo(message) : Promise.resolve(false),
    signal: io.signal,
    now: io.now,
    ...sshAccess(options),
    lock,
  });
  const log = outcome.summary.logPath;
  if (outcome.aborted) {
    io.stderr('ha-wizard: reset stopped; what was undone stays undone. Run it again to finish.');
    return 130;
  }
  if (!outcome.ok) {
    for (const [index, line] of (outcome.error ?? 'reset failed').split('\n').entries())
      io.stdout(`ha-wizard: ${index === 0 ? 'NOT UNDONE: ' : ''}${line}`);
    io.stdout(
      `ha-wizard: the other hosts are undone. Run ha-wizard reset ${plan.clusterName} again once these are fixed (or reachable): what is undone already is checked and skipped.`,
    );
    if (log !== undefined) io.stdout(`ha-wizard: full log: ${log}`);
    return 1;
  }
  forgetSavedRun(stateDir(), plan.clusterName);
  // What it could not know, once more at the end where people look.
  for (const warning of warnings) io.stdout(`ha-wizard: left: ${warning}`);
  io.stdout(
    outcome.changed
      ? `ha-wizard: every host of cluster ${plan.clusterName} is back as it was before ha-wizard${warnings.length > 0 ? ', except what is left above' : ''}.`
      : `ha-wizard: nothing of cluster ${plan.clusterName} was left on its hosts; nothing needed changing.`,
  );
  if (log !== undefined) io.stdout(`ha-wizard: full log: ${log}`);
  return 0;
};

export const runReset = async (
  cluster: string | undefined,
  options: ResetOptions,
  io: HostCommandIo,
): Promise<number> => {
  const {plan, saved} = await chooseCluster(cluster, options);
  const lock = lockCluster(stateDir(), plan.clusterName, io.now);
  try {
    // Read again under the lock: a run that just finished may have added to it.
    const current = readSavedRun(stateDir(), plan.clusterName) ?? saved;
    return await resetCluster(
      plan,
      savedChanges(current),
      {...options, confirmed: false},
      io,
      lock,
    );
  } finally {
    lock();
  }
};
