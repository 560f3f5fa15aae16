// The saved state of a cluster's run (issue 4): one `conf` store per cluster
// name under the state directory, written atomically (conf writes through
// `atomically`) after every step, mode 0600. It holds the plan, how far the
// run got and when; never a secret (join material is minted again from the
// first control plane on resume, and every string in it came through the
// engine's redaction).
import type Conf from 'conf';
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {InputError} from '../core/errors.js';
import type {Plan} from '../core/plan/types.js';
import type {RunEvent} from '../core/run/events.js';
import {parseChanges, recordChange, type RecordedChange} from '../core/run/changes.js';
import {initialProgress, recordProgress, type RunProgress} from '../core/run/progress.js';

/** Bumped when the shape changes; an older wizard refuses a newer file instead of misreading it. */
export const runStateSchema = 1;

export interface SavedRun extends RunProgress {
  readonly schemaVersion: number;
  readonly clusterName: string;
  readonly plan: Plan;
  /** The folder the plan was applied from (`ha-wizard apply DIR`), for the resume hint. */
  readonly planDir?: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** The wizard's process, while it runs (a lock of its own guards against two at once). */
  readonly pid?: number;
  /**
   * What every run of this cluster changed on its hosts and what was there
   * before, for `ha-wizard reset` (optional: a file written before it existed
   * has none, and reset then undoes what it can recognise).
   */
  readonly changes?: readonly RecordedChange[];
}

export const clustersDir = (stateDir: string) => join(stateDir, 'clusters');

// Cluster names are DNS-1123 labels once validated; this keeps a hand-edited one inside the folder.
export const clusterFileName = (clusterName: string) =>
  clusterName.replace(/[^a-z0-9.-]/gi, '_') || '_';

// conf (with its schema validator) loads only when a run writes: the wizard
// reads saved runs at start-up, and that must not cost it its first frame.
const open = async (stateDir: string, clusterName: string) => {
  const {default: ConfStore} = await import('conf');
  return new ConfStore<Record<string, unknown>>({
    cwd: clustersDir(stateDir),
    configName: clusterFileName(clusterName),
    configFileMode: 0o600,
    // A damaged file is the user's record of a half-built cluster: say so, never wipe it.
    clearInvalidConfig: false,
  });
};

const unreadable = (path: string, why: string) =>
  new InputError(
    `The saved run ${path} cannot be read (${why})`,
    'Move it away to start afresh (the hosts keep what was done; every phase checks them again), or restore it from a backup.',
  );

/** The saved run of this cluster, or undefined when there is none. Read as conf wrote it. */
export const readSavedRun = (stateDir: string, clusterName: string): SavedRun | undefined => {
  const path = savedRunPath(stateDir, clusterName);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw unreadable(path, code ?? 'error');
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw unreadable(path, error instanceof Error ? error.message : 'not JSON');
  }
  if (typeof data !== 'object' || data === null || Object.keys(data).length === 0) return undefined;
  const version = data['schemaVersion'];
  if (typeof version !== 'number') throw unreadable(path, 'it has no schemaVersion');
  if (version > runStateSchema)
    throw new InputError(
      `The saved run ${path} was written by a newer ha-wizard (state version ${version}, this one reads ${runStateSchema})`,
      'Update ha-wizard (npx ha-wizard@latest) to resume it.',
    );
  if (typeof data['clusterName'] !== 'string' || typeof data['plan'] !== 'object')
    throw unreadable(path, 'it has no plan');
  return data as unknown as SavedRun;
};

export const savedRunPath = (stateDir: string, clusterName: string) =>
  join(clustersDir(stateDir), `${clusterFileName(clusterName)}.json`);

/** Names of the clusters with a readable saved run, sorted. */
export const savedClusters = (stateDir: string): string[] =>
  savedRuns(stateDir)
    .map((saved) => saved.clusterName)
    .sort();

/** Forgets the saved run (after a reset, or a start over): the file goes, nothing of it stays. */
export const forgetSavedRun = (stateDir: string, clusterName: string) => {
  rmSync(savedRunPath(stateDir, clusterName), {force: true});
};

export interface RunRecorder {
  readonly event: (event: RunEvent) => void;
  readonly path: string;
}

/** Starts saving a run of `plan`: the plan now, then progress after every step. */
export const recordRun = async (
  stateDir: string,
  plan: Plan,
  options: {readonly planDir?: string; readonly now: () => Date},
): Promise<RunRecorder> => {
  const store: Conf<Record<string, unknown>> = await open(stateDir, plan.clusterName);
  const startedAt = options.now().toISOString();
  let progress: RunProgress = initialProgress;
  // A resume or a re-run starts a new record of progress, but what the hosts
  // had before the FIRST run stays: reset needs it.
  const earlier = store.store;
  let changes: readonly RecordedChange[] =
    earlier['clusterName'] === plan.clusterName ? parseChanges(earlier['changes']) : [];
  const save = () => {
    const saved: SavedRun = {
      schemaVersion: runStateSchema,
      clusterName: plan.clusterName,
      plan,
      ...(options.planDir === undefined ? {} : {planDir: options.planDir}),
      startedAt,
      updatedAt: options.now().toISOString(),
      ...(progress.status === 'running' ? {pid: process.pid} : {}),
      ...progress,
      // Always written, empty too: "nothing changed yet" is not "no record" (an older wizard's file).
      changes,
    };
    store.store = saved as unknown as Record<string, unknown>;
  };
  save();
  return {
    path: store.path,
    event: (event) => {
      const next = recordProgress(progress, event);
      const nextChanges = recordChange(changes, event);
      if (next === undefined && nextChanges === changes) return;
      if (next !== undefined) progress = next;
      changes = nextChanges;
      save();
    },
  };
};

/** Every saved run that can be read, newest first (a file it cannot read is left alone here). */
export const savedRuns = (stateDir: string): SavedRun[] => {
  let files: string[];
  try {
    files = readdirSync(clustersDir(stateDir)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .flatMap((name) => {
      try {
        const saved = readSavedRun(stateDir, name.slice(0, -'.json'.length));
        return saved ? [saved] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
};

/**
 * Saved runs that did not finish, newest first: what the wizard offers to
 * resume when it starts (apply on a cluster whose file is damaged names the problem).
 */
export const unfinishedRuns = (stateDir: string): SavedRun[] =>
  savedRuns(stateDir).filter((saved) => saved.status !== 'finished');

/** The saved record of changes: undefined for a run saved before reset existed (no record). */
export const savedChanges = (saved: SavedRun | undefined): RecordedChange[] | undefined =>
  saved === undefined || saved.changes === undefined ? undefined : parseChanges(saved.changes);
