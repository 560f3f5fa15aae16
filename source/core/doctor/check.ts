// What one diagnostic check says about one host (DOMAIN.md "The
// Connection-Refused troubleshooter"): what it looked at, what that means, and
// the fix with the exact commands. Checks are pure: the engine collects the
// evidence over SSH (source/engine/doctor), the checks only read it.
import {quoteCommand} from '../remote/quote.js';

/** `unknown`: doctor could not look (host unreachable, command failed, file missing). */
export type CheckStatus = 'pass' | 'fail' | 'unknown';

/** What doctor may do after a yes; each one runs as root on the check's host. */
export type FixAction =
  | {readonly kind: 'run'; readonly argv: readonly string[]}
  /** Edit /etc/containerd/config.toml as TOML (backed up), like the run's containerd phase. */
  | {readonly kind: 'systemd-cgroup'}
  /** Replace a file (backed up, atomic). */
  | {readonly kind: 'write'; readonly path: string; readonly content: string};

export interface Fix {
  /** One sentence: what the fix does. */
  readonly summary: string;
  /** The exact commands to run on the host, in order, as shell text. */
  readonly commands: readonly string[];
  /** What doctor applies after a yes; empty when only a person can do it (the admin console). */
  readonly actions: readonly FixAction[];
}

export interface CheckResult {
  /** Stable identifier scripts can match on, e.g. `cgroup-driver`. */
  readonly id: string;
  /** The host the finding is about (the fix runs there). */
  readonly host: string;
  readonly status: CheckStatus;
  /** What doctor looked at: the line of output or file it judged by. */
  readonly evidence: string;
  /** What it means, in one or two sentences. */
  readonly explanation: string;
  /** Present when the check failed and there is something to do. */
  readonly fix?: Fix;
}

export const sudoText = (argv: readonly string[]): string => `sudo ${quoteCommand(argv)}`;

/** Where to read why a service stopped: its last lines in the journal. */
export const journalText = (unit: string, lines = 30): string =>
  sudoText(['journalctl', '-u', unit, '-n', String(lines), '--no-pager']);

/** A fix made only of root commands: shown as they run. */
export const commandFix = (
  summary: string,
  argvs: ReadonlyArray<readonly string[]>,
  after: readonly string[] = [],
): Fix => ({
  summary,
  commands: [...argvs.map(sudoText), ...after],
  actions: argvs.map((argv) => ({kind: 'run', argv})),
});

/** A fix a person has to carry out (doctor shows it and does not ask). */
export const manualFix = (summary: string, commands: readonly string[]): Fix => ({
  summary,
  commands,
  actions: [],
});

export const result = (
  id: string,
  host: string,
  status: CheckStatus,
  evidence: string,
  explanation: string,
  fix?: Fix,
): CheckResult =>
  fix === undefined || status === 'pass'
    ? {id, host, status, evidence, explanation}
    : {id, host, status, evidence, explanation, fix};

/** The first non-empty line of a command's error output, for evidence. */
export const firstLine = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '') ?? '';
