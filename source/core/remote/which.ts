// Finding the commands a run needs, as the SSH user, with their absolute
// paths: `command -v` (POSIX) in one `sh -c` for all of them. The search adds
// the system directories a login PATH may lack, so a tool installed where the
// kubeadm install guide's "without a package manager" steps or Helm's script
// put it (/usr/local/bin) is found wherever it is.
import {posix} from 'node:path';

/** `$@` are the command names; one absolute path per line for each one found. */
export const whichScript =
  'PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; for tool in "$@"; do command -v "$tool" || true; done';

export const whichArgv = (tools: readonly string[]): string[] => [
  'sh',
  '-c',
  whichScript,
  'sh',
  ...tools,
];

/** Name -> absolute path, for each asked-for tool `command -v` printed a path for. */
export const parseWhich = (stdout: string, tools: readonly string[]): Map<string, string> => {
  const found = new Map<string, string>();
  for (const line of stdout.split('\n').map((text) => text.trim())) {
    if (!line.startsWith('/')) continue; // a builtin or alias prints its bare name
    const name = posix.basename(line);
    if (tools.includes(name) && !found.has(name)) found.set(name, line);
  }
  return found;
};

/**
 * Directories sudo searches on every distribution: RHEL, Rocky, Alma and
 * Fedora set `secure_path = /sbin:/bin:/usr/sbin:/usr/bin` (no /usr/local/bin),
 * Debian and Ubuntu add /usr/local/{s,}bin. A command elsewhere is called by
 * its absolute path, with sudo or without.
 */
const everywhere = new Set(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);

export const needsAbsolutePath = (path: string): boolean => !everywhere.has(posix.dirname(path));
