// Running a plan on its hosts: what `ha-wizard apply` and the TUI's Run screen
// share. Hosts come from the plan (SSH, or this machine when it is a node),
// every event goes to the redacting run log and to the caller's view, and an
// unknown host key becomes a question event answered by whichever view asks.
import type {Plan} from '../core/plan/types.js';
import type {RunEvent, RunOutcome} from '../core/run/events.js';
import type {ControlApiConfig} from './control/control-api.js';
import {hostFactory} from './connect.js';
import {LocalHost} from './host/local-host.js';
import {loadSshEnvironment} from './host/ssh-environment.js';
import {kubeconfigPath, localUser, stateDir} from './paths.js';
import type {RecordedChange} from '../core/run/changes.js';
import {phases} from './phases/index.js';
import type {Phase} from './phases/phase.js';
import type {Host} from './host/host.js';
import {resetPhases} from './reset/index.js';
import {openRunLog} from './run-log.js';
import {runPhases} from './runner.js';
import {lockCluster, type ReleaseLock} from './run-lock.js';
import {recordRun} from './run-store.js';
import {SecretStore} from './secrets.js';

export interface HostKeyQuestion {
  readonly id: string;
  readonly host: string;
  readonly fingerprint: string;
  readonly message: string;
}

export interface ExecuteOptions {
  readonly onEvent: (event: RunEvent) => void;
  /** DOMAIN.md "Safety rules": first contact shows the fingerprint and asks. */
  readonly answerHostKey: (question: HostKeyQuestion) => Promise<boolean>;
  readonly signal: AbortSignal;
  readonly now: Date;
  readonly knownHostsFile?: string;
  /** Overrides of the plan's access, for every node (--ssh-user, --identity). */
  readonly user?: string;
  readonly identityFile?: string;
  readonly acceptNewHostKeys?: boolean;
  /** The folder the plan came from, saved with the run for the resume hint. */
  readonly planDir?: string;
  /** The cluster's lock when the caller already took it (to ask about resuming first). */
  readonly lock?: ReleaseLock;
  /**
   * Watching a run from outside (bench/orchestration.ts records every command and
   * wait to replay them): each node's Host and the workstation's go through it.
   */
  readonly wrapHost?: (host: Host) => Host;
  /** `apply --command-timeout`: the limit of every command without a longer one of its own. */
  readonly commandTimeoutMs?: number;
  /** The control server's API for route approval (apply --headscale-api-key-file / --tailscale-api-key-file). */
  readonly controlApi?: ControlApiConfig;
  /** The runner's waits between polls; default a real, abortable timer. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const executePlan = async (plan: Plan, options: ExecuteOptions): Promise<RunOutcome> => {
  // A lock the caller took stays the caller's to release (a start over holds it through reset and run).
  const release = options.lock ? undefined : lockCluster(stateDir(), plan.clusterName, options.now);
  try {
    return await executeLocked(plan, options, {phases, keepGoing: false, record: true});
  } finally {
    release?.();
  }
};

/**
 * `ha-wizard reset` on the plan's hosts: the undo list (reset/index.ts) with
 * the saved run's record of previous values, every host it can reach. The
 * saved run is left as it is (the caller forgets it once all was undone), so
 * an interrupted reset still knows the previous values next time.
 */
export const executeReset = async (
  plan: Plan,
  changes: readonly RecordedChange[] | undefined,
  options: ExecuteOptions,
): Promise<RunOutcome> => {
  const release = options.lock ? undefined : lockCluster(stateDir(), plan.clusterName, options.now);
  try {
    return await executeLocked(plan, options, {
      phases: resetPhases(changes),
      keepGoing: true,
      record: false,
    });
  } finally {
    release?.();
  }
};

const executeLocked = async (
  plan: Plan,
  options: ExecuteOptions,
  how: {readonly phases: readonly Phase[]; readonly keepGoing: boolean; readonly record: boolean},
): Promise<RunOutcome> => {
  const secrets = new SecretStore();
  // The control server's API key: redacted wherever it could surface, like join material.
  if (options.controlApi) secrets.add(options.controlApi.key);
  const log = openRunLog(stateDir(), secrets, options.now);
  const saved = how.record
    ? await recordRun(stateDir(), plan, {
        ...(options.planDir === undefined ? {} : {planDir: options.planDir}),
        now: () => new Date(),
      })
    : undefined;
  const emit = (event: RunEvent) => {
    log.event(event);
    saved?.event(event);
    options.onEvent(event);
  };
  let questions = 0;
  const confirmNewHostKey = async (host: string, fingerprint: string): Promise<boolean> => {
    const question = {
      id: `host-key-${++questions}`,
      host,
      fingerprint,
      message: `${host}'s SSH host key is not known yet: ${fingerprint}. Trust it?`,
    };
    emit({type: 'question', at: Date.now(), kind: 'host-key', ...question});
    const accepted = options.signal.aborted ? false : await options.answerHostKey(question);
    emit({type: 'question-answered', at: Date.now(), id: question.id, accepted});
    return accepted;
  };
  try {
    const wrap = options.wrapHost ?? ((host: Host) => host);
    const connect = hostFactory(plan, {
      environment: await loadSshEnvironment(
        options.knownHostsFile === undefined ? {} : {knownHostsFile: options.knownHostsFile},
      ),
      ...(options.user === undefined ? {} : {user: options.user}),
      ...(options.identityFile === undefined ? {} : {identityFile: options.identityFile}),
      acceptNewHostKeys: options.acceptNewHostKeys === true,
      confirmNewHostKey,
      // Hosts connect on first use, which is preflight's first command.
      onTailscaleCheck: (host, url) =>
        emit({
          type: 'waiting',
          at: Date.now(),
          phase: 'preflight',
          host,
          message: `Tailscale SSH on ${host} is in "check" mode: open this link and log in, and the connection goes on by itself (or change the policy's SSH rule for the nodes from "check" to "accept").`,
          links: [url],
        }),
      onTailscaleCheckDone: () => emit({type: 'waiting-over', at: Date.now(), phase: 'preflight'}),
    });
    return await runPhases({
      plan,
      phases: how.phases,
      keepGoing: how.keepGoing,
      hostFactory: (node) => wrap(connect(node)),
      workstation: wrap(new LocalHost({name: localUser()})),
      ...(options.sleep ? {sleep: options.sleep} : {}),
      ...(options.commandTimeoutMs === undefined
        ? {}
        : {commandTimeoutMs: options.commandTimeoutMs}),
      workstationKubeconfig: kubeconfigPath(),
      ...(options.controlApi ? {controlApi: options.controlApi} : {}),
      onEvent: emit,
      signal: options.signal,
      secrets,
      logPath: log.path,
    });
  } finally {
    log.close();
  }
};
