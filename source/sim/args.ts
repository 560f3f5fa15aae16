// cobra/pflag-style argument parsing for the simulated Kubernetes tools.

export interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string>;
  readonly unknown: string | undefined;
}

/**
 * `--name value`, `--name=value`, `-n value`; names in `booleans` take no value
 * (`--name=false` still works). Unknown flags stop parsing and are reported.
 */
export const parseArgs = (
  argv: readonly string[],
  valued: readonly string[],
  booleans: readonly string[],
  short: Readonly<Record<string, string>> = {},
): Parsed => {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const body = arg.slice(long ? 2 : 1);
    const eq = body.indexOf('=');
    let name = eq >= 0 ? body.slice(0, eq) : body;
    if (!long) name = short[name] ?? `-${name}`;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (booleans.includes(name)) {
      flags.set(name, inline ?? 'true');
    } else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined)
        return {positional, flags, unknown: `flag needs an argument: --${name}`};
      flags.set(name, value);
    } else {
      return {
        positional,
        flags,
        unknown: `unknown flag: ${long ? '--' : '-'}${long ? name : body}`,
      };
    }
  }
  return {positional, flags, unknown: undefined};
};

/** Go's time.ParseDuration for h/m/s/ms (what kubeadm's ttl fields use); undefined when invalid. */
export const parseGoDuration = (text: string): number | undefined => {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = Number(m[1]);
    total += n * ({h: 3_600_000, m: 60_000, s: 1000, ms: 1}[m[2] as 'h' | 'm' | 's' | 'ms'] ?? 0);
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 ? total : undefined;
};
