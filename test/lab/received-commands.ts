// What reached the lab hosts' shells: every command line their sshd was given
// (recorded by the lab user's login shell, lab.ts), and a check that no value taken
// from tailscale status was ever open to the shell there.
import {readFileSync} from 'node:fs';
import {basename, join} from 'node:path';
import {parse} from 'shell-quote';

/** Every command line `host`'s sshd was given since the lab came up, in order. */
export const receivedCommands = (labDir: string, host: string): string[] =>
  readFileSync(join(labDir, 'hosts', host, 'upper/var/lib/hwlab/commands.log'), 'utf8')
    .split('\0')
    .filter((line) => line !== '');

interface StatusNode {
  HostName?: string;
  DNSName?: string;
  TailscaleIPs?: string[] | null;
  Tags?: string[] | null;
}

/** The values in a status that name or address nodes: what a plan, and so a command, can carry. */
export const statusValues = (statusJson: string): string[] => {
  const status = JSON.parse(statusJson) as {Self?: StatusNode; Peer?: Record<string, StatusNode>};
  const nodes = [status.Self, ...Object.values(status.Peer ?? {})].filter(
    (node): node is StatusNode => node !== undefined,
  );
  const values = nodes.flatMap((node) => [
    node.HostName ?? '',
    node.DNSName ?? '',
    (node.DNSName ?? '').replace(/\.$/, ''),
    ...(node.TailscaleIPs ?? []),
    ...(node.Tags ?? []),
  ]);
  return [...new Set(values.filter((value) => value !== ''))];
};

const isShell = (word: unknown) =>
  typeof word === 'string' && ['sh', 'bash', 'dash'].includes(basename(word));

/**
 * Why `line` lets a status value reach the shell as anything but one literal
 * word, or [] when it does not: the line must be literal words only (no
 * operator, substitution or glob outside quotes), a script given to `sh -c`
 * must not hold any value (values reach scripts as "$1"...), and each value
 * in the line must come out of the shell's word splitting whole.
 */
export const openValues = (line: string, values: readonly string[]): string[] => {
  const words = parse(line, (name) => ({variable: name}) as unknown as string);
  const problems: string[] = [];
  const syntax = words.filter((word) => typeof word !== 'string');
  if (syntax.length > 0)
    problems.push(`shell syntax outside quotes (${JSON.stringify(syntax)}) in: ${line}`);
  const literal = words.filter((word): word is string => typeof word === 'string');
  const scripts = new Set(
    literal.flatMap((word, i) =>
      i >= 2 && literal[i - 1] === '-c' && isShell(literal[i - 2]) ? [i] : [],
    ),
  );
  for (const value of values) {
    if (!line.includes(value)) continue;
    for (const i of scripts)
      if (literal[i]?.includes(value))
        problems.push(`"${value}" is pasted into a shell script in: ${line}`);
    if (!literal.some((word, i) => !scripts.has(i) && word.includes(value)))
      problems.push(`"${value}" is split by the shell in: ${line}`);
  }
  return problems;
};

/**
 * The files the wizard wrote on a host, from its command lines: each write is
 * files.ts's script (`sh -c SCRIPT sh PATH ...`), the path its first argument.
 */
export const writtenPaths = (lines: readonly string[]): string[] => {
  const paths = new Set<string>();
  for (const line of lines) {
    const words = parse(line).filter((word): word is string => typeof word === 'string');
    const script = words.findIndex((word) => word.includes('tmp=$(mktemp'));
    const path = script >= 0 ? words[script + 2] : undefined;
    if (path !== undefined) paths.add(path);
  }
  return [...paths].sort();
};
