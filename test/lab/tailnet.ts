// The lab's real tailnet: Headscale in its namespace, tailscaled on every host
// (started by hostinit.sh inside the host) and on the workstation, logged in
// with pre-auth keys. Everything here is a call to the real binaries.
import {spawn} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {headscaleNs, paths, workstationName, workstationNs} from './config.js';
import {
  controlPlaneTag,
  headscaleConfig,
  headscalePolicy,
  headscaleUrl,
  workerTag,
  type HeadscaleOptions,
} from './headscale.js';
import {labBinaries} from './binaries.js';
import {LabError, runRaw, sleep} from './system.js';

const configFile = () => join(paths.headscale, 'config.yaml');

/** The headscale CLI (it talks to the server over its unix socket), JSON output. */
export const headscale = async (args: readonly string[]) => {
  const result = await runRaw([labBinaries().headscale, '-c', configFile(), ...args, '-o', 'json']);
  if (result.code !== 0)
    throw new LabError(
      `headscale ${args.join(' ')}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  return JSON.parse(result.stdout) as unknown;
};

const waitFor = async (
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new LabError(what);
    await sleep(50);
  }
};

const spawnLogged = (argv: readonly string[], log: string, env: NodeJS.ProcessEnv) => {
  const fd = openSync(log, 'a');
  const [file, ...args] = argv;
  const child = spawn(file ?? 'false', args, {detached: true, stdio: ['ignore', fd, fd], env});
  child.unref();
  closeSync(fd);
  if (child.pid === undefined) throw new LabError(`could not start ${argv.join(' ')}`);
  return child.pid;
};

const lastLines = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ') : '';

export interface Keys {
  readonly controlPlane: string;
  readonly worker: string;
  readonly workstation: string;
}

/** Starts Headscale, makes the pre-auth keys for the hosts and the workstation, and an API key. */
export const startHeadscale = async (options: HeadscaleOptions) => {
  mkdirSync(paths.headscale, {recursive: true, mode: 0o700});
  writeFileSync(configFile(), headscaleConfig(options));
  writeFileSync(join(paths.headscale, 'policy.hujson'), headscalePolicy(options));
  const log = join(paths.headscale, 'headscale.log');
  const pid = spawnLogged(
    ['ip', 'netns', 'exec', headscaleNs, labBinaries().headscale, '-c', configFile(), 'serve'],
    log,
    {PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: paths.headscale},
  );
  await waitFor(
    () => existsSync(join(paths.headscale, 'headscale.sock')),
    20_000,
    `Headscale did not start: ${lastLines(log)}`,
  );
  const key = async (owner: string[]) =>
    String(
      (
        (await headscale([
          'preauthkeys',
          'create',
          '--reusable',
          '--expiration',
          '24h',
          ...owner,
        ])) as {key: string}
      ).key,
    );
  const user = (await headscale(['users', 'create', 'hwlab'])) as {id: number | string};
  const keys: Keys = {
    controlPlane: await key(['--tags', controlPlaneTag]),
    worker: await key(['--tags', workerTag]),
    workstation: await key(['--user', String(user.id)]),
  };
  const apiKey = await runRaw([
    labBinaries().headscale,
    '-c',
    configFile(),
    'apikeys',
    'create',
    '--expiration',
    '24h',
  ]);
  if (apiKey.code !== 0) throw new LabError(`headscale apikeys create: ${apiKey.stderr.trim()}`);
  writeFileSync(paths.headscaleApiKey, `${apiKey.stdout.trim()}\n`, {mode: 0o600});
  return {pid, keys};
};

/** What every lab node passes to `tailscale up`, beyond its key and name. */
const upFlags = (key: string, hostname: string) => [
  'up',
  `--login-server=${headscaleUrl}`,
  `--auth-key=${key}`,
  `--hostname=${hostname}`,
  '--accept-dns=false',
  // No iptables or nft rules from tailscaled: the lab's own nft rules stay the only ones.
  '--netfilter-mode=off',
  '--timeout=60s',
];

/** The workstation's tailscaled: its own namespace, state and socket (in the lab dir); none in the machine's own namespace. */
export const workstationSocket = () => join(paths.workstation, 'tailscaled.sock');

export const workstationTailscale = (args: readonly string[], timeoutMs = 30_000) =>
  runRaw(
    [
      'ip',
      'netns',
      'exec',
      workstationNs,
      labBinaries().tailscale,
      `--socket=${workstationSocket()}`,
      ...args,
    ],
    {timeoutMs},
  );

export const startWorkstation = async (key: string) => {
  mkdirSync(paths.workstation, {recursive: true, mode: 0o700});
  const log = join(paths.workstation, 'tailscaled.log');
  const pid = spawnLogged(
    [
      'ip',
      'netns',
      'exec',
      workstationNs,
      labBinaries().tailscaled,
      `--statedir=${paths.workstation}`,
      `--socket=${workstationSocket()}`,
      '--tun=tailscale0',
      '--port=41641',
      '--no-logs-no-support',
    ],
    log,
    {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: paths.workstation,
      TS_NO_LOGS_NO_SUPPORT: 'true',
      TS_LOGS_DIR: paths.workstation,
      TS_DEBUG_USE_DERP_HTTP: '1',
      TS_DISABLE_PORTMAPPER: '1',
    },
  );
  await waitFor(
    () => existsSync(workstationSocket()),
    20_000,
    `the workstation's tailscaled did not start: ${lastLines(log)}`,
  );
  const up = await workstationTailscale(
    [...upFlags(key, workstationName), '--accept-routes'],
    90_000,
  );
  if (up.code !== 0)
    throw new LabError(`the workstation could not join the tailnet: ${up.stderr.trim()}`);
  return pid;
};

/** Where each lab host has the real tailscale CLI (its /usr/bin/tailscale logs, then runs it). */
const realTailscale = '/usr/lib/hwlab/bin/tailscale';

/** Logs a host's tailscaled in (it runs inside the host, started by hostinit.sh). */
export const joinHost = async (
  exec: (argv: readonly string[]) => Promise<{code: number; stdout: string; stderr: string}>,
  name: string,
  key: string,
) => {
  // The real CLI itself, not /usr/bin/tailscale's logging wrapper: the lab's own set-up is no
  // change of the wizard's, and the auth key must not land in the host's call log.
  const up = await exec([realTailscale, ...upFlags(key, name)]);
  if (up.code !== 0) throw new LabError(`${name} could not join the tailnet: ${up.stderr.trim()}`);
  const address = (await exec([realTailscale, 'ip', '-4'])).stdout.trim();
  if (!/^100\.64\.10\.\d+$/.test(address))
    throw new LabError(`${name} got no Tailscale address from Headscale (${address})`);
  return address;
};

/** The workstation's `tailscale status --json`, as a real workstation would print it now. */
export const workstationStatus = async () => {
  const result = await workstationTailscale(['status', '--json']);
  if (result.code !== 0)
    throw new LabError(`tailscale status on the workstation: ${result.stderr}`);
  return result.stdout;
};

/**
 * A `tailscale` command in `dir` that is the workstation's own CLI (the real binary, talking to the
 * workstation's tailscaled): with `dir` first on PATH, the wizard's plain `tailscale status --json`
 * reads the tailnet as it is at that moment, as on a real workstation.
 */
export const writeWorkstationTailscale = (dir: string) => {
  mkdirSync(dir, {recursive: true});
  const file = join(dir, 'tailscale');
  writeFileSync(
    file,
    `#!/bin/sh\nexec ${labBinaries().tailscale} --socket=${workstationSocket()} "$@"\n`,
    {mode: 0o755},
  );
  return file;
};

/** Writes the workstation's current status to the lab's statusFile, and returns it. */
export const refreshStatusFile = async () => {
  const text = await workstationStatus();
  writeFileSync(paths.statusFile, text);
  return text;
};

interface HeadscaleNode {
  id: number | string;
  name?: string;
  given_name?: string;
  approved_routes?: string[];
  available_routes?: string[];
  subnet_routes?: string[];
}

export const headscaleNodes = async () => (await headscale(['nodes', 'list'])) as HeadscaleNode[];

/** Sets a node's approved routes to exactly these (empty: none), as `headscale nodes approve-routes` does. */
export const setApprovedRoutesById = async (id: string, routes: readonly string[]) => {
  await headscale(['nodes', 'approve-routes', '--identifier', id, '--routes', routes.join(',')]);
};

/** setApprovedRoutesById for a host by name. */
export const setApprovedRoutes = async (host: string, routes: readonly string[]) => {
  const node = (await headscaleNodes()).find((n) => n.given_name === host || n.name === host);
  if (!node) throw new LabError(`Headscale has no node ${host}`);
  await setApprovedRoutesById(String(node.id), routes);
};

/**
 * Approves routes of a host as `headscale nodes approve-routes` does, which replaces the node's
 * approved set: so the set passed is the node's current approvals plus the new ones.
 */
export const approveRoutes = async (host: string, routes: readonly string[]) => {
  const node = (await headscaleNodes()).find((n) => n.given_name === host || n.name === host);
  if (!node) throw new LabError(`Headscale has no node ${host}`);
  const approved = [...new Set([...(node.approved_routes ?? []), ...routes])];
  await headscale([
    'nodes',
    'approve-routes',
    '--identifier',
    String(node.id),
    '--routes',
    approved.join(','),
  ]);
};

export const labHeadscale = () => ({url: headscaleUrl, apiKeyFile: paths.headscaleApiKey});
