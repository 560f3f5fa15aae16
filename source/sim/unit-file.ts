// What systemd makes of a service's unit file when it starts it: the
// environment, the conditions, the pre-start commands and the command. Only
// the parts the units on a lab host use (Debian's keepalived and HAProxy, the
// wizard's health gate), each as systemd.exec(5) and systemd.unit(5) say:
// quoted assignments in Environment=, EnvironmentFile= overriding them, a
// condition that fails skipping the start without failing it.

export interface ServiceStart {
  readonly environment: Readonly<Record<string, string>>;
  /** The first condition that does not hold (the start is skipped, not failed), if any. */
  readonly skippedBecause: string | undefined;
  /** ExecStartPre= commands; `ignoreFailure` for a leading `-`. */
  readonly preStart: ReadonlyArray<{readonly command: string; readonly ignoreFailure: boolean}>;
  readonly command: string;
  /** Type=; `simple` when not set. */
  readonly type: string;
}

/** Whitespace-separated words, each maybe in double or single quotes (extract_first_word with EXTRACT_UNQUOTE). */
const words = (text: string): string[] => {
  const found: string[] = [];
  for (const match of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g))
    found.push(match[1]?.replace(/\\(.)/g, '$1') ?? match[2] ?? match[3] ?? '');
  return found;
};

/** An EnvironmentFile's assignments: `KEY=VALUE`, quotes stripped, `#` and `;` lines skipped. */
const environmentFileValues = (text: string): Record<string, string> => {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_]\w*)=(.*)$/.exec(line);
    if (!match || /^\s*[#;]/.test(line)) continue;
    values[match[1] ?? ''] = (match[2] ?? '')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/^'(.*)'$/, '$1');
  }
  return values;
};

/**
 * The start of a service as systemd would do it. `read` gives a file's text,
 * undefined when it is missing (for EnvironmentFile= and ConditionFileNotEmpty=).
 */
export const serviceStart = (
  unitText: string,
  read: (path: string) => string | undefined,
): ServiceStart => {
  const values = (key: string) =>
    [...unitText.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => (m[1] ?? '').trim());

  const environment: Record<string, string> = {};
  for (const line of values('Environment')) {
    // An empty assignment resets the list built so far.
    if (line === '') for (const key of Object.keys(environment)) delete environment[key];
    for (const word of words(line)) {
      const at = word.indexOf('=');
      if (at > 0 && /^[A-Za-z_]\w*$/.test(word.slice(0, at)))
        environment[word.slice(0, at)] = word.slice(at + 1);
    }
  }
  // Read after Environment=, so the files override it; a leading `-` makes a missing file fine.
  for (const file of values('EnvironmentFile'))
    Object.assign(environment, environmentFileValues(read(file.replace(/^-/, '')) ?? ''));

  let skippedBecause: string | undefined;
  for (const condition of values('ConditionFileNotEmpty')) {
    const negate = condition.startsWith('!');
    const path = condition.replace(/^!/, '');
    const notEmpty = (read(path) ?? '').length > 0;
    if (notEmpty === negate) {
      skippedBecause = `ConditionFileNotEmpty=${condition} was not met`;
      break;
    }
  }

  // Prefixes: `-` ignores a failure; `@`, `:`, `+`, `!` change how it runs, not whether.
  const preStart = values('ExecStartPre').map((line) => ({
    command: line.replace(/^[-@:+!]+/, ''),
    ignoreFailure: /^[@:+!]*-/.test(line),
  }));
  return {
    environment,
    skippedBecause,
    preStart,
    command:
      values('ExecStart')
        .at(-1)
        ?.replace(/^[-@:+!]+/, '') ?? '',
    type: values('Type').at(-1) ?? 'simple',
  };
};

/** systemctl's line when a start fails with the process's exit code (log_job_error_with_service_result). */
export const startFailed = (unit: string) =>
  `Job for ${unit} failed because the control process exited with error code.\nSee "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.\n`;
