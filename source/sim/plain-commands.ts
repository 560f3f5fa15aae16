// The ordinary commands preflight and the readiness checks run on a host
// (docs/commands-on-hosts.md: cat, uname -m, hostname, ss -ltnH, curl -sk,
// true), answered from the model's files and network. The lab's hosts have the
// real ones; the in-process demo uses these.
import {fail, ok, type SimEnv, type ToolResult} from './env.js';

/** Where `uname -m` reads the machine (Linux >= 6.1 has the same file). */
export const archFile = '/proc/sys/kernel/arch';

/** Ports a node may listen on that preflight cares about, plus sshd. */
const knownPorts = [22, 2379, 2380, 6443, 10248, 10250, 10257, 10259];

const cat = (env: SimEnv, files: readonly string[]): ToolResult => {
  let stdout = '';
  let stderr = '';
  for (const file of files) {
    const text = env.fs.read(file);
    if (text === undefined) stderr += `cat: ${file}: No such file or directory\n`;
    else stdout += text;
  }
  return stderr === '' ? ok(stdout) : fail(1, stderr, stdout);
};

/** `ss -ltnH`: one LISTEN line per open local port; the 4th column is the local address. */
const ss = async (env: SimEnv): Promise<ToolResult> => {
  const open: number[] = [];
  for (const port of knownPorts)
    if ((await env.net.probe('127.0.0.1', port, 100)) === 'open') open.push(port);
  return ok(
    open
      .map((port) => {
        const local = port === 10248 ? `127.0.0.1:${port}` : `*:${port}`;
        return `LISTEN 0      4096   ${local.padStart(16)}   ${'*:*'.padStart(10)}   \n`;
      })
      .join(''),
  );
};

/** curl's exit codes for what a request found (man curl: 7 connect, 28 timeout, 35 TLS). */
const curlCodes: Record<string, number> = {refused: 7, unreachable: 7, timeout: 28, tls: 35};

/** `curl -sk [--max-time N] URL`: the body on stdout; silent, so no error text. */
const curl = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  const url = argv.find((arg) => /^https?:\/\//.test(arg));
  if (url === undefined) return fail(2, 'curl: no URL specified\n');
  const limit = argv.indexOf('--max-time');
  const seconds = limit >= 0 ? Number(argv[limit + 1]) : 300;
  const answer = await env.net.get(url, undefined, seconds * 1000);
  if ('error' in answer) return fail(curlCodes[answer.error] ?? 7, '');
  return ok(answer.body);
};

export const plainCommands: Record<
  string,
  (env: SimEnv, argv: readonly string[]) => Promise<ToolResult>
> = {
  true: async () => ok(),
  cat: async (env, argv) => cat(env, argv),
  uname: async (env, argv) =>
    argv[0] === '-m'
      ? ok(env.fs.read(archFile) ?? 'x86_64\n')
      : ok(argv[0] === '-n' ? `${env.host}\n` : 'Linux\n'),
  // The OS host name keeps its case (`CP1`); the node name is its lowercase.
  hostname: async (env) =>
    ok(`${env.fs.read('/etc/hostname')?.split('\n')[0]?.trim() || env.host}\n`),
  ss: async (env) => ss(env),
  curl,
};
