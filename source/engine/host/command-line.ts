// How an exec request becomes argv (and, for SSH, one shell line). Quoting is
// quoteCommand's job alone; this file only decides which words come first.
import {quoteCommand} from '../../core/remote/quote.js';

/**
 * sudo -S writes this prompt to stderr when it wants the password; we answer only
 * then, so a password is never fed to a command that did not ask for it. No `%`:
 * sudo expands `%u`, `%h` and friends in prompts.
 */
export const sudoPrompt = '[ha-wizard] sudo password:';

/**
 * Printed to stderr by the wrapper once sudo has let us in: what follows on
 * stdin belongs to the command, and what follows on stderr is the command's.
 */
export const sudoReadyMarker = 'ha-wizard-sudo-ok';

/** exec "$@" after the marker, so the command itself is never parsed by a shell. */
const readyScript = `printf '%s\\n' ${sudoReadyMarker} >&2; exec "$@"`;

export type SudoMode =
  /** Run argv as is (no sudo, or already root). */
  | 'none'
  /** `sudo -n`: fail at once instead of prompting. */
  | 'non-interactive'
  /** `sudo -S` with the password on stdin, answered only after the prompt appears. */
  | 'password';

/** The argv that actually runs: argv itself, or argv behind sudo. */
export const commandArgv = (argv: readonly string[], sudo: SudoMode): readonly string[] => {
  if (argv.length === 0) throw new Error('empty command');
  switch (sudo) {
    case 'none':
      return argv;
    case 'non-interactive':
      return ['sudo', '-n', '--', ...argv];
    case 'password':
      // -k: ignore a cached timestamp, so sudo prompts every time and the
      // prompt/marker handshake in exec.ts always sees the same sequence.
      return ['sudo', '-S', '-k', '-p', sudoPrompt, '--', 'sh', '-c', readyScript, 'sh', ...argv];
  }
};

/** The line an SSH server's shell runs for argv (sshd always runs `$SHELL -c LINE`). */
export const remoteCommandLine = (argv: readonly string[], sudo: SudoMode): string =>
  quoteCommand(commandArgv(argv, sudo));

/** `sudo -n` refusing because it would have to prompt (wording of sudo 1.8 and 1.9). */
export const sudoWantsPassword = (code: number | null, stderr: string): boolean =>
  code === 1 && /sudo: (a password is required|a terminal is required)/.test(stderr);
