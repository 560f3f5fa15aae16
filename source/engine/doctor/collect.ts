// Doctor's evidence, read from every host over its Host (ssh2 or local):
// argv arrays only, files read with sudo where kubeadm keeps them 0600. Every
// command is read-only. A host that cannot be reached is recorded as such, so
// the report says "could not look" for it instead of failing as a whole.
import {haproxyStatsCsvUrl} from '../../core/artifacts/haproxy.js';
import {healthGateUnitName} from '../../core/artifacts/health-gate.js';
import {kubeVipManifestPath} from '../../core/artifacts/kube-vip.js';
import {lo1Interface} from '../../core/artifacts/networkd.js';
import {apiserverCertPath} from '../../core/doctor/certificate-san.js';
import {kubeletConfigPath} from '../../core/doctor/cgroup-driver.js';
import {tailscaleInterface} from '../../core/doctor/mtu.js';
import type {
  ClusterEvidence,
  CommandOutput,
  HostEvidence,
  NetworkManagerName,
} from '../../core/doctor/evidence.js';
import {isLanEndpoint, type EndpointKind} from '../../core/plan/endpoint.js';
import type {Plan, PlanNode} from '../../core/plan/types.js';
import {pathPingArgv} from '../../core/tailnet/ping.js';
import {parsePrefs} from '../../core/tailnet/prefs.js';
import {ControlApiError, controlApiFor, type ControlApiConfig} from '../control/control-api.js';
import {withCommandPaths} from '../host/command-paths.js';
import type {Host} from '../host/host.js';
import {helmGetValuesArgv} from '../phases/cilium.js';
import {addressesArgv} from '../phases/preflight-lan.js';
import {observersOf} from '../phases/route-approval.js';
import {localReadyz, readyzArgv} from '../phases/steps/readyz.js';

export interface CollectOptions {
  readonly hostFor: (node: PlanNode) => Host;
  /** Seconds between the two `crictl ps -a` samples (restarts meanwhile are a loop). */
  readonly sampleSeconds?: number;
  /** The control server's API (doctor --headscale-api-key-file / --tailscale-api-key-file). */
  readonly controlApi?: ControlApiConfig;
  readonly signal?: AbortSignal;
}

const commandTimeoutMs = 30_000;

/** The packaged commands doctor runs (a tool in /usr/local/bin is called by its path). */
export const doctorCommands = ['containerd', 'crictl', 'kubelet', 'kubeadm', 'tailscale', 'curl'];

const run = async (
  host: Host,
  argv: readonly string[],
  signal: AbortSignal | undefined,
  sudo = false,
): Promise<CommandOutput> => {
  const {code, stdout, stderr} = await host.exec(argv, {
    sudo,
    timeoutMs: commandTimeoutMs,
    ...(signal ? {signal} : {}),
  });
  return {code, stdout, stderr};
};

const wait = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

const networkManagerOf = (output: CommandOutput): NetworkManagerName | 'none' => {
  const [networkd, nm] = output.stdout.split('\n').map((line) => line.trim());
  return networkd === 'active' ? 'systemd-networkd' : nm === 'active' ? 'NetworkManager' : 'none';
};

/** The Tailscale VIP's own evidence on a control plane: lo1, its health gate, who manages lo1. */
const collectTailscaleVip = async (
  host: Host,
  signal: AbortSignal | undefined,
): Promise<Partial<HostEvidence>> => ({
  lo1: await run(host, ['ip', '-j', 'addr', 'show', 'dev', lo1Interface], signal),
  healthGate: await run(host, ['systemctl', 'is-active', healthGateUnitName], signal),
  networkManager: networkManagerOf(
    await run(host, ['systemctl', 'is-active', 'systemd-networkd', 'NetworkManager'], signal),
  ),
});

/**
 * A LAN endpoint's evidence on a control plane (issue 11): its addresses (the
 * VIP on it or not), and keepalived, HAProxy and HAProxy's own view of its
 * backends, or kube-vip's manifest.
 */
const collectLanEndpoint = async (
  host: Host,
  endpoint: EndpointKind,
  signal: AbortSignal | undefined,
): Promise<Partial<HostEvidence>> => {
  const lanAddresses = await run(host, addressesArgv(), signal);
  if (endpoint === 'kube-vip')
    return {
      lanAddresses,
      kubeVipManifest: (await host.readFile(kubeVipManifestPath, {sudo: true})) ?? null,
    };
  return {
    lanAddresses,
    keepalivedActive: await run(host, ['systemctl', 'is-active', 'keepalived'], signal),
    haproxyActive: await run(host, ['systemctl', 'is-active', 'haproxy'], signal),
    haproxyStats: await run(host, ['curl', '-sS', '--max-time', '5', haproxyStatsCsvUrl], signal),
  };
};

const collectControlPlane = async (
  host: Host,
  endpoint: EndpointKind,
  signal: AbortSignal | undefined,
  sampleSeconds: number,
): Promise<Partial<HostEvidence>> => {
  const started = Date.now();
  const first = await run(host, ['crictl', 'ps', '-a'], signal, true);
  const readyz = await run(host, readyzArgv(localReadyz), signal);
  const apiserverCert = (await host.readFile(apiserverCertPath, {sudo: true})) ?? null;
  const endpointEvidence = isLanEndpoint(endpoint)
    ? await collectLanEndpoint(host, endpoint, signal)
    : await collectTailscaleVip(host, signal);
  await wait(Math.max(0, sampleSeconds * 1000 - (Date.now() - started)), signal);
  const second = await run(host, ['crictl', 'ps', '-a'], signal, true);
  return {crictl: {first, second, sampleSeconds}, readyz, apiserverCert, ...endpointEvidence};
};

/** Everything doctor reads on one host; `unreachable` when the host could not be reached. */
export const collectHost = async (
  host: Host,
  node: PlanNode,
  options: Pick<CollectOptions, 'sampleSeconds' | 'signal'> & {
    /** The other control planes' addresses (pinged from a control plane). */
    readonly peers?: readonly string[];
    /** The cluster's API endpoint: what else a control plane is asked (the Tailscale VIP's when absent). */
    readonly endpoint?: EndpointKind;
  } = {},
): Promise<HostEvidence> => {
  const base = {host: node.name, role: node.role, ip: node.ip, dnsName: node.dnsName};
  const {signal} = options;
  try {
    host = await withCommandPaths(host, doctorCommands, signal);
    const sentAt = Date.now() / 1000;
    const date = await run(host, ['date', '+%s.%N'], signal);
    const receivedAt = Date.now() / 1000;
    const remote = Number(date.stdout.trim());
    const common = {
      ...(Number.isFinite(remote) && date.code === 0 ? {clock: {remote, sentAt, receivedAt}} : {}),
      containerdDump: await run(host, ['containerd', 'config', 'dump'], signal, true),
      kubeletConfig: (await host.readFile(kubeletConfigPath, {sudo: true})) ?? null,
      kubeletActive: await run(host, ['systemctl', 'is-active', 'kubelet'], signal),
      kubeletVersion: await run(host, ['kubelet', '--version'], signal),
      swaps: await run(host, ['cat', '/proc/swaps'], signal),
      prefs: await run(host, ['tailscale', 'debug', 'prefs'], signal),
      selfStatus: await run(host, ['tailscale', 'status', '--json'], signal),
      tailscaleLink: await run(
        host,
        ['ip', '-j', 'link', 'show', 'dev', tailscaleInterface],
        signal,
      ),
    };
    const controlPlane =
      node.role === 'control-plane'
        ? await collectControlPlane(
            host,
            options.endpoint ?? 'tailscale-vip',
            signal,
            options.sampleSeconds ?? 5,
          )
        : {};
    // The path to each other control plane, as etcd's traffic takes it.
    const pings =
      node.role === 'control-plane'
        ? await Promise.all(
            (options.peers ?? []).map(async (peer) => ({
              peer,
              output: await run(host, pathPingArgv(peer), signal),
            })),
          )
        : undefined;
    return {...base, ...common, ...controlPlane, ...(pings ? {pings} : {})};
  } catch (error) {
    return {...base, unreachable: error instanceof Error ? error.message : String(error)};
  }
};

/** Evidence from every node of the plan, in parallel, plus the tailnet's view of the VIP. */
export const collectEvidence = async (
  plan: Plan,
  options: CollectOptions,
): Promise<ClusterEvidence> => {
  const collectedAt = Date.now();
  const {endpoint} = plan.network;
  const controlPlanes = plan.nodes.filter((node) => node.role === 'control-plane');
  const hosts = await Promise.all(
    plan.nodes.map((node) =>
      collectHost(options.hostFor(node), node, {
        ...options,
        endpoint,
        peers: controlPlanes
          .filter((other) => other.name !== node.name)
          .map((other) => other.ip || other.dnsName),
      }),
    ),
  );
  // Who routes the VIP, as a node that does not route it sees it: workers first (a router that
  // took over by failover may not see the route in its own Self.PrimaryRoutes), then the others.
  const candidates = observersOf(plan).filter(
    (node) => hosts.find((entry) => entry.host === node.name)?.unreachable === undefined,
  );
  // A LAN endpoint's VIP is no subnet route: nobody routes it, and no route needs approving.
  const observer = endpoint === 'tailscale-vip' ? candidates[0] : undefined;
  let status: ClusterEvidence['status'];
  if (observer) {
    try {
      status = {
        observer: observer.name,
        output: await run(
          options.hostFor(observer),
          ['tailscale', 'status', '--json'],
          options.signal,
        ),
      };
    } catch {
      status = undefined;
    }
  }
  const approvals =
    options.controlApi && endpoint === 'tailscale-vip'
      ? await collectApprovals(controlPlanes, options.controlApi, async () => {
          const first = controlPlanes[0];
          if (!first) return undefined;
          const prefs = await run(
            options.hostFor(first),
            ['tailscale', 'debug', 'prefs'],
            options.signal,
          );
          return parsePrefs(prefs.stdout)?.controlUrl;
        })
      : undefined;
  const cilium = await ciliumValuesFrom(
    controlPlanes.filter(
      (node) => hosts.find((entry) => entry.host === node.name)?.unreachable === undefined,
    ),
    options,
  );
  return {
    vip: plan.network.vip,
    endpoint,
    serviceCidr: plan.network.serviceCidr,
    collectedAt,
    hosts,
    ...(status ? {status} : {}),
    ...(approvals ? {approvals} : {}),
    ...(cilium ? {cilium} : {}),
  };
};

/** Each control plane's routes from the control server's API; an error is kept per host. */
const collectApprovals = async (
  controlPlanes: readonly PlanNode[],
  config: ControlApiConfig,
  controlUrl: () => Promise<string | undefined>,
): Promise<NonNullable<ClusterEvidence['approvals']>> => {
  const api = controlApiFor(config, controlUrl);
  const hosts = [];
  for (const node of controlPlanes) {
    try {
      const routes = await api.routes({id: node.id, name: node.name, ip: node.ip});
      hosts.push({host: node.name, id: node.id, ...routes});
    } catch (error) {
      hosts.push({
        host: node.name,
        id: node.id,
        error: error instanceof ControlApiError ? error.message : String(error),
      });
    }
  }
  return {source: api.description, hosts};
};

/**
 * Cilium's Helm values (its MTU), from the first control plane that can give
 * them: the init node installed Cilium, but any control plane has admin.conf.
 */
const ciliumValuesFrom = async (
  controlPlanes: readonly PlanNode[],
  options: CollectOptions,
): Promise<ClusterEvidence['cilium']> => {
  // When none can, the first one's answer is reported: the init node's, where Cilium was installed.
  let first: ClusterEvidence['cilium'];
  for (const node of controlPlanes) {
    try {
      const output = await run(options.hostFor(node), helmGetValuesArgv(), options.signal, true);
      if (output.code === 0) return {host: node.name, output};
      first ??= {host: node.name, output};
    } catch {
      // Unreachable since the hosts were read: try the next one.
    }
  }
  return first;
};
