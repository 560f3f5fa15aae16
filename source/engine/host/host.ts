// The port every phase talks to a machine through: the ssh2 adapter for
// remote nodes and the local adapter for the node the wizard runs on both
// implement it, so a phase never knows (or cares) which one it drives.
import {InputError} from '../../core/errors.js';

export type OutputStream = 'stdout' | 'stderr';

export interface ExecOptions {
  /** Run as root: `sudo -n -- argv` (or `sudo -S` with a password given once). */
  readonly sudo?: boolean;
  /** Sent to the command's stdin, then stdin is closed. Without it stdin is closed at once. */
  readonly stdin?: string | Buffer;
  /** Kill the command (TERM, then KILL) and throw a HostError of kind `timeout`. */
  readonly timeoutMs?: number;
  /** Abort: kill the command and throw a HostError of kind `aborted`. */
  readonly signal?: AbortSignal;
  /** Output as it arrives, decoded as UTF-8 per stream (never split inside a character). */
  readonly onOutput?: (stream: OutputStream, chunk: string) => void;
}

export interface ExecResult {
  /** The exit code; null when the command died from a signal (see `signal`). */
  readonly code: number | null;
  /** The signal's name without `SIG` (e.g. `TERM`), when it died from one. */
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ReadFileOptions {
  readonly sudo?: boolean;
}

export interface WriteFileOptions {
  readonly sudo?: boolean;
  /** e.g. 0o644. Default: the replaced file's mode, or 0644 for a new file. */
  readonly mode?: number;
  /** `user` or `user:group`. Default: the replaced file's owner, or whoever writes it. */
  readonly owner?: string;
  /** Copy the old file to `PATH.ha-wizard.<timestamp>.bak` (kept) before replacing it. */
  readonly backup?: boolean;
}

export interface WriteFileResult {
  /** False when the file already had this content (and mode and owner): nothing was touched. */
  readonly changed: boolean;
  readonly backupPath?: string;
}

export interface Host {
  /** The name people know the host by (the tailnet's host name); every error names it. */
  readonly name: string;
  /**
   * Runs argv (never a shell string: it is quoted with quoteCommand). Resolves for any
   * exit code; throws a HostError on connection loss, timeout or abort.
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** The file's text, or undefined when it does not exist. */
  readFile(path: string, options?: ReadFileOptions): Promise<string | undefined>;
  /** Atomic replace (temp file in the same directory, fsync, mv); a no-op when already identical. */
  writeFile(
    path: string,
    content: string | Buffer,
    options?: WriteFileOptions,
  ): Promise<WriteFileResult>;
  close(): Promise<void>;
}

export type HostErrorKind =
  /** TCP or SSH transport could not be set up: refused, unreachable, timed out, DNS. */
  | 'connect'
  /** Every authentication method was refused, or a key's passphrase was wrong. */
  | 'auth'
  /** The host key is unknown (and not accepted), changed or revoked. */
  | 'host-key'
  /** The connection dropped while a command was running. */
  | 'connection-lost'
  | 'timeout'
  | 'aborted'
  /** sudo wants a password and none was given (or the one given was refused). */
  | 'sudo-password'
  /** A file operation's helper command failed (e.g. permission denied). */
  | 'command';

/**
 * A failure talking to a host, as one sentence a person can act on. It is an
 * InputError (a problem of the environment, not a bug), so the CLI prints it
 * without a stack.
 */
export class HostError extends InputError {
  constructor(
    readonly kind: HostErrorKind,
    readonly host: string,
    message: string,
    options: {readonly command?: string; readonly hint?: string; readonly cause?: unknown} = {},
  ) {
    super(message, options.hint);
    this.command = options.command;
    if (options.cause !== undefined) this.cause = options.cause;
  }
  /** The command line that was running, when there was one. */
  readonly command: string | undefined;
}

/** What to do when a host stops answering mid-run (its network, sshd or the machine went away). */
export const connectionLostHint = (host: string): string =>
  `Check that ${host} is up and reachable (ssh to it from here), then run ha-wizard apply again with --resume: finished steps are skipped, and each step checks the host before it changes anything.`;

export const sudoPasswordMessage = (host: string) =>
  `sudo on ${host} asks for a password; give the SSH user passwordless sudo or enter the password when asked`;
