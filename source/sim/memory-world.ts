// The in-process demo's world: every host's files in memory, one cluster
// store, one tailnet (tailnet.ts, the lab coordinator's model) and a network
// whose answers follow from the model, never from a socket. An address
// reaches the host that holds it (its Tailscale IP, or the VIP on its own lo1:
// Linux's local table wins), else a route the host accepted from the tailnet,
// delivered by that route's primary router; a port is open when the process
// behind it runs (the kubelet, or a static pod as static-pods.ts decides).
// Each host's SimEnv is the one the lab gives the same tools (host-env.ts),
// with memory where the lab has files, sockets and processes.
import {X509Certificate} from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type {Role} from '../core/plan/types.js';
import {apiAnswer, type ClusterState} from './cluster.js';
import {containerd16Default, containerd21Default} from './containerd-defaults.js';
import {
  defaultSettings,
  fail,
  type HttpsAnswer,
  type Probe,
  type SimEnv,
  type SimSettings,
  type ToolResult,
} from './env.js';
import {containerd16, containerd205, containerd21, containerdCli} from './host-tools.js';
import {holdsAddress, ip, linksFile, type Link} from './ip.js';
import {paths} from './kubeadm.js';
import {memoryFs, type MemoryFs} from './memory-fs.js';
import {archFile, plainCommands} from './plain-commands.js';
import {simState, staticPodTicker, type StaticPod} from './static-pods.js';
import {tailscale, type TailscaleNode, type TailscalePrefs} from './tailscale.js';
import {
  acceptedRoutes,
  emptyState,
  reconcile,
  statusJson,
  statusText,
  type PublishedPrefs,
  type TailnetHost,
  type TailnetIdentity,
  type TailnetState,
} from './tailnet.js';
import {whichScript} from '../core/remote/which.js';
import {simTools} from './tools.js';

export interface MemoryHost {
  /** Its node name (lowercase). */
  readonly name: string;
  /** The OS host name, case kept as Tailscale reports it (e.g. `CP1`). @default name */
  readonly hostName?: string;
  /** Its Tailscale IPv4. */
  readonly address: string;
  readonly role: Role | 'workstation';
  readonly tags: readonly string[];
  /** Routes it advertises (and the tailnet approved) before the run. */
  readonly advertisedRoutes: readonly string[];
  /** /etc/os-release's PRETTY_NAME. */
  readonly prettyName: string;
  /** `uname -m`. */
  readonly arch: string;
  readonly networkManager: 'systemd-networkd' | 'NetworkManager';
  /**
   * Debian 12's 1.6.20 (config version 2), sid's 2.1.9 (config version 3), or
   * 2.0.5, whose `config dump` does not migrate an older file.
   */
  readonly containerd: '1.6' | '2.0' | '2.1';
  /** /etc/containerd/config.toml as the node has it. @default its build's default config */
  readonly containerdConfig?: string;
  /**
   * Where each simulated command is installed, over `installedCommands` (null:
   * not installed). A fresh node is one as the kubeadm install guide leaves it:
   * no helm unless a test (or the demo) installs it.
   */
  readonly commands?: Readonly<Record<string, string | null>>;
}

/** A node as the kubeadm install guide and its distribution's packages leave it: everything in /usr/bin, no helm. */
export const installedCommands: Readonly<Record<string, string>> = {
  kubeadm: '/usr/bin/kubeadm',
  kubelet: '/usr/bin/kubelet',
  kubectl: '/usr/bin/kubectl',
  crictl: '/usr/bin/crictl',
  containerd: '/usr/bin/containerd',
  tailscale: '/usr/bin/tailscale',
  curl: '/usr/bin/curl',
  systemctl: '/usr/bin/systemctl',
  networkctl: '/usr/bin/networkctl',
  nmcli: '/usr/bin/nmcli',
};

/** The commands the model answers that a node may lack; everything else is the base system. */
const packagedCommands = new Set([...Object.keys(installedCommands), 'helm']);

/** sudo's secure_path: the RHEL family leaves /usr/local/bin out, Debian and Ubuntu keep it. */
const securePath = (prettyName: string): string[] =>
  /Red Hat|Rocky|Alma|Fedora|CentOS|Oracle/i.test(prettyName)
    ? ['/sbin', '/bin', '/usr/sbin', '/usr/bin']
    : ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** A login shell's PATH over SSH (sshd's default). */
const userPath = ['/usr/local/bin', '/usr/bin', '/bin'];

export interface MemoryWorldOptions {
  readonly hosts: readonly MemoryHost[];
  readonly tailnet: TailnetIdentity;
  readonly settings?: Partial<SimSettings>;
  /** How long after a host starts advertising a route the tailnet approves it (autoApprovers). */
  readonly routeApprovalMs: number;
  /** The tools' own waits (kubeadm's retries). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface MemoryWorld {
  readonly hosts: readonly MemoryHost[];
  /** A host's files (undefined for a name not in the world). */
  fs(host: string): MemoryFs | undefined;
  /** Runs argv on `host` as `uid`, as a shell would find the command. */
  run(
    host: string,
    argv: readonly string[],
    options: {readonly uid: number; readonly stdin?: string},
  ): Promise<ToolResult>;
  /** The tailnet now (reconciled at this moment). */
  tailnet(): TailnetState;
  /** The simulated cluster (CA, tokens, nodes, Helm releases), as the lab keeps it in cluster.json. */
  cluster(): ClusterState | undefined;
}

/** Where a connection from one host ends up. */
type Destination = {readonly host: string} | {readonly error: Probe};

const ports: Record<StaticPod, readonly number[]> = {
  etcd: [2379, 2380],
  'kube-apiserver': [6443],
  'kube-controller-manager': [10257],
  'kube-scheduler': [10259],
};

const inPrefix = (address: string, prefix: string): boolean => {
  try {
    const parsed = ipaddr.parse(address);
    const range = ipaddr.parseCIDR(prefix);
    return parsed.kind() === range[0].kind() && parsed.match(range);
  } catch {
    return false;
  }
};

/** A fresh host: what preflight reads, containerd's default config, three links. */
const seed = (host: MemoryHost, index: number): MemoryFs => {
  const links: Link[] = [
    {name: 'lo', up: true, addresses: ['127.0.0.1/8'], kind: 'loopback', mtu: 65536},
    {name: 'eth0', up: true, addresses: [`192.168.7.${10 + index}/24`], kind: 'ether', mtu: 1500},
    // tailscale0's MTU is 1280 (DOMAIN.md "Target topology").
    {name: 'tailscale0', up: true, addresses: [`${host.address}/32`], kind: 'none', mtu: 1280},
  ];
  return memoryFs({
    '/etc/hostname': `${host.hostName ?? host.name}\n`,
    '/etc/os-release': `PRETTY_NAME="${host.prettyName}"\nNAME="${host.prettyName.split(' ')[0] ?? 'Linux'}"\n`,
    [archFile]: `${host.arch}\n`,
    '/proc/swaps': 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n',
    '/proc/sys/net/ipv4/ip_forward': '1\n',
    '/etc/containerd/config.toml':
      host.containerdConfig ??
      (host.containerd === '1.6' ? containerd16Default : containerd21Default),
    // What containerd read at its last start: both default configs leave SystemdCgroup false.
    [simState.containerd]: '{"systemdCgroup":false}\n',
    [linksFile]: `${JSON.stringify(links, null, 1)}\n`,
  });
};

const commandsOf = (machine: MemoryHost | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries({...installedCommands, ...machine?.commands}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );

/**
 * `sh -c SCRIPT sh ARGS`: the model runs one script, the wizard's command
 * lookup (core/remote/which.ts), whose PATH covers every system directory.
 */
const sh = (installed: Record<string, string>, argv: readonly string[]): ToolResult => {
  const [flag, script, , ...args] = argv;
  if (flag !== '-c' || script !== whichScript)
    return fail(2, 'sh: the simulated host runs no shell scripts but the command lookup\n');
  return {
    code: 0,
    stdout: args.flatMap((tool) => (installed[tool] ? [`${installed[tool]}\n`] : [])).join(''),
    stderr: '',
  };
};

export const memoryWorld = (options: MemoryWorldOptions): MemoryWorld => {
  const now = options.now ?? Date.now;
  const settings: SimSettings = {...defaultSettings, ...options.settings};
  const hosts = new Map(options.hosts.map((host) => [host.name, host]));
  const files = new Map(options.hosts.map((host, index) => [host.name, seed(host, index)]));
  const processes = new Map(options.hosts.map((host) => [host.name, new Set<string>()]));
  const tickers = new Map<string, () => ReadonlySet<StaticPod>>();
  const tailnetHosts: TailnetHost[] = options.hosts.map(
    ({name, hostName, address, role, tags}) => ({
      name,
      ...(hostName === undefined ? {} : {hostName}),
      address,
      role,
      tags,
    }),
  );
  let cluster: ClusterState | undefined;

  const prefs = new Map<string, TailscalePrefs>(
    options.hosts.map((host) => [
      host.name,
      {wantRunning: true, routeAll: false, advertiseRoutes: [...host.advertisedRoutes]},
    ]),
  );
  let seq = 0;
  const published = (): Record<string, PublishedPrefs> =>
    Object.fromEntries(
      [...prefs].map(([name, p]) => [
        name,
        {
          HostName: name,
          Seq: seq,
          WantRunning: p.wantRunning,
          RouteAll: p.routeAll,
          AdvertiseRoutes: p.advertiseRoutes,
        },
      ]),
    );
  // Routes advertised before the run were approved long ago (time 0).
  let tailnetState = reconcile(
    emptyState,
    published(),
    {autoApprove: true, approved: {}},
    0,
    0,
  ).state;
  const reconcileNow = (): TailnetState => {
    const at = now();
    // autoApprovers at work: a route is approved routeApprovalMs after it was first advertised.
    const approved = Object.fromEntries(
      [...prefs].map(([name, p]) => [
        name,
        p.advertiseRoutes.filter(
          (prefix) =>
            (tailnetState.nodes[name]?.advertised[prefix] ?? at) + options.routeApprovalMs <= at,
        ),
      ]),
    );
    tailnetState = reconcile(
      tailnetState,
      published(),
      {autoApprove: false, approved},
      at,
      15_000,
    ).state;
    return tailnetState;
  };

  const fsOf = (host: string): MemoryFs => {
    const found = files.get(host);
    if (!found) throw new Error(`no host ${host} in the demo world`);
    return found;
  };
  const running = (host: string, unit: string) => processes.get(host)?.has(unit) ?? false;
  const pods = (host: string): ReadonlySet<StaticPod> => {
    if (!running(host, 'kubelet')) return new Set();
    let ticker = tickers.get(host);
    if (!ticker) {
      ticker = staticPodTicker(envOf(host, 0));
      tickers.set(host, ticker);
    }
    return ticker();
  };
  const openPorts = (host: string): Set<number> => {
    const open = new Set([22]);
    if (running(host, 'kubelet')) for (const port of [10248, 10250]) open.add(port);
    for (const pod of pods(host)) for (const port of ports[pod]) open.add(port);
    return open;
  };

  const destination = (from: string, target: string): Destination => {
    const self = hosts.get(from);
    if (target === '127.0.0.1' || target === 'localhost' || target === self?.address)
      return {host: from};
    if (holdsAddress({fs: fsOf(from)}, target)) return {host: from};
    const direct = options.hosts.find((host) => host.address === target);
    if (direct) return {host: direct.name};
    const state = reconcileNow();
    const route = acceptedRoutes(state, from).find((prefix) => inPrefix(target, prefix));
    const router = route === undefined ? undefined : state.primaries[route];
    if (router === undefined) return {error: 'unreachable'};
    // The primary router delivers locally only if it holds the address (the VIP on lo1).
    return holdsAddress({fs: fsOf(router)}, target) ? {host: router} : {error: 'timeout'};
  };

  const probe = (from: string) => async (target: string, port: number) => {
    const to = destination(from, target);
    if ('error' in to) return to.error;
    return openPorts(to.host).has(port) ? 'open' : 'refused';
  };

  const get =
    (from: string) =>
    async (url: string, caPem: string | undefined): Promise<HttpsAnswer> => {
      const parsed = new URL(url);
      const target = parsed.hostname.replace(/^\[|\]$/g, '');
      const port = Number(parsed.port || 443);
      const to = destination(from, target);
      if ('error' in to) return {error: to.error};
      if (!openPorts(to.host).has(port)) return {error: 'refused'};
      const certPem = fsOf(to.host).read(`${paths.pki}/apiserver.crt`);
      if (port !== 6443 || certPem === undefined)
        return {error: 'tls', tls: 'tls: first record does not look like a TLS handshake'};
      if (caPem !== undefined) {
        // kubectl and helm verify the apiserver against the kubeconfig's CA, as for real.
        const served = new X509Certificate(certPem);
        const ca = new X509Certificate(caPem);
        if (!served.checkIssued(ca) || !served.verify(ca.publicKey))
          return {
            error: 'tls',
            tls: `tls: failed to verify certificate: x509: certificate signed by unknown authority`,
          };
        const named = ipaddr.isValid(target) ? served.checkIP(target) : served.checkHost(target);
        if (named === undefined)
          return {
            error: 'tls',
            tls: `tls: failed to verify certificate: x509: certificate is not valid for ${target}`,
          };
      }
      const answer = apiAnswer(
        cluster,
        parsed.pathname,
        parsed.searchParams,
        settings.kubeadmVersion,
        now(),
      );
      return {status: answer.status, body: answer.body};
    };

  const tailscaleNode = (host: string, uid: number): TailscaleNode => {
    const self = tailnetHosts.find((candidate) => candidate.name === host);
    return {
      uid,
      version: options.tailnet.version,
      prefs: () => prefs.get(host) ?? {wantRunning: false, routeAll: false, advertiseRoutes: []},
      setPrefs: (next) => {
        prefs.set(host, next);
        seq++;
        reconcileNow();
      },
      statusJson: () =>
        self ? statusJson(options.tailnet, self, tailnetHosts, reconcileNow(), now()) : {},
      statusText: () => (self ? statusText(self, tailnetHosts, reconcileNow()) : ''),
    };
  };

  const envs = new Map<string, SimEnv>();
  function envOf(host: string, uid: number): SimEnv {
    const key = `${host}/${uid}`;
    const existing = envs.get(key);
    if (existing) return existing;
    const machine = hosts.get(host);
    const index = options.hosts.findIndex((candidate) => candidate.name === host);
    const procs = processes.get(host) ?? new Set<string>();
    const env: SimEnv = {
      host,
      uid,
      pid: 4100 + index,
      facts: {
        host,
        role: machine?.role ?? 'worker',
        networkManager: machine?.networkManager ?? 'systemd-networkd',
        containerd: {'1.6': '1.6.20', '2.0': '2.0.5', '2.1': '2.1.9'}[machine?.containerd ?? '1.6'],
        containerdConfigVersion: machine?.containerd === '1.6' ? 2 : 3,
      },
      settings,
      now,
      sleep: options.sleep,
      fs: fsOf(host),
      cluster: {
        read: () => cluster,
        update: (fn) => {
          const [next, result] = fn(cluster);
          cluster = next;
          return result;
        },
      },
      net: {probe: probe(host), get: get(host)},
      // A unit "runs" once started: its behaviour is the model's (the kubelet's is static-pods.ts).
      procs: {
        start: (unit) => void procs.add(unit),
        stop: (unit) => void procs.delete(unit),
        running: (unit) => procs.has(unit),
      },
      // A tool's own calls (systemd starting containerd from its unit) name the binary; no PATH search.
      exec: (argv, stdin) =>
        run(host, argv, {uid, internal: true, ...(stdin === undefined ? {} : {stdin})}),
      agentArgv: ['hwlab-agent'],
    };
    envs.set(key, env);
    return env;
  }

  async function run(
    host: string,
    argv: readonly string[],
    {
      uid,
      stdin = '',
      internal = false,
    }: {readonly uid: number; readonly stdin?: string; readonly internal?: boolean},
  ): Promise<ToolResult> {
    const [given = '', ...rest] = argv;
    const env = envOf(host, uid);
    const machine = hosts.get(host);
    const installed = commandsOf(machine);
    // A path names its file; a bare name is searched on PATH (sudo's secure_path for root).
    const command = given.includes('/')
      ? (Object.entries(installed).find(([, path]) => path === given)?.[0] ??
        (packagedCommands.has(given.slice(given.lastIndexOf('/') + 1))
          ? ''
          : given.slice(given.lastIndexOf('/') + 1)))
      : given;
    if (command === '') return fail(127, `sh: 1: ${given}: not found\n`);
    if (!internal && !given.includes('/') && packagedCommands.has(command)) {
      const path = installed[command];
      const search = uid === 0 ? securePath(machine?.prettyName ?? '') : userPath;
      if (path === undefined || !search.includes(path.slice(0, path.lastIndexOf('/'))))
        return uid === 0
          ? fail(1, `sudo: ${command}: command not found\n`)
          : fail(127, `sh: 1: ${command}: not found\n`);
    }
    if (command === 'sh') return sh(installed, rest);
    if (Object.hasOwn(simTools, command)) return simTools[command]!(env, rest, stdin);
    if (command === 'containerd')
      return containerdCli(
        env,
        rest,
        {
          '1.6': () => containerd16(containerd16Default),
          '2.0': () => containerd205(containerd21Default),
          '2.1': () => containerd21(containerd21Default),
        }[hosts.get(host)?.containerd ?? '1.6'](),
      );
    if (command === 'tailscale') return tailscale(tailscaleNode(host, uid), rest);
    if (command === 'ip') return ip(env, rest);
    if (Object.hasOwn(plainCommands, command)) return plainCommands[command]!(env, rest);
    return fail(127, `sh: 1: ${command}: not found\n`);
  }

  return {
    hosts: options.hosts,
    fs: (host) => files.get(host),
    run,
    tailnet: reconcileNow,
    cluster: () => cluster,
  };
};
