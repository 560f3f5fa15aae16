// The Host port for the machine the wizard runs on, when it is one of the
// nodes: child processes started from argv (no shell in between), sudo only
// when not already root.
import {spawn} from 'node:child_process';
import {CommandHost} from './files.js';
import {HostError, type ExecOptions, type ExecResult} from './host.js';
import {runCommand, SudoPassword, type Exit, type Start} from './run-command.js';

export interface LocalHostOptions {
  readonly name: string;
  readonly askSudoPassword?: (host: string) => Promise<string | undefined>;
  /** Grace between TERM and KILL when a command is stopped. */
  readonly killGraceMs?: number;
}

export class LocalHost extends CommandHost {
  readonly name: string;
  readonly #sudo: SudoPassword;
  readonly #root = process.getuid?.() === 0;

  constructor(private readonly options: LocalHostOptions) {
    super();
    this.name = options.name;
    this.#sudo = new SudoPassword(options.name, options.askSudoPassword);
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return runCommand(
      {host: this.name, start: this.#start, sudoNeeded: !this.#root, sudoPassword: this.#sudo},
      argv,
      options,
    );
  }

  async close(): Promise<void> {}

  readonly #start: Start = (argv, sink) =>
    new Promise((resolve, reject) => {
      const [file, ...args] = argv;
      if (file === undefined) throw new Error('empty command');
      const child = spawn(file, args, {stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true});
      let killTimer: NodeJS.Timeout | undefined;
      const done = new Promise<Exit>((resolveExit) => {
        child.on('close', (code, signal) => {
          if (killTimer) clearTimeout(killTimer);
          resolveExit(signal ? {code: null, signal: signal.replace(/^SIG/, '')} : {code});
        });
      });
      child.stdout.on('data', (chunk: Buffer) => sink.onStdout(chunk));
      child.stderr.on('data', (chunk: Buffer) => sink.onStderr(chunk));
      // A command that exits without reading its stdin must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new HostError(
            'command',
            this.name,
            error.code === 'ENOENT'
              ? `${file} is not installed on ${this.name}`
              : `cannot run ${file} on ${this.name}: ${error.message}`,
            {cause: error},
          ),
        ),
      );
      child.once('spawn', () =>
        resolve({
          writeStdin: (data) => {
            child.stdin.write(data);
          },
          endStdin: () => {
            child.stdin.end();
          },
          kill: () => {
            // sudo relays TERM to its command; KILL would orphan it, so it comes last.
            child.kill('SIGTERM');
            killTimer ??= setTimeout(() => child.kill('SIGKILL'), this.options.killGraceMs ?? 2000);
          },
          done,
        }),
      );
    });
}
