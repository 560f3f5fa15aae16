// `up` and `down` for the lab: hosts (netns + private mount/UTS namespace +
// their own sshd), the "tailnet" router with no uplink, the root namespace's
// policy routing, and the coordinator. Everything is named `hwlab-*` or lives
// under the lab directory, so `down` finds it by name after a crash.
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import {connect} from 'node:net';
import {join} from 'node:path';
import {
  defaultOptions,
  fallbackRulePriority,
  hostLink,
  hostNs,
  labDir,
  labRanges,
  maxHosts,
  operatorIp,
  operatorLink,
  paths,
  planHosts,
  prefix,
  repoDir,
  routeTable,
  routerIp,
  routerNs,
  routerOperatorLink,
  rulePriority,
  sourceDir,
  sshUid,
  sshUser,
  tailnetRange,
  workstationName,
  type HostPlan,
  type LabOptions,
  type Role,
} from './config.js';
import {ip, LabError, run, runRaw, sleep} from './system.js';
import type {TailnetConfig} from './coordinator.js';
import type {Policy} from '../../source/sim/tailnet.js';

/** What `up --json` prints (its last line), exactly these keys. */
export interface LabSummary {
  readonly statusFile: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  readonly sshUser: string;
  readonly hosts: ReadonlyArray<{
    readonly name: string;
    readonly address: string;
    readonly role: Role;
  }>;
}

/** Everything the lab knows about itself, in lab.json. */
export interface LabState extends LabSummary {
  readonly sshConfigFile: string;
  readonly labDir: string;
  readonly coordinatorPid: number;
  readonly failoverDelay: number;
  readonly details: ReadonlyArray<
    HostPlan & {readonly fingerprint: string; readonly sshdPid: number; readonly namespace: string}
  >;
}

const requireRoot = () => {
  if (process.getuid?.() !== 0)
    throw new LabError('the lab needs root (it creates network namespaces and mounts)');
};

const requireTools = () => {
  const needed: Array<[string, string]> = [
    ['/usr/sbin/sshd', 'openssh-server'],
    ['/usr/bin/ssh-keygen', 'openssh-client'],
    ['/usr/bin/sudo', 'sudo'],
    ['/usr/bin/containerd', 'containerd'],
    ['/usr/bin/unshare', 'util-linux'],
    ['/usr/bin/nsenter', 'util-linux'],
  ];
  for (const [file, pkg] of needed) {
    if (!existsSync(file))
      throw new LabError(`${pkg} is not installed: run test/lab/install-deps.sh`);
  }
  if (!existsSync('/usr/sbin/ip') && !existsSync('/usr/bin/ip') && !existsSync('/sbin/ip')) {
    throw new LabError('iproute2 is not installed: run test/lab/install-deps.sh');
  }
};

export const validateOptions = (options: LabOptions) => {
  const count = (value: number, name: string, max: number, min: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new LabError(`--${name} must be a whole number from ${min} to ${max}, got ${value}`);
    }
  };
  count(options.controlPlanes, 'control-planes', maxHosts.controlPlanes, 1);
  count(options.workers, 'workers', maxHosts.workers, 0);
  if (!['networkd', 'nm', 'mixed'].includes(options.networkManager)) {
    throw new LabError(
      `--network-manager must be networkd, nm or mixed, got ${options.networkManager}`,
    );
  }
  if (!['1', '2', 'mixed'].includes(options.containerd)) {
    throw new LabError(`--containerd must be 1, 2 or mixed, got ${options.containerd}`);
  }
  if (!(options.failoverDelay >= 0 && options.failoverDelay <= 600)) {
    throw new LabError(`--failover-delay must be 0 to 600 seconds, got ${options.failoverDelay}`);
  }
};

/** SHA256:... of an OpenSSH public key line, as `ssh-keygen -lf` prints it. */
export const fingerprintOf = (publicKeyLine: string) => {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
};

const writeFile = (file: string, text: string, mode = 0o644) => {
  mkdirSync(join(file, '..'), {recursive: true});
  writeFileSync(file, text, {mode});
  chmodSync(file, mode);
};

const sshdConfig = (host: HostPlan) => `# hwlab: ${host.name}'s own sshd (see test/lab/README.md)
ListenAddress ${host.address}:22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers ${sshUser}
AuthorizedKeysFile /etc/ssh/authorized_keys/%u
StrictModes yes
MaxStartups 200
MaxSessions 64
UseDNS no
PrintMotd no
LogLevel VERBOSE
SetEnv HWLAB_HOST=${host.name}
Subsystem sftp /usr/lib/openssh/sftp-server
`;

/**
 * The lab user's login shell: it appends every command line sshd gives it
 * (`SHELL -c LINE`), exactly as it arrived, NUL-separated (scripts hold
 * newlines), then is bash. Tests read the log to see what reached the host. A
 * shell, not a ForceCommand: OpenSSH refuses signals to forced commands, and
 * the wizard stops a command that outlives its timeout with one.
 */
const recordShell = '/usr/local/lib/hwlab/record-shell';
const recordScript = `#!/bin/bash
if [ "$1" = -c ]; then printf '%s\\0' "$2" >> /var/lib/hwlab/commands.log; fi
exec /bin/bash "$@"
`;

const networkManagerSeed = (host: HostPlan, upper: string) => {
  if (host.networkManager === 'NetworkManager') {
    writeFile(
      join(upper, 'etc/NetworkManager/NetworkManager.conf'),
      '[main]\nplugins=ifupdown,keyfile\n\n[ifupdown]\nmanaged=false\n',
    );
    mkdirSync(join(upper, 'etc/NetworkManager/system-connections'), {recursive: true, mode: 0o700});
  } else {
    mkdirSync(join(upper, 'etc/systemd/network'), {recursive: true});
  }
};

/** Seeds a host's overlay upper dirs before its mounts exist (never written from outside afterwards). */
const seedHost = async (
  host: HostPlan,
  all: readonly HostPlan[],
  containerdV2Config: string,
  clientKey: string,
) => {
  const root = join(paths.hosts, host.name);
  const upper = join(root, 'upper');
  for (const dir of ['etc', 'var', 'opt', 'root', 'home', 'usr']) {
    mkdirSync(join(upper, dir), {recursive: true});
    mkdirSync(join(root, 'work', dir), {recursive: true});
  }
  mkdirSync(join(upper, 'usr', 'bin'), {recursive: true});
  const etc = join(upper, 'etc');
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const group = readFileSync('/etc/group', 'utf8');
  const shadow = readFileSync('/etc/shadow', 'utf8');
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  writeFile(
    join(etc, 'passwd'),
    `${line(passwd)}${sshUser}:x:${sshUid}:${sshUid}:hwlab lab user:/home/${sshUser}:${recordShell}\n`,
  );
  writeFile(join(etc, 'group'), `${line(group)}${sshUser}:x:${sshUid}:\n`);
  // `*`, not `!`: with UsePAM no a `!` locks key logins too (P7).
  writeFile(join(etc, 'shadow'), `${line(shadow)}${sshUser}:*:20000:0:99999:7:::\n`, 0o640);
  chownSync(join(etc, 'shadow'), 0, Number(/^shadow:x:(\d+):/m.exec(group)?.[1] ?? 0));
  writeFile(join(etc, 'sudoers.d', sshUser), `${sshUser} ALL=(ALL:ALL) NOPASSWD: ALL\n`, 0o440);
  writeFile(join(etc, 'hostname'), `${host.name}\n`);
  writeFile(
    join(etc, 'hosts'),
    `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n${all.map((h) => `${h.address}\t${h.name}.tail-lab.ts.net ${h.name}`).join('\n')}\n`,
  );
  writeFile(join(etc, 'ssh', 'sshd_config'), sshdConfig(host));
  writeFile(join(upper, recordShell), recordScript, 0o755);
  writeFile(join(etc, 'ssh', 'authorized_keys', sshUser), clientKey);
  await run([
    'ssh-keygen',
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    `root@${host.name}`,
    '-f',
    join(etc, 'ssh', 'ssh_host_ed25519_key'),
  ]);
  const home = join(upper, 'home', sshUser);
  mkdirSync(home, {recursive: true, mode: 0o755});
  chownSync(home, sshUid, sshUid);
  networkManagerSeed(host, upper);
  // containerd 1.x: the real Debian binary's default (config version 2); 2.x: the real 2.1.9 default (version 3).
  writeFile(join(etc, 'containerd', 'config.toml'), containerdV2Config);
  if (host.containerdMajor === 2) {
    copyFileSync(
      join(repoDir, 'fixtures/real/containerd-default-2.1.9-debian-sid.toml'),
      join(etc, 'containerd', 'config.toml'),
    );
  }
  const state = join(upper, 'var/lib/hwlab');
  writeFile(join(state, 'calls.log'), '', 0o666);
  writeFile(join(state, 'commands.log'), '', 0o666);
  // What containerd read at its last start: both default configs leave SystemdCgroup false.
  writeFile(join(state, 'sim', 'containerd.json'), '{"systemdCgroup":false}\n');
  if (host.containerdMajor === 2) {
    // No real containerd 2.x here: the simulated CLI replaces Debian's 1.6 binary on this host only.
    copyFileSync(join(sourceDir, 'tools', 'sim-shim'), join(upper, 'usr', 'bin', 'containerd'));
    chmodSync(join(upper, 'usr', 'bin', 'containerd'), 0o755);
  }
  writeFile(join(state, 'tailscale', 'ip'), `${host.address}\n`);
  writeFile(
    join(state, 'tailscale', 'prefs'),
    'want-running=true\naccept-routes=false\nadvertise-routes=\n',
    0o644,
  );
  writeFile(
    join(state, 'facts.json'),
    `${JSON.stringify(
      {
        host: host.name,
        role: host.role,
        networkManager: host.networkManager,
        containerd: host.containerdMajor === 1 ? '1.6.20' : '2.1.9',
        containerdConfigVersion: host.containerdMajor === 1 ? 2 : 3,
      },
      null,
      2,
    )}\n`,
  );
  const publicKey = readFileSync(join(etc, 'ssh', 'ssh_host_ed25519_key.pub'), 'utf8');
  return publicKey.trim();
};

/** The simulated cluster tools: one bundle of source/sim, one bash shim per tool (it logs the call). */
export const simTools = [
  'kubeadm',
  'kubectl',
  'kubelet',
  'crictl',
  'helm',
  'systemctl',
  'networkctl',
  'nmcli',
] as const;

export const installSimTools = async () => {
  const lib = join(paths.usr, 'lib', 'hwlab');
  mkdirSync(lib, {recursive: true});
  const {build} = await import('esbuild');
  await build({
    absWorkingDir: repoDir,
    entryPoints: ['source/sim/main.ts'],
    outfile: join(lib, 'sim.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    // yaml's CommonJS build calls require('process').
    banner: {
      js: "import {createRequire as __createRequire} from 'node:module';const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  copyFileSync(
    join(repoDir, 'fixtures/real/containerd-default-2.1.9-debian-sid.toml'),
    join(lib, 'containerd-2.1.9-default.toml'),
  );
  for (const tool of simTools) {
    copyFileSync(join(sourceDir, 'tools', 'sim-shim'), join(paths.usr, 'bin', tool));
    chmodSync(join(paths.usr, 'bin', tool), 0o755);
  }
};

/** The simulated tools' knobs (source/sim/env.ts SimSettings), e.g. a short certificate-key lifetime for tests. */
export const setSimSettings = (settings: Record<string, unknown>) => {
  writeFile(join(paths.cluster, 'settings.json'), `${JSON.stringify(settings)}\n`);
};

/** One `ip -batch` per namespace: process starts are the cost here (~5-30 ms each), not the kernel. */
const batch = (ns: string | undefined, lines: readonly string[]) =>
  run([...(ns === undefined ? ['ip'] : ['ip', '-n', ns]), '-batch', '-'], {
    input: `${lines.join('\n')}\n`,
  });

/**
 * The router ("the tailnet", no uplink), the hosts' namespaces and veths, and the
 * root namespace's routing: the lab's ranges only into the lab, `unreachable` behind them.
 */
const setupNetwork = async (hosts: readonly HostPlan[]) => {
  const table = String(routeTable);
  await batch(undefined, [
    `netns add ${routerNs}`,
    ...hosts.map((host) => `netns add ${hostNs(host.name)}`),
    `link add ${operatorLink} type veth peer name ${routerOperatorLink} netns ${routerNs}`,
    // Each host's end is called tailscale0 and carries its /32, like real Tailscale (MTU 1280 too).
    ...hosts.map(
      (host) =>
        `link add ${hostLink(host.name)} netns ${routerNs} mtu 1280 type veth peer name tailscale0 netns ${hostNs(host.name)} mtu 1280`,
    ),
  ]);
  writeFileSync(`/proc/sys/net/ipv6/conf/${operatorLink}/disable_ipv6`, '1');
  await batch(undefined, [
    `addr add ${operatorIp}/32 dev ${operatorLink}`,
    `link set ${operatorLink} up`,
    ...labRanges.flatMap((range) => [
      `route add ${range} via ${routerIp} dev ${operatorLink} src ${operatorIp} onlink table ${table}`,
      `route add unreachable ${range} metric 4000 table ${table}`,
      `rule add to ${range} lookup ${table} priority ${rulePriority}`,
    ]),
    `route add unreachable ${tailnetRange} metric 4000 table ${table}`,
    `rule add to ${tailnetRange} lookup ${table} priority ${fallbackRulePriority}`,
  ]);
  await run(['ip', 'netns', 'exec', routerNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  await batch(routerNs, [
    'link set lo up',
    `addr add ${routerIp}/32 dev ${routerOperatorLink}`,
    `link set ${routerOperatorLink} up`,
    `route add ${operatorIp}/32 dev ${routerOperatorLink} src ${routerIp}`,
    ...hosts.flatMap((host) => [
      `addr add ${routerIp}/32 dev ${hostLink(host.name)}`,
      `link set ${hostLink(host.name)} up`,
      `route add ${host.address}/32 dev ${hostLink(host.name)} src ${routerIp}`,
    ]),
  ]);
  await Promise.all(
    hosts.map((host) =>
      batch(hostNs(host.name), [
        'link set lo up',
        `addr add ${host.address}/32 dev tailscale0`,
        'link set tailscale0 up',
        `route add ${routerIp}/32 dev tailscale0 scope link`,
        // No default route: only the tailnet is reachable from a host.
        `route add ${tailnetRange} via ${routerIp} dev tailscale0 src ${host.address}`,
        // Like tailscaled: accepted subnet routes go into table 52, looked up at priority 5270.
        'rule add priority 5270 lookup 52',
        // No lo1 here: like a real host, it appears when networkd or NetworkManager creates it
        // (the simulated networkctl/nmcli make a port-less bridge in place of a dummy link).
      ]),
    ),
  );
  // A Kubernetes node forwards (the wizard's preflight requires it); no default route, so
  // forwarding can only ever move packets between the lab's own addresses.
  await Promise.all(
    hosts.map((host) =>
      run(['ip', 'netns', 'exec', hostNs(host.name), 'sysctl', '-qw', 'net.ipv4.ip_forward=1']),
    ),
  );
};

const waitForPort = async (address: string, port: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({host: address, port, timeout: 500});
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new LabError(`nothing answers on ${address}:${port}`);
    await sleep(20);
  }
};

const waitForFile = async (file: string, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline)
      throw new LabError(`${what} did not start (see ${paths.coordinatorLog})`);
    await sleep(20);
  }
};

export const isUp = () => existsSync(`/run/netns/${routerNs}`);

export const readLab = (): LabState => {
  if (!existsSync(paths.labJson)) throw new LabError('the lab is not up: run npm run lab -- up');
  return JSON.parse(readFileSync(paths.labJson, 'utf8')) as LabState;
};

export const summary = (state: LabState): LabSummary => ({
  statusFile: state.statusFile,
  identityFile: state.identityFile,
  knownHostsFile: state.knownHostsFile,
  sshUser: state.sshUser,
  hosts: state.hosts.map(({name, address, role}) => ({name, address, role})),
});

export const up = async (partial: Partial<LabOptions> = {}): Promise<LabState> => {
  const options: LabOptions = {...defaultOptions, ...partial};
  requireRoot();
  validateOptions(options);
  requireTools();
  if (isUp()) throw new LabError('the lab is already up: run npm run lab -- down first');
  const hosts = planHosts(options);
  const t0 = Date.now();
  const trace = (what: string) => {
    if (process.env['HWLAB_TRACE']) process.stderr.write(`[lab +${Date.now() - t0} ms] ${what}\n`);
  };
  try {
    mkdirSync(labDir, {recursive: true, mode: 0o755});
    chmodSync(labDir, 0o755);
    for (const dir of [paths.hosts, join(paths.usr, 'bin'), paths.tailnet, paths.ssh])
      mkdirSync(dir, {recursive: true});
    chmodSync(paths.ssh, 0o700);
    // Upper dirs on a tmpfs: never on overlayfs (P5), and `down` is instant.
    await run(['mount', '-t', 'tmpfs', '-o', 'mode=755', `${prefix}-hosts`, paths.hosts]);
    copyFileSync(join(sourceDir, 'tools', 'tailscale'), join(paths.usr, 'bin', 'tailscale'));
    chmodSync(join(paths.usr, 'bin', 'tailscale'), 0o755);
    await installSimTools();
    trace('simulated cluster tools built');
    copyFileSync(join(sourceDir, 'hostinit.sh'), join(labDir, 'hostinit.sh'));
    chmodSync(join(labDir, 'hostinit.sh'), 0o755);
    rmSync(paths.identity, {force: true});
    rmSync(`${paths.identity}.pub`, {force: true});
    await run([
      'ssh-keygen',
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'hwlab-workstation',
      '-f',
      paths.identity,
    ]);
    const clientKey = readFileSync(`${paths.identity}.pub`, 'utf8');
    const containerdDefault = await run(['containerd', 'config', 'default']);

    trace('keys, tools, containerd default');
    await setupNetwork(hosts);
    trace('network');
    mkdirSync(paths.cluster, {recursive: true, mode: 0o755});
    setSimSettings({});
    // The tailnet: config for the coordinator, every node's initial prefs, auto-approval.
    for (const sub of ['nodes', 'status', 'ack'])
      mkdirSync(join(paths.tailnet, sub), {recursive: true});
    const tailnetConfig: TailnetConfig = {
      hosts: hosts.map(({name, address, role, tags}) => ({name, address, role, tags})),
      workstation: {name: workstationName, address: operatorIp, role: 'workstation', tags: []},
      failoverDelayMs: Math.round(options.failoverDelay * 1000),
      statusFile: paths.statusFile,
    };
    writeFile(join(paths.tailnet, 'config.json'), `${JSON.stringify(tailnetConfig, null, 2)}\n`);
    writeFile(
      join(paths.tailnet, 'policy.json'),
      `${JSON.stringify({autoApprove: options.autoApprove, approved: {}})}\n`,
    );
    for (const host of hosts) {
      writeFile(
        join(paths.tailnet, 'nodes', `${host.name}.json`),
        `${JSON.stringify({HostName: host.name, Seq: 0, WantRunning: true, RouteAll: false, AdvertiseRoutes: []})}\n`,
      );
    }
    const log = openSync(paths.coordinatorLog, 'a');
    const coordinator = spawn(
      process.execPath,
      ['--import', 'tsx', join(sourceDir, 'coordinator.ts'), labDir],
      {
        cwd: repoDir,
        detached: true,
        stdio: ['ignore', log, log],
      },
    );
    coordinator.unref();
    closeSync(log);
    if (coordinator.pid === undefined) throw new LabError('could not start the coordinator');
    writeFile(paths.coordinatorPid, `${coordinator.pid}\n`);

    const hostKeys = await Promise.all(
      hosts.map((host) => seedHost(host, hosts, containerdDefault, clientKey)),
    );
    trace('host files seeded');

    const sshdPids = hosts.map((host) => {
      const sshdLog = openSync(join(paths.hosts, host.name, 'sshd.log'), 'a');
      const child = spawn(
        'ip',
        [
          'netns',
          'exec',
          hostNs(host.name),
          'unshare',
          '--mount',
          '--uts',
          '--propagation',
          'private',
          join(labDir, 'hostinit.sh'),
          host.name,
          labDir,
        ],
        {detached: true, stdio: ['ignore', sshdLog, sshdLog]},
      );
      child.unref();
      closeSync(sshdLog);
      if (child.pid === undefined) throw new LabError(`could not start sshd on ${host.name}`);
      writeFileSync(join(paths.hosts, host.name, 'sshd.pid'), `${child.pid}\n`);
      return child.pid;
    });
    await Promise.all(
      hosts.map((host) =>
        waitForPort(host.address, 22, 10_000).catch(() => {
          const logText = readFileSync(join(paths.hosts, host.name, 'sshd.log'), 'utf8')
            .trim()
            .split('\n')
            .slice(-5)
            .join(' | ');
          throw new LabError(`sshd on ${host.name} (${host.address}) did not start: ${logText}`);
        }),
      ),
    );
    trace('sshd listening');
    await waitForFile(join(paths.tailnet, 'ready'), 15_000, 'the coordinator');
    trace('coordinator ready');

    writeFile(
      paths.knownHosts,
      hosts
        .map(
          (host, i) =>
            `${host.name},${host.address} ${hostKeys[i]?.split(/\s+/).slice(0, 2).join(' ')}`,
        )
        .join('\n') + '\n',
    );
    writeFile(
      paths.sshConfig,
      hosts
        .map(
          (host) =>
            `Host ${host.name}\n  HostName ${host.address}\n  User ${sshUser}\n  IdentityFile ${paths.identity}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${paths.knownHosts}\n  StrictHostKeyChecking yes\n`,
        )
        .join('\n'),
    );
    const state: LabState = {
      statusFile: paths.statusFile,
      identityFile: paths.identity,
      knownHostsFile: paths.knownHosts,
      sshUser,
      hosts: hosts.map(({name, address, role}) => ({name, address, role})),
      sshConfigFile: paths.sshConfig,
      labDir,
      coordinatorPid: coordinator.pid,
      failoverDelay: options.failoverDelay,
      details: hosts.map((host, i) => ({
        ...host,
        fingerprint: fingerprintOf(hostKeys[i] ?? ''),
        sshdPid: sshdPids[i] ?? 0,
        namespace: hostNs(host.name),
      })),
    };
    writeFile(paths.labJson, `${JSON.stringify(state, null, 2)}\n`);
    return state;
  } catch (error) {
    await down().catch(() => undefined);
    throw error;
  }
};

const processCmdline = (pid: string) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

/** Running (a zombie whose parent does not reap it counts as gone). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** The coordinator processes of this lab directory (by their command line, after a crash too). */
const coordinatorPids = () =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      const cmdline = processCmdline(pid);
      return cmdline.includes(join(sourceDir, 'coordinator.ts')) && cmdline.includes(labDir);
    })
    .map(Number);

const killAll = async (pids: readonly number[]) => {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 2000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(20);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
};

const labNamespaces = async () =>
  (await run(['ip', 'netns', 'list']))
    .split('\n')
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(`${prefix}-`));

const labMounts = () =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((target) => target === labDir || target.startsWith(`${labDir}/`))
    .sort((a, b) => b.length - a.length);

/** Removes everything the lab made (found by name), idempotent. */
export const down = async () => {
  requireRoot();
  await killAll(coordinatorPids());
  const namespaces = await labNamespaces();
  const pids = (
    await Promise.all(
      namespaces.map(async (ns) => (await runRaw(['ip', 'netns', 'pids', ns])).stdout.split('\n')),
    )
  )
    .flat()
    .filter((pid) => /^\d+$/.test(pid))
    .map(Number);
  await killAll(pids);
  for (const ns of namespaces) await runRaw(['ip', 'netns', 'del', ns]);
  const links = (await run(['ip', '-o', 'link', 'show'])).split('\n').flatMap((line) => {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    return name?.startsWith(prefix) ? [name] : [];
  });
  for (const link of links) await runRaw(['ip', 'link', 'del', link]);
  for (let i = 0; i < 64; i++) {
    if ((await runRaw(['ip', 'rule', 'del', 'lookup', String(routeTable)])).code !== 0) break;
  }
  await runRaw(['ip', 'route', 'flush', 'table', String(routeTable)]);
  for (const target of labMounts()) await runRaw(['umount', '-l', target]);
  rmSync(labDir, {recursive: true, force: true});
};

/** What the lab left on the machine; empty after `down`. */
export const leftovers = async (): Promise<string[]> => {
  const found: string[] = [];
  for (const ns of await labNamespaces()) found.push(`netns ${ns}`);
  const links = (await run(['ip', '-o', 'link', 'show'])).split('\n');
  for (const line of links) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    if (name?.startsWith(prefix)) found.push(`link ${name}`);
  }
  for (const line of (await run(['ip', 'rule', 'show'])).split('\n')) {
    if (line.includes(`lookup ${routeTable}`)) found.push(`rule ${line.trim()}`);
  }
  const table = (await runRaw(['ip', 'route', 'show', 'table', String(routeTable)])).stdout.trim();
  if (table !== '') found.push(`routes in table ${routeTable}: ${table.split('\n').length}`);
  for (const target of labMounts()) found.push(`mount ${target}`);
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (/ hwlab-/.test(line)) found.push(`mount ${line.split(' ')[4]}`);
  }
  for (const pid of coordinatorPids()) found.push(`coordinator process ${pid}`);
  const rootNet = readlinkSync('/proc/self/ns/net');
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readlinkSync(`/proc/${entry}/exe`) !== '/usr/sbin/sshd') continue;
      if (readlinkSync(`/proc/${entry}/ns/net`) !== rootNet)
        found.push(`sshd process ${entry} in another netns`);
    } catch {
      // gone, or not ours to read
    }
  }
  if (existsSync(labDir)) found.push(`directory ${labDir}`);
  return found;
};

/** Runs argv inside a lab host (its netns, mount and UTS namespace) as root. */
export const hostExec = (
  state: LabState,
  host: string,
  argv: readonly string[],
  options: {input?: string; timeoutMs?: number} = {},
) => {
  const detail = state.details.find((d) => d.name === host);
  if (!detail) throw new LabError(`no lab host ${host}`);
  return runRaw(
    ['nsenter', '-t', String(detail.sshdPid), '-n', '-m', '-u', '--', ...argv],
    options,
  );
};

/** Sets route approval (the route-approval phase): autoApprove, and approved routes per host. */
export const setPolicy = (policy: Policy) => {
  writeFile(join(paths.tailnet, 'policy.json'), `${JSON.stringify(policy)}\n`);
};

export const readPolicy = (): Policy =>
  JSON.parse(readFileSync(join(paths.tailnet, 'policy.json'), 'utf8'));

/**
 * Cuts a host off the network: its veth is set down on the router's side, like a pulled cable
 * (packets to and from it are dropped; no RST, so SSH notices only by its keepalives).
 */
export const cutHost = async (host: string) => {
  await ip(routerNs, 'link', 'set', hostLink(host), 'down');
};

/** Undoes cutHost: the link up again and the router's route to the host back (the kernel drops it with the link). */
export const mendHost = async (host: string) => {
  const state = readLab();
  const entry = state.hosts.find((h) => h.name === host);
  if (!entry) throw new LabError(`no lab host ${host}`);
  await ip(routerNs, 'link', 'set', hostLink(host), 'up');
  await ip(
    routerNs,
    'route',
    'replace',
    `${entry.address}/32`,
    'dev',
    hostLink(host),
    'src',
    routerIp,
  );
};
