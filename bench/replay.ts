// The baseline of the orchestration bench: the commands a wizard run sent,
// recorded at the Host boundary with their timing, then issued again by the
// simplest possible client (one ssh2 connection per host, opened on first use,
// each command line written as is, no events, no UI, no state) in the same
// order: a command starts as soon as every command and wait that had ended
// before it started in the wizard's run has ended in the replay. That is the
// critical path of what the run had to do, with the wizard's own time taken out.
import type {Client} from 'ssh2';
import type {ExecOptions, ExecResult, Host} from '../source/engine/host/host.js';
import {CommandHost} from '../source/engine/host/files.js';
import {remoteCommandLine} from '../source/engine/host/command-line.js';
import {LocalHost} from '../source/engine/host/local-host.js';
import {abortableSleep} from '../source/engine/runner.js';
import type {LabState} from '../test/lab/lab.js';
import {connect} from '../test/lab/ssh.js';

export interface Step {
  /** The wizard's phase it belonged to (bench/lab.ts fills it in from the run's events). */
  phase?: string;
  readonly at: number;
  readonly end: number;
  /** The host a command ran on; undefined for a wait between polls. */
  readonly host?: string;
  readonly argv?: readonly string[];
  readonly sudo?: boolean;
  readonly stdin?: string | Buffer;
  readonly waitMs?: number;
  readonly code?: number | null;
}

/** A Host that records every command (file reads and writes are commands too) into `steps`. */
class RecordingHost extends CommandHost {
  readonly name: string;
  constructor(
    private readonly inner: Host,
    private readonly steps: Step[],
  ) {
    super();
    this.name = inner.name;
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const at = performance.now();
    const step = {
      at,
      host: this.name,
      argv,
      sudo: options.sudo === true,
      ...(options.stdin === undefined ? {} : {stdin: options.stdin}),
    };
    try {
      const result = await this.inner.exec(argv, options);
      this.steps.push({...step, end: performance.now(), code: result.code});
      return result;
    } catch (error) {
      this.steps.push({...step, end: performance.now(), code: null});
      throw error;
    }
  }

  close() {
    return this.inner.close();
  }
}

/** What executePlan's wrapHost and sleep need to record a run into `steps`. */
export const recorder = (steps: Step[]) => ({
  wrapHost: (host: Host): Host => new RecordingHost(host, steps),
  sleep: async (ms: number, signal: AbortSignal) => {
    const at = performance.now();
    await abortableSleep(ms, signal);
    steps.push({at, end: performance.now(), waitMs: ms});
  },
});

const remoteExec = (client: Client, line: string, stdin: string | Buffer | undefined) =>
  new Promise<number | null>((resolve, reject) => {
    client.exec(line, (error, channel) => {
      if (error) return reject(error);
      let code: number | null = null;
      channel.on('exit', (exitCode: number | null) => (code = exitCode));
      channel.on('close', () => resolve(code));
      channel.on('data', () => {});
      channel.stderr.on('data', () => {});
      channel.end(stdin);
    });
  });

export interface Replay {
  readonly wallMs: number;
  readonly commands: number;
  /** Commands whose exit code in the replay was the one they had in the wizard's run. */
  readonly sameExitCode: number;
  /** Per phase: from its first step's start to its last step's end, in the replay. */
  readonly phaseMs: ReadonlyMap<string, number>;
}

/**
 * Issues `steps` again against the lab `state` (a fresh lab in the state the
 * recorded run started from); commands of the machine the wizard ran on run
 * here, as they did.
 */
export const replay = async (steps: readonly Step[], state: LabState): Promise<Replay> => {
  const clients = new Map<string, Promise<Client>>();
  const local = new Map<string, LocalHost>();
  const run = async (step: Step): Promise<number | null | undefined> => {
    if (step.waitMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, step.waitMs));
      return undefined;
    }
    const host = step.host ?? '';
    if (state.details.some((d) => d.name === host)) {
      if (!clients.has(host)) clients.set(host, connect(state, host));
      const client = await (clients.get(host) as Promise<Client>);
      const line = remoteCommandLine(step.argv ?? [], step.sudo ? 'non-interactive' : 'none');
      return remoteExec(client, line, step.stdin);
    }
    if (!local.has(host)) local.set(host, new LocalHost({name: host}));
    const result = await (local.get(host) as LocalHost).exec(step.argv ?? [], {
      sudo: step.sudo === true,
      ...(step.stdin === undefined ? {} : {stdin: step.stdin}),
    });
    return result.code;
  };

  const byStart = [...steps].sort((a, b) => a.at - b.at);
  const byEnd = [...byStart.keys()].sort(
    (a, b) => (byStart[a] as Step).end - (byStart[b] as Step).end,
  );
  const codes: Array<number | null | undefined> = [];
  const spans = new Map<string, {at: number; end: number}>();
  const done: Array<Promise<void>> = [];
  // ended[k]: the first k steps by end time have all ended in the replay.
  const ended: Array<Promise<void>> = [Promise.resolve()];
  const t0 = performance.now();
  let k = 0;
  for (const [i, step] of byStart.entries()) {
    // Steps are started in start order, so every step that ended before this one started is known.
    while (k < byEnd.length && (byStart[byEnd[k] as number] as Step).end <= step.at) {
      const index = byEnd[k] as number;
      const previous = ended[k] as Promise<void>;
      ended.push(Promise.all([previous, done[index]]).then(() => {}));
      k++;
    }
    done[i] = (ended[k] as Promise<void>).then(async () => {
      const at = performance.now();
      codes[i] = await run(step);
      if (step.phase === undefined) return;
      const span = spans.get(step.phase) ?? {at, end: at};
      spans.set(step.phase, {
        at: Math.min(span.at, at),
        end: Math.max(span.end, performance.now()),
      });
    });
  }
  await Promise.all(done);
  const wallMs = performance.now() - t0;
  for (const client of clients.values()) (await client).end();
  const commands = byStart.filter((step) => step.waitMs === undefined);
  return {
    wallMs,
    commands: commands.length,
    sameExitCode: byStart.filter((step, i) => step.waitMs === undefined && codes[i] === step.code)
      .length,
    phaseMs: new Map([...spans].map(([phase, span]) => [phase, span.end - span.at])),
  };
};
