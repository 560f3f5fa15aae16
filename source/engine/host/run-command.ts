// One exec, whatever carries it: the ssh2 and local adapters only start a
// process; sudo, stdin, streaming, timeouts and aborts are handled here once,
// so both adapters behave the same.
import {StringDecoder} from 'node:string_decoder';
import {quoteCommand} from '../../core/remote/quote.js';
import {
  commandArgv,
  sudoPrompt,
  sudoReadyMarker,
  sudoWantsPassword,
  type SudoMode,
} from './command-line.js';
import {
  connectionLostHint,
  HostError,
  sudoPasswordMessage,
  type ExecOptions,
  type ExecResult,
} from './host.js';

export interface Exit {
  readonly code: number | null;
  readonly signal?: string;
  /** Stopping it was not confirmed (the server kept the command's channel open): it may still run. */
  readonly unconfirmed?: boolean;
}

/** A started command, as an adapter hands it over. */
export interface Started {
  writeStdin(data: string | Buffer): void;
  endStdin(): void;
  /** Stop the command: TERM, then KILL after a grace period; `done` settles afterwards. */
  kill(): void;
  /** Resolves with the exit; rejects (with a plain Error naming the cause) when the connection dropped. */
  readonly done: Promise<Exit>;
}

export interface OutputSink {
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
}

export type Start = (argv: readonly string[], sink: OutputSink) => Promise<Started>;

/**
 * The sudo password of one host, asked for at most once and kept in memory only
 * (never logged, never on a command line: it goes to `sudo -S` on stdin).
 */
export class SudoPassword {
  #password: string | undefined;
  #asking: Promise<string | undefined> | undefined;
  constructor(
    private readonly host: string,
    private readonly ask?: (host: string) => Promise<string | undefined>,
  ) {}

  get known(): string | undefined {
    return this.#password;
  }

  /** The password, asking once even when many commands need it at the same moment. */
  async obtain(): Promise<string> {
    if (this.#password !== undefined) return this.#password;
    if (this.ask === undefined)
      throw new HostError('sudo-password', this.host, sudoPasswordMessage(this.host));
    this.#asking ??= this.ask(this.host);
    const answer = await this.#asking;
    this.#asking = undefined;
    if (answer === undefined || answer === '')
      throw new HostError('sudo-password', this.host, sudoPasswordMessage(this.host));
    this.#password = answer;
    return answer;
  }

  forget(): void {
    this.#password = undefined;
  }
}

export interface CommandContext {
  readonly host: string;
  readonly start: Start;
  /** False when sudo is pointless (the local adapter running as root). */
  readonly sudoNeeded: boolean;
  readonly sudoPassword: SudoPassword;
}

/** The command as people read it in an error: the caller's argv, never sudo's plumbing. */
export const displayCommand = (argv: readonly string[], sudo: boolean | undefined) =>
  `${sudo ? 'sudo ' : ''}${quoteCommand(argv)}`;

export const runCommand = async (
  context: CommandContext,
  argv: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> => {
  if (!options.sudo || !context.sudoNeeded) return attempt(context, argv, 'none', options);
  const known = context.sudoPassword.known;
  if (known !== undefined) return attempt(context, argv, 'password', options, known);
  const first = await attempt(context, argv, 'non-interactive', options);
  if (!sudoWantsPassword(first.code, first.stderr)) return first;
  // sudo refused before running anything, so running it again is safe.
  const password = await context.sudoPassword.obtain();
  return attempt(context, argv, 'password', options, password);
};

const attempt = async (
  context: CommandContext,
  argv: readonly string[],
  mode: SudoMode,
  options: ExecOptions,
  password?: string,
): Promise<ExecResult> => {
  const {host} = context;
  const command = displayCommand(argv, options.sudo);
  const fail = (
    kind: 'timeout' | 'aborted' | 'connection-lost',
    message: string,
    cause?: unknown,
  ) =>
    new HostError(kind, host, message, {
      command,
      cause,
      ...(kind === 'connection-lost' ? {hint: connectionLostHint(host)} : {}),
    });
  if (options.signal?.aborted) throw fail('aborted', `\`${command}\` on ${host} was cancelled`);

  let stdout = '';
  let stderr = '';
  const decoders = {stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8')};
  const emitStdout = (text: string) => {
    if (text === '') return;
    stdout += text;
    options.onOutput?.('stdout', text);
  };
  const emitStderr = (text: string) => {
    if (text === '') return;
    stderr += text;
    options.onOutput?.('stderr', text);
  };

  // In password mode stderr is held back until sudo has let us in: it holds
  // sudo's prompt, which we answer, and nothing of the command's yet.
  let gate = mode === 'password';
  let held = '';
  let prompts = 0;
  let refused = false;
  let started: Started | undefined;
  const sendStdin = () => {
    if (options.stdin !== undefined && options.stdin.length > 0) started?.writeStdin(options.stdin);
    started?.endStdin();
  };
  const onGatedStderr = (text: string) => {
    held += text;
    for (;;) {
      const promptAt = held.indexOf(sudoPrompt);
      const markerAt = held.indexOf(`${sudoReadyMarker}\n`);
      if (markerAt !== -1 && (promptAt === -1 || markerAt < promptAt)) {
        gate = false;
        const rest = held.slice(markerAt + sudoReadyMarker.length + 1);
        held = '';
        sendStdin();
        emitStderr(rest);
        return;
      }
      if (promptAt === -1) return;
      held = held.slice(0, promptAt) + held.slice(promptAt + sudoPrompt.length);
      prompts += 1;
      if (prompts === 1 && password !== undefined) {
        started?.writeStdin(`${password}\n`);
      } else {
        // Asked again: the password was wrong. Stop rather than guess.
        refused = true;
        started?.kill();
        return;
      }
    }
  };

  const sink: OutputSink = {
    onStdout: (chunk) => emitStdout(decoders.stdout.write(chunk)),
    onStderr: (chunk) => {
      const text = decoders.stderr.write(chunk);
      if (gate) onGatedStderr(text);
      else emitStderr(text);
    },
  };

  let stopReason: 'timeout' | 'aborted' | undefined;
  const stop = (reason: 'timeout' | 'aborted') => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    started?.kill();
  };
  const onAbort = () => stop('aborted');
  options.signal?.addEventListener('abort', onAbort, {once: true});
  let timer: NodeJS.Timeout | undefined;
  try {
    started = await context.start(commandArgv(argv, mode), sink);
    if (options.signal?.aborted) stop('aborted');
    if (options.timeoutMs !== undefined)
      timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    if (!gate) sendStdin();
    let exit: Exit;
    try {
      exit = await started.done;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw fail(
        'connection-lost',
        `lost the connection to ${host} while running \`${command}\`: ${why}`,
        error,
      );
    }
    emitStdout(decoders.stdout.end());
    const tail = decoders.stderr.end();
    if (gate) onGatedStderr(tail);
    else emitStderr(tail);
    if (stopReason === 'timeout') {
      const seconds = (options.timeoutMs ?? 0) / 1000;
      throw fail(
        'timeout',
        exit.unconfirmed
          ? `\`${command}\` on ${host} did not finish within ${seconds} s, and its SSH server did not let it be stopped: it may still be running there`
          : `\`${command}\` on ${host} did not finish within ${seconds} s and was stopped`,
      );
    }
    if (stopReason === 'aborted') throw fail('aborted', `\`${command}\` on ${host} was cancelled`);
    if (refused) {
      context.sudoPassword.forget();
      throw new HostError(
        'sudo-password',
        host,
        `sudo on ${host} refused the password it was given; enter it again or give the SSH user passwordless sudo`,
        {command},
      );
    }
    // sudo itself failed before our marker (e.g. not in sudoers): its words are the stderr.
    if (gate) stderr += held.replaceAll('Sorry, try again.\n', '');
    return {
      code: exit.code,
      ...(exit.signal === undefined ? {} : {signal: exit.signal}),
      stdout,
      stderr,
    };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
};
