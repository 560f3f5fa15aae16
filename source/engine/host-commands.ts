// What a phase holds to act on one host: commands, file reads and writes,
// each logged as output events (redacted by the runner's emit), failures
// turned into StepErrors, and every change counted. It is the one guard every
// remote mutation goes through (aesthetics habit 4): `mutates` marks the step
// as having changed something, which is how a second apply can say
// "nothing needed changing".
import {defaults} from '../core/plan/defaults.js';
import {quoteCommand} from '../core/remote/quote.js';
import type {
  ExecResult,
  Host,
  ReadFileOptions,
  WriteFileOptions,
  WriteFileResult,
} from './host/host.js';
import {StepError, tailLines} from './step-error.js';

export interface RunCommandOptions {
  readonly sudo?: boolean;
  /** Sent on stdin; never logged (it carries join material). */
  readonly stdin?: string;
  readonly timeoutMs?: number;
  /** The command changes the host (the step then counts as `changed`). */
  readonly mutates?: boolean;
  /** Resolve for any exit code instead of throwing a StepError. */
  readonly allowFailure?: boolean;
  /** Shown with the failure: what to try (read from the failed command's result when a function). */
  readonly suggestion?: string | ((result: ExecResult) => string);
  /** Don't log stdout line by line (large JSON). */
  readonly quiet?: boolean;
}

export type OutputSink = (stream: 'stdout' | 'stderr' | 'command', line: string) => void;

// Common exit codes whose fix is obvious whatever the command.
const defaultSuggestion = (argv: readonly string[], code: number | null): string | undefined =>
  code === 127
    ? `${argv[0]} is not installed on this host (or not on PATH); install it and run ha-wizard apply again.`
    : undefined;

const lineSplitter = (emit: (line: string) => void) => {
  let partial = '';
  return {
    push(chunk: string) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) emit(part.replace(/\r$/, ''));
    },
    flush() {
      if (partial !== '') emit(partial);
      partial = '';
    },
  };
};

export class HostCommands {
  #changed = false;

  constructor(
    readonly host: Host,
    private readonly output: OutputSink,
    private readonly signal: AbortSignal,
    /** The limit of every command without a longer one of its own (a wedged tailscaled must not stall the run). */
    private readonly commandTimeoutMs: number = defaults.commandTimeoutSeconds * 1000,
    /**
     * The absolute path to call a command by, when it lives where sudo's
     * secure_path does not look (/usr/local/bin on the RHEL family).
     */
    private readonly commandPath: (command: string) => string | undefined = () => undefined,
  ) {}

  get name(): string {
    return this.host.name;
  }

  /** Whether anything on this host changed through this object. */
  get changed(): boolean {
    return this.#changed;
  }

  async run(command: readonly string[], options: RunCommandOptions = {}): Promise<ExecResult> {
    const [name = '', ...rest] = command;
    const path = this.commandPath(name);
    const argv = path === undefined ? command : [path, ...rest];
    const line = quoteCommand(argv);
    this.output('command', options.sudo ? `sudo ${line}` : line);
    if (options.mutates) this.#changed = true;
    const out = lineSplitter((text) => this.output('stdout', text));
    const err = lineSplitter((text) => this.output('stderr', text));
    const result = await this.host.exec(argv, {
      signal: this.signal,
      ...(options.sudo ? {sudo: true} : {}),
      ...(options.stdin === undefined ? {} : {stdin: options.stdin}),
      timeoutMs: Math.max(options.timeoutMs ?? 0, this.commandTimeoutMs),
      onOutput: (stream, chunk) => {
        if (stream === 'stderr') err.push(chunk);
        else if (!options.quiet) out.push(chunk);
      },
    });
    out.flush();
    err.flush();
    if (result.code !== 0 && !options.allowFailure) {
      const suggestion =
        typeof options.suggestion === 'function'
          ? options.suggestion(result)
          : (options.suggestion ?? defaultSuggestion(argv, result.code));
      throw new StepError({
        message: `${argv.slice(0, 3).join(' ')} failed on ${this.name} (${
          result.code === null ? `killed by SIG${result.signal ?? '?'}` : `exit code ${result.code}`
        })`,
        command: options.sudo ? `sudo ${line}` : line,
        exitCode: result.code,
        stderrTail: tailLines(result.stderr.trim() === '' ? result.stdout : result.stderr),
        ...(suggestion === undefined ? {} : {suggestion}),
      });
    }
    return result;
  }

  async read(path: string, options: ReadFileOptions = {}): Promise<string | undefined> {
    this.output('command', `read ${path}`);
    return this.host.readFile(path, options);
  }

  /** Write when different (backed up, atomic); true when the file changed. */
  async write(path: string, content: string, options: WriteFileOptions = {}): Promise<boolean> {
    return (await this.writeFile(path, content, options)).changed;
  }

  /** As `write`, with where the old file was backed up. */
  async writeFile(
    path: string,
    content: string,
    options: WriteFileOptions = {},
  ): Promise<WriteFileResult> {
    const result = await this.host.writeFile(path, content, options);
    this.output(
      'command',
      result.changed
        ? `wrote ${path}${result.backupPath ? ` (backup ${result.backupPath})` : ''}`
        : `${path} already up to date`,
    );
    if (result.changed) this.#changed = true;
    return result;
  }
}
