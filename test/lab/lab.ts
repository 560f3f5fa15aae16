// `up` and `down` for the lab: hosts (netns + private mount/UTS namespace +
// their own sshd and tailscaled), the underlay router with no uplink, the
// control server (Headscale), the workstation's tailscaled, and the root
// namespace's policy routing. Everything is named `hwlab-*` or lives under the
// lab directory, so `down` finds it by name after a crash.
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
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
  hostNs,
  labDir,
  lanRange,
  lanVip,
  magicDnsSuffix,
  maxHosts,
  paths,
  planHosts,
  prefix,
  repoDir,
  routeTable,
  routerNs,
  sourceDir,
  sshUid,
  sshUser,
  type HostPlan,
  type LabOptions,
  type Role,
} from './config.js';
import {labBinaries, requireBinaries} from './binaries.js';
import {
  cutHost as cutLink,
  mendHost as mendLink,
  setRelayed,
  setupLan,
  setupNetwork,
} from './network.js';
import {LabError, run, runRaw, sleep} from './system.js';
import {
  joinHost,
  labHeadscale,
  refreshStatusFile,
  startHeadscale,
  startWorkstation,
} from './tailnet.js';

/** What `up --json` prints (its last line), exactly these keys. */
export interface LabSummary {
  readonly statusFile: string;
  readonly identityFile: string;
  readonly knownHostsFile: string;
  readonly sshUser: string;
  /** `address` is the host's Tailscale IPv4, given by Headscale. */
  readonly hosts: ReadonlyArray<{
    readonly name: string;
    readonly address: string;
    readonly role: Role;
  }>;
  /** What to put before `node dist/cli.js …` so the wizard reaches the tailnet (empty: it does from here). */
  readonly run: readonly string[];
  readonly headscale: {readonly url: string; readonly apiKeyFile: string};
  /** With `up --lan`: the hosts' shared LAN and a free address on it for the VIP. */
  readonly lan?: {readonly cidr: string; readonly vip: string};
}

/** Everything the lab knows about itself, in lab.json. */
export interface LabState extends LabSummary {
  readonly sshConfigFile: string;
  readonly labDir: string;
  readonly headscalePid: number;
  readonly workstationPid: number;
  readonly haProbeInterval: number;
  readonly details: ReadonlyArray<
    HostPlan & {
      readonly address: string;
      readonly fingerprint: string;
      readonly sshdPid: number;
      readonly namespace: string;
    }
  >;
}

const requireRoot = () => {
  if (process.getuid?.() !== 0)
    throw new LabError('the lab needs root (it creates network namespaces and mounts)');
};

const requireTools = (options: LabOptions) => {
  const needed: Array<[string, string]> = [
    // The LAN endpoints' daemons run for real inside the hosts.
    ...(options.lan
      ? ([
          ['/usr/sbin/keepalived', 'keepalived'],
          ['/usr/sbin/haproxy', 'haproxy'],
        ] as Array<[string, string]>)
      : []),
    ['/usr/sbin/sshd', 'openssh-server'],
    ['/usr/bin/ssh-keygen', 'openssh-client'],
    ['/usr/bin/sudo', 'sudo'],
    ['/usr/bin/containerd', 'containerd'],
    ['/usr/bin/unshare', 'util-linux'],
    ['/usr/bin/nsenter', 'util-linux'],
    ['/usr/sbin/nft', 'nftables'],
  ];
  for (const [file, pkg] of needed) {
    if (!existsSync(file))
      throw new LabError(`${pkg} is not installed: run test/lab/install-deps.sh`);
  }
  if (!existsSync('/usr/sbin/ip') && !existsSync('/usr/bin/ip') && !existsSync('/sbin/ip')) {
    throw new LabError('iproute2 is not installed: run test/lab/install-deps.sh');
  }
  if (!existsSync('/dev/net/tun'))
    throw new LabError('/dev/net/tun is missing: tailscaled needs TUN (modprobe tun)');
  requireBinaries();
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
  if (!(options.haProbeInterval >= 2 && options.haProbeInterval <= 600)) {
    // Headscale's own floor: probe_interval >= 2 s, probe_timeout >= 1 s (config.go).
    throw new LabError(
      `--ha-probe-interval must be 2 to 600 seconds, got ${options.haProbeInterval}`,
    );
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
ListenAddress 0.0.0.0:22
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
const seedHost = async (host: HostPlan, containerdV2Config: string, clientKey: string) => {
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
    // The other hosts' Tailscale addresses are added once Headscale has given them out.
    `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n`,
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

/** The real tailnet's binaries on every host: tailscaled, and tailscale behind its call-log line. */
const installTailscale = () => {
  const binaries = labBinaries();
  const install = (from: string, to: string) => {
    mkdirSync(join(to, '..'), {recursive: true});
    // A hard link when the cache is on the same file system (instant), else a copy.
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
    chmodSync(to, 0o755);
  };
  install(binaries.tailscaled, join(paths.usr, 'sbin', 'tailscaled'));
  install(binaries.tailscale, join(paths.usr, 'lib', 'hwlab', 'bin', 'tailscale'));
  for (const [tool, to] of [
    ['tailscale-logged', join(paths.usr, 'bin', 'tailscale')],
    ['tailscaled-start', join(paths.usr, 'lib', 'hwlab', 'tailscaled-start')],
    ['tailscaled-ctl', join(paths.usr, 'lib', 'hwlab', 'tailscaled-ctl')],
  ] as const) {
    copyFileSync(join(sourceDir, 'tools', tool), to);
    chmodSync(to, 0o755);
  }
};

/**
 * helm as its install script leaves it, in /usr/local/bin (outside sudo's secure_path on the RHEL
 * family): no lab host has helm until a test or `npm run lab -- install-helm HOST` puts it there,
 * as no node has it after the kubeadm install guide. The simulated tools are one shim, named by
 * its file name, so a copy of kubectl's named helm is the simulated helm.
 */
export const installHelm = async (state: LabState, host: string) => {
  const result = await hostExec(state, host, [
    'install',
    '-D',
    '-m',
    '0755',
    '/usr/bin/kubectl',
    '/usr/local/bin/helm',
  ]);
  if (result.code !== 0) throw new LabError(`could not install helm on ${host}: ${result.stderr}`);
};

/** The simulated tools' knobs (source/sim/env.ts SimSettings), e.g. a short certificate-key lifetime for tests. */
export const setSimSettings = (settings: Record<string, unknown>) => {
  writeFile(join(paths.cluster, 'settings.json'), `${JSON.stringify(settings)}\n`);
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
  run: state.run,
  headscale: state.headscale,
  ...(state.lan ? {lan: state.lan} : {}),
});

const startHost = (host: HostPlan) => {
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
};

/** Runs argv inside a host started by startHost, before lab.json exists. */
const execIn = (sshdPid: number) => (argv: readonly string[], input?: string) =>
  runRaw(['nsenter', '-t', String(sshdPid), '-n', '-m', '-u', '--', ...argv], {
    timeoutMs: 90_000,
    ...(input === undefined ? {} : {input}),
  });

export const up = async (partial: Partial<LabOptions> = {}): Promise<LabState> => {
  const options: LabOptions = {...defaultOptions, ...partial};
  requireRoot();
  validateOptions(options);
  requireTools(options);
  if (isUp()) throw new LabError('the lab is already up: run npm run lab -- down first');
  const hosts = planHosts(options);
  const t0 = Date.now();
  const trace = (what: string) => {
    if (process.env['HWLAB_TRACE']) process.stderr.write(`[lab +${Date.now() - t0} ms] ${what}\n`);
  };
  try {
    mkdirSync(labDir, {recursive: true, mode: 0o755});
    chmodSync(labDir, 0o755);
    for (const dir of [paths.hosts, join(paths.usr, 'bin'), paths.ssh])
      mkdirSync(dir, {recursive: true});
    chmodSync(paths.ssh, 0o700);
    // Upper dirs on a tmpfs: never on overlayfs (P5), and `down` is instant.
    await run(['mount', '-t', 'tmpfs', '-o', 'mode=755', `${prefix}-hosts`, paths.hosts]);
    installTailscale();
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
    if (options.lan) await setupLan(hosts);
    trace('network');
    mkdirSync(paths.cluster, {recursive: true, mode: 0o755});
    setSimSettings({});
    const headscale = await startHeadscale({
      autoApprove: options.autoApprove,
      probeInterval: options.haProbeInterval,
      probeTimeout: options.haProbeInterval / 2,
    });
    trace('headscale');

    const hostKeys = await Promise.all(
      hosts.map((host) => seedHost(host, containerdDefault, clientKey)),
    );
    trace('host files seeded');
    const sshdPids = hosts.map(startHost);
    const workstationPid = await startWorkstation(headscale.keys.workstation);
    trace('workstation on the tailnet');
    // Each host's tailscaled started inside it (hostinit.sh). Logged in one after the other, so
    // Headscale's sequential allocation gives the same addresses and node IDs on every `up`
    // (the workstation .1, cp1 .2, …): a replay on a fresh lab sends the same commands.
    const addresses: string[] = [];
    for (const [i, host] of hosts.entries()) {
      addresses.push(
        await joinHost(
          execIn(sshdPids[i] ?? 0),
          host.name,
          host.role === 'control-plane' ? headscale.keys.controlPlane : headscale.keys.worker,
        ),
      );
    }
    trace('hosts on the tailnet');
    // As MagicDNS would answer (the lab runs with --accept-dns=false): every host's name.
    const hostsFile = `127.0.0.1\tlocalhost\n${hosts.map((host, i) => `${addresses[i]}\t${host.name}.${magicDnsSuffix} ${host.name}`).join('\n')}\n`;
    await Promise.all(
      hosts.map((host, i) =>
        execIn(sshdPids[i] ?? 0)(
          ['sh', '-c', 'cat > /etc/hosts'],
          hostsFile.replace(
            '127.0.0.1\tlocalhost\n',
            `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n`,
          ),
        ),
      ),
    );
    await Promise.all(
      hosts.map((host, i) =>
        waitForPort(addresses[i] ?? '', 22, 20_000).catch(() => {
          const logText = readFileSync(join(paths.hosts, host.name, 'sshd.log'), 'utf8')
            .trim()
            .split('\n')
            .slice(-5)
            .join(' | ');
          throw new LabError(
            `sshd on ${host.name} does not answer at its Tailscale address ${addresses[i]}: ${logText}`,
          );
        }),
      ),
    );
    trace('sshd answers over the tailnet');
    await refreshStatusFile();

    writeFile(
      paths.knownHosts,
      hosts
        .map(
          (host, i) =>
            `${host.name},${addresses[i]} ${hostKeys[i]?.split(/\s+/).slice(0, 2).join(' ')}`,
        )
        .join('\n') + '\n',
    );
    writeFile(
      paths.sshConfig,
      hosts
        .map(
          (host, i) =>
            `Host ${host.name}\n  HostName ${addresses[i]}\n  User ${sshUser}\n  IdentityFile ${paths.identity}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${paths.knownHosts}\n  StrictHostKeyChecking yes\n`,
        )
        .join('\n'),
    );
    const state: LabState = {
      statusFile: paths.statusFile,
      identityFile: paths.identity,
      knownHostsFile: paths.knownHosts,
      sshUser,
      hosts: hosts.map(({name, role}, i) => ({name, address: addresses[i] ?? '', role})),
      run: [],
      headscale: labHeadscale(),
      ...(options.lan ? {lan: {cidr: lanRange, vip: lanVip}} : {}),
      sshConfigFile: paths.sshConfig,
      labDir,
      headscalePid: headscale.pid,
      workstationPid,
      haProbeInterval: options.haProbeInterval,
      details: hosts.map((host, i) => ({
        ...host,
        address: addresses[i] ?? '',
        fingerprint: fingerprintOf(hostKeys[i] ?? ''),
        sshdPid: sshdPids[i] ?? 0,
        namespace: hostNs(host.name),
      })),
    };
    writeFile(paths.labJson, `${JSON.stringify(state, null, 2)}\n`);
    return state;
  } catch (error) {
    // HWLAB_KEEP=1 leaves a failed lab as it is, to look at (then `npm run lab -- down`).
    if (!process.env['HWLAB_KEEP']) await down().catch(() => undefined);
    throw error;
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

/** A process may exit between `alive` and the signal (a lab test's teardown met ESRCH): gone is done. */
const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
};

const killAll = async (pids: readonly number[]) => {
  for (const pid of pids) if (alive(pid)) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 2000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(20);
  for (const pid of pids) if (alive(pid)) signal(pid, 'SIGKILL');
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
  const rootNet = readlinkSync('/proc/self/ns/net');
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (!['sshd', 'tailscaled', 'headscale'].includes(name)) continue;
      if (readlinkSync(`/proc/${entry}/ns/net`) !== rootNet)
        found.push(`${name} process ${entry} in another netns`);
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

/** Cuts a host off the underlay, like a pulled cable (see network.ts). */
export const cutHost = (host: string) => cutLink(host);

/** Undoes cutHost. */
export const mendHost = async (host: string) => {
  const entry = readLab().details.find((h) => h.name === host);
  if (!entry) throw new LabError(`no lab host ${host}`);
  await mendLink(host, entry.underlay);
};

/** Puts these hosts behind a NAT no direct path gets through (their paths go through DERP); none: all direct. */
export const relay = async (hosts: readonly string[]) => {
  const state = readLab();
  for (const host of hosts)
    if (!state.details.some((h) => h.name === host)) throw new LabError(`no lab host ${host}`);
  await setRelayed(
    state.details.filter((h) => hosts.includes(h.name)),
    state.details,
  );
};

/** The host's tailscaled processes: found through its network namespace, as there is no PID namespace. */
const tailscaledPids = async (host: string) => {
  const pids = (await runRaw(['ip', 'netns', 'pids', hostNs(host)])).stdout.split('\n');
  return pids.filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'tailscaled';
    } catch {
      return false;
    }
  });
};

/** Stops a host's tailscaled (SIGTERM: it logs off the way a stopped service does). */
export const stopTailscaled = async (host: string) => {
  const pids = await tailscaledPids(host);
  for (const pid of pids) process.kill(Number(pid), 'SIGTERM');
  for (let i = 0; i < 200; i++) {
    if ((await tailscaledPids(host)).length === 0) return;
    await sleep(25);
  }
  throw new LabError(`tailscaled on ${host} did not stop`);
};

/** Starts a host's tailscaled again; it logs in with its saved state. */
export const startTailscaled = async (state: LabState, host: string) => {
  const started = await hostExec(state, host, ['/usr/lib/hwlab/tailscaled-start']);
  if (started.code !== 0)
    throw new LabError(`tailscaled on ${host} did not start: ${started.stderr}`);
};
