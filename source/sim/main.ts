// The lab's entry point: one bundled file (test/lab builds it into the hosts'
// /usr/lib/hwlab/sim.mjs), started per call by the /usr/bin shims as
// `node sim.mjs TOOL ARGS...`, or as `node sim.mjs hwlab-agent` (the kubelet).
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {runAgent} from './agent.js';
import type {SimEnv, ToolResult} from './env.js';
import {hostEnv} from './host-env.js';
import {containerd21, containerdCli} from './host-tools.js';
import {simTools} from './tools.js';

export const tools: Record<
  string,
  (env: SimEnv, argv: readonly string[], stdin: string) => Promise<ToolResult>
> = {
  ...simTools,
  containerd: (env, argv) =>
    containerdCli(
      env,
      argv,
      containerd21(readFileSync('/usr/lib/hwlab/containerd-2.1.9-default.toml', 'utf8')),
    ),
};

const readStdin = async () => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const main = async () => {
  const [tool = '', ...argv] = process.argv.slice(2);
  const env = hostEnv(fileURLToPath(import.meta.url));
  if (tool === 'hwlab-agent') {
    await runAgent(env, (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
    return;
  }
  const run = tools[tool];
  if (!run) {
    process.stderr.write(`hwlab-sim: no simulated tool ${tool}\n`);
    process.exit(127);
  }
  // Only read stdin when the command names it: a caller that leaves stdin open must not hang us.
  const stdin = argv.some((a) => a === '/dev/stdin' || a === '-' || a.endsWith('=/dev/stdin'))
    ? await readStdin()
    : '';
  const result = await run(env, argv, stdin);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
};

await main();
