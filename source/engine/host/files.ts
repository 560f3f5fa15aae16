// readFile and writeFile for any Host, as small POSIX sh scripts run through
// exec: one round trip each, the same on a remote node and on this machine,
// and under sudo when the file is root's. The scripts are constants; paths and
// modes reach them as positional parameters ("$1"...), never pasted in.
import {createHash} from 'node:crypto';
import {
  HostError,
  type ExecOptions,
  type ExecResult,
  type Host,
  type ReadFileOptions,
  type WriteFileOptions,
  type WriteFileResult,
} from './host.js';
import {displayCommand} from './run-command.js';

type Exec = (argv: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/** Exit code the read script uses for "no such file", so no error text is parsed (it may be translated). */
const missing = 66;

const readScript = `[ -e "$1" ] || exit ${missing}
exec cat -- "$1"`;

/**
 * Writes stdin to "$1" atomically and says what it did on stdout: `unchanged`,
 * or `changed` preceded by `backup PATH` when the old file was copied.
 * $2 mode (octal, or empty: keep the old file's), $3 owner (or empty: keep the
 * old file's when root), $4 `1` to back up, $5 a timestamp for the backup name,
 * $6 the content's SHA-256.
 */
const writeScript = `set -eu
target=$1 mode=$2 owner=$3 backup=$4 stamp=$5
# Write through a symlink (e.g. /etc/resolv.conf) instead of replacing the link.
if [ -L "$target" ]; then target=$(readlink -f -- "$target"); fi
dir=$(dirname -- "$target")
mkdir -p -- "$dir"
# The temp file lives next to the target so mv is a rename on one filesystem
# (atomic); its name has no suffix a daemon watches (.netdev, .conf, .toml).
tmp=$(mktemp "$dir/.ha-wizard.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
# A shell killed by a signal skips its EXIT trap: exit instead. PIPE too, for
# a wizard that died while we still had something to say on stdout.
trap 'exit 1' HUP INT TERM PIPE
cat > "$tmp"
# stdin ends the same way when the wizard sent everything and when it died
# mid-way: only the whole content may replace the file.
sum=$(sha256sum < "$tmp")
if [ "\${sum%% *}" != "$6" ]; then echo "the content for $target arrived incomplete" >&2; exit 1; fi
if [ -f "$target" ]; then
  [ -n "$mode" ] || mode=$(stat -c %a -- "$target")
  if [ -z "$owner" ] && [ "$(id -u)" = 0 ]; then owner=$(stat -c %u:%g -- "$target"); fi
  same=1
  [ "$(sha256sum < "$tmp")" = "$(sha256sum < "$target")" ] || same=
  [ "$(stat -c %a -- "$target")" = "$mode" ] || same=
  if [ -n "$owner" ]; then
    case $owner in
      *:*) now=$(stat -c %U:%G -- "$target"); nowid=$(stat -c %u:%g -- "$target") ;;
      *) now=$(stat -c %U -- "$target"); nowid=$(stat -c %u -- "$target") ;;
    esac
    [ "$now" = "$owner" ] || [ "$nowid" = "$owner" ] || same=
  fi
  if [ -n "$same" ]; then echo unchanged; exit 0; fi
  if [ "$backup" = 1 ]; then
    bak="$target.ha-wizard.$stamp.bak"
    n=1
    while [ -e "$bak" ]; do bak="$target.ha-wizard.$stamp.$n.bak"; n=$((n + 1)); done
    cp -p -- "$target" "$bak"
    echo "backup $bak"
  fi
fi
chmod "\${mode:-644}" "$tmp"
[ -z "$owner" ] || chown -- "$owner" "$tmp"
# fsync the data before the rename, so a crash leaves the old or the new file, never an empty one.
sync -- "$tmp" 2>/dev/null || true
mv -f -- "$tmp" "$target"
trap - EXIT
echo changed`;

/** `command` is argv, or for a write (whose script says nothing to a person) what it did. */
const commandFailed = (
  host: string,
  command: readonly string[] | string,
  sudo: boolean | undefined,
  result: ExecResult,
  what: string,
) => {
  const reason = result.stderr.trim().split('\n').at(-1) || `exit code ${String(result.code)}`;
  return new HostError('command', host, `${what} on ${host} failed: ${reason}`, {
    command: typeof command === 'string' ? command : displayCommand(command, sudo),
  });
};

export const readFileWith = async (
  host: string,
  exec: Exec,
  path: string,
  options: {readonly sudo?: boolean} = {},
): Promise<string | undefined> => {
  const argv = ['sh', '-c', readScript, 'sh', path];
  const result = await exec(argv, {sudo: options.sudo});
  if (result.code === missing) return undefined;
  if (result.code !== 0) throw commandFailed(host, argv, options.sudo, result, `reading ${path}`);
  return result.stdout;
};

/** `20261124T213423.123Z`: sorts by time and has no `:` (tools split on it). */
export const backupStamp = (now: Date): string =>
  now.toISOString().replaceAll('-', '').replaceAll(':', '');

export const writeFileWith = async (
  host: string,
  exec: Exec,
  path: string,
  content: string | Buffer,
  options: WriteFileOptions = {},
  now: Date = new Date(),
): Promise<{changed: boolean; backupPath?: string}> => {
  if (
    options.mode !== undefined &&
    !(Number.isInteger(options.mode) && options.mode >= 0 && options.mode <= 0o7777)
  )
    throw new Error(`mode must be an integer from 0 to 0o7777, got ${options.mode}`);
  const argv = [
    'sh',
    '-c',
    writeScript,
    'sh',
    path,
    options.mode === undefined ? '' : options.mode.toString(8),
    options.owner ?? '',
    options.backup ? '1' : '0',
    backupStamp(now),
    createHash('sha256').update(content).digest('hex'),
  ];
  const result = await exec(argv, {sudo: options.sudo, stdin: content});
  if (result.code !== 0)
    throw commandFailed(
      host,
      `(an atomic write of ${path}${options.sudo ? ', as root' : ''})`,
      options.sudo,
      result,
      `writing ${path}`,
    );
  const lines = result.stdout.trim().split('\n');
  const backupPath = lines.find((line) => line.startsWith('backup '))?.slice('backup '.length);
  const changed = lines.at(-1) === 'changed';
  return backupPath === undefined ? {changed} : {changed, backupPath};
};

/**
 * readFile and writeFile for any host that can exec: both adapters are this
 * plus their own way of running a command.
 */
export abstract class CommandHost implements Host {
  abstract readonly name: string;
  abstract exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  abstract close(): Promise<void>;

  readFile(path: string, options: ReadFileOptions = {}): Promise<string | undefined> {
    return readFileWith(this.name, (argv, o) => this.exec(argv, o), path, options);
  }

  writeFile(
    path: string,
    content: string | Buffer,
    options: WriteFileOptions = {},
  ): Promise<WriteFileResult> {
    return writeFileWith(this.name, (argv, o) => this.exec(argv, o), path, content, options);
  }
}
