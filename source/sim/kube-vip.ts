// kube-vip v1.1.2 as the simulated kubelet runs it from
// /etc/kubernetes/manifests/kube-vip.yaml (ARP mode, control plane, leader
// election): the settings come from the manifest (kube-vip-config.ts), the
// election is a Lease in the shared cluster (lease.ts), and the leader's VIP
// is real: `ip addr add` on the named interface in the host's namespace and
// a gratuitous ARP with iputils' arping, so the LAN's neighbours and the
// workstation reach it. What it does, read from kube-vip's source at v1.1.2:
// - start (cmd/kube-vip.go, manager/New, cluster/StartCluster): the
//   interface must exist and be up (CheckInterface; OperUnknown passes), the
//   address must be an IP (vip/address.go NewConfig), else it logs and exits
//   (the kubelet restarts it with back-off: `crictl ps -a` shows the
//   attempts). Then it deletes the VIP "in case it already exists".
// - election (election/election.go, client-go leaderelection): every
//   vip_retryperiod it tries to take or renew plndr-cp-lock through the
//   apiserver at `kubernetes:<port>` (hostAliases), as the identity of the
//   mounted kubeconfig; a leader that cannot renew within vip_renewdeadline
//   stops leading and deletes the VIP (OnStoppedLeading); another takes the
//   lease once it is vip_leaseduration old.
// - SIGTERM (ReleaseOnCancel: true): it releases the lease (holder "", 1 s)
//   and deletes the VIP, so the next leader need not wait out the lease.
// The lab's two simplifications: an apiserver that answers TCP on
// kubernetes:<port> stands for one that answers the Lease calls (the cluster
// file is the etcd behind every apiserver), and a node's etcd has quorum
// only while its Ethernet links are up (`lab cut` takes them down): a
// partitioned node cannot renew, as its etcd minority could not commit.
import {X509Certificate} from 'node:crypto';
import {parse} from 'yaml';
import type {ClusterState} from './cluster.js';
import type {SimEnv} from './env.js';
import {paths} from './kube-paths.js';
import {parseKubeVipManifest, vipCidr, type KubeVipConfig} from './kube-vip-config.js';
import {acquireOrRenew, leaseHolder, leaseKey, releaseLease} from './lease.js';

export const kubeVipManifest = `${paths.manifests}/kube-vip.yaml`;

/** What the kubelet shows for the container. */
export type KubeVipContainer = 'none' | 'running' | 'exited';

interface Running {
  readonly text: string;
  readonly config: KubeVipConfig;
  readonly cidr: string;
  readonly identity: string;
  leader: boolean;
  lastRenew: number;
  nextTry: number;
  nextArp: number;
  arpReply: boolean;
  /** The Forbidden line is logged once per spell, not every retry. */
  forbiddenLogged: boolean;
}

/** The kubelet's crash back-off: 10 s, doubling, at most 5 min (kubelet's defaults). */
const backoff = {initialMs: 10_000, maxMs: 300_000} as const;

/** The groups of the client certificate a kubeconfig carries (its subject's O=). */
export const kubeconfigGroups = (text: string): string[] => {
  try {
    const doc = parse(text) as {users?: Array<{user?: Record<string, string>}>};
    const data = doc.users?.[0]?.user?.['client-certificate-data'];
    if (!data) return [];
    const subject = new X509Certificate(Buffer.from(data, 'base64')).subject;
    return subject
      .split('\n')
      .filter((line) => line.startsWith('O='))
      .map((line) => line.slice(2));
  } catch {
    return [];
  }
};

/** RBAC as the simulated apiserver applies it to the Lease calls. */
export const mayUseLeases = (groups: readonly string[], state: ClusterState | undefined) =>
  groups.includes('system:masters') ||
  (groups.includes('kubeadm:cluster-admins') && state?.clusterAdminsBound === true);

interface Link {
  readonly ifname: string;
  readonly operstate?: string;
  readonly link_type?: string;
}

export const kubeVipRunner = (env: SimEnv, log: (line: string) => void) => {
  let running: Running | undefined;
  let container: KubeVipContainer = 'none';
  let restartAt = 0;
  let restarts = 0;
  let lastText: string | undefined;

  const links = async (): Promise<Link[]> => {
    const result = await env.exec(['ip', '-j', 'link', 'show']);
    return result.code === 0 ? (JSON.parse(result.stdout) as Link[]) : [];
  };
  const ip = (...args: string[]) => env.exec(['ip', ...args]);

  const deleteVip = async (r: Running) => {
    const result = await ip('addr', 'del', r.cidr, 'dev', r.config.interface);
    if (result.code === 0) log(`kube-vip: deleted address ${r.cidr} from ${r.config.interface}`);
  };

  const exit = (line: string) => {
    log(`kube-vip: ${line}`);
    running = undefined;
    container = 'exited';
    restartAt = env.now() + Math.min(backoff.initialMs * 2 ** restarts, backoff.maxMs);
    restarts += 1;
  };

  const start = async (text: string) => {
    const hostname = env.host;
    const parsed = parseKubeVipManifest(text, hostname);
    if (parsed.kind === 'not-a-pod') {
      // The kubelet logs the file and runs nothing for it.
      if (lastText !== text) log(`kubelet: skipping ${kubeVipManifest}: ${parsed.reason}`);
      container = 'none';
      return;
    }
    if (parsed.kind === 'exits') return exit(parsed.log);
    const {config} = parsed;
    // hostPath type File: a missing file stops the kubelet creating the container at all.
    if (
      config.kubeconfigHostPath !== undefined &&
      env.fs.read(config.kubeconfigHostPath) === undefined
    ) {
      if (lastText !== text)
        log(
          `kubelet: kube-vip: hostPath type check failed: ${config.kubeconfigHostPath} is not a file`,
        );
      container = 'none';
      return;
    }
    const link = (await links()).find((l) => l.ifname === config.interface);
    if (!link)
      return exit(
        `level=ERROR msg="checking interface" err="${config.interface} is not valid interface, reason: get ${config.interface} failed, error: Link not found"`,
      );
    if (link.operstate !== 'UP' && link.operstate !== 'UNKNOWN')
      return exit(
        `level=ERROR msg="checking interface" err="${config.interface} is not valid interface, reason: ${config.interface} is not up"`,
      );
    if (config.kubeconfigHostPath === undefined)
      return exit(
        'level=ERROR msg="new manager" err="could not create k8s REST config from external file: \\"/.kube/config\\": no such file or directory"',
      );
    const cidr = vipCidr(config);
    if (typeof cidr !== 'string') return exit(cidr.error);
    if (!config.arp || !config.leaderElection)
      return exit(
        'level=ERROR msg="this simulation runs kube-vip in ARP mode with leader election only"',
      );
    const r: Running = {
      text,
      config,
      cidr,
      identity: config.nodeName ?? hostname,
      leader: false,
      lastRenew: 0,
      nextTry: 0,
      nextArp: 0,
      arpReply: false,
      forbiddenLogged: false,
    };
    running = r;
    container = 'running';
    log(`kube-vip: starting, ARP mode, VIP ${cidr} on ${config.interface} as ${r.identity}`);
    // "(attempt to) Remove the virtual IP, in case it already exists".
    await deleteVip(r);
  };

  /** One election round: true when this node holds the lease now. */
  const tryLease = async (r: Running): Promise<boolean> => {
    const {config} = r;
    if (config.kubernetesAddress === undefined) return false; // `kubernetes` does not resolve
    const probe = await env.net.probe(config.kubernetesAddress, config.port, 1000);
    if (probe !== 'open') return false;
    const kubeconfig = env.fs.read(config.kubeconfigHostPath ?? '') ?? '';
    const groups = kubeconfigGroups(kubeconfig);
    if (!mayUseLeases(groups, env.cluster.read())) {
      if (!r.forbiddenLogged)
        log(
          `kube-vip: leases.coordination.k8s.io "${config.leaseName}" is forbidden: User "${groups.length > 0 ? 'kubernetes-admin' : 'system:anonymous'}" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "${config.namespace}"`,
        );
      r.forbiddenLogged = true;
      return false;
    }
    r.forbiddenLogged = false;
    const quorum = (await links())
      .filter((l) => l.link_type === 'ether')
      .every((l) => l.operstate === 'UP');
    if (!quorum) return false;
    const key = leaseKey(config.namespace, config.leaseName);
    // A follower reads first (client-go's Get before its Update): no write while another leads.
    const holder = leaseHolder(env.cluster.read(), key, env.now());
    if (holder !== undefined && holder !== r.identity) return false;
    return env.cluster.update((state) => {
      if (!state) return [state, false];
      return acquireOrRenew(state, key, r.identity, config.leaseDurationSeconds, env.now());
    });
  };

  const announce = async (r: Running) => {
    // kube-vip alternates gratuitous ARP requests and replies (vip/arp.go), every vip_arpRate.
    const mode = r.arpReply ? '-A' : '-U';
    r.arpReply = !r.arpReply;
    const [address] = r.cidr.split('/');
    const result = await env.exec(['arping', mode, '-c', '1', '-I', r.config.interface, address!]);
    if (result.code !== 0 && mode === '-U')
      log(`kube-vip: arping ${mode}: ${result.stderr.trim() || `exit ${result.code}`}`);
  };

  const lead = async (r: Running) => {
    const now = env.now();
    if (now < r.nextTry) return;
    r.nextTry = now + r.config.retryPeriodSeconds * 1000;
    const held = await tryLease(r);
    if (held) {
      r.lastRenew = env.now();
      if (!r.leader) {
        r.leader = true;
        const added = await ip(
          'addr',
          'add',
          r.cidr,
          'dev',
          r.config.interface,
          'valid_lft',
          'forever',
          'preferred_lft',
          '0',
        );
        log(
          `kube-vip: became leader; ${added.code === 0 ? `added ${r.cidr} to ${r.config.interface}` : `ip addr add: ${added.stderr.trim()}`}`,
        );
        r.nextArp = 0;
      }
    } else if (r.leader && env.now() - r.lastRenew > r.config.renewDeadlineSeconds * 1000) {
      r.leader = false;
      log('kube-vip: This node is becoming a follower within the cluster');
      await deleteVip(r);
    }
    if (r.leader && env.now() >= r.nextArp) {
      r.nextArp = env.now() + r.config.arpRateMs;
      await announce(r);
    }
  };

  /** SIGTERM to the container: release the lease, delete the VIP. */
  const terminate = async () => {
    const r = running;
    running = undefined;
    if (!r) return;
    if (r.leader) {
      const key = leaseKey(r.config.namespace, r.config.leaseName);
      env.cluster.update((state) => [
        state && releaseLease(state, key, r.identity, env.now()),
        undefined,
      ]);
    }
    await deleteVip(r);
    log('kube-vip: Received termination, signaling cluster shutdown');
  };

  const sync = async (): Promise<void> => {
    const text = env.fs.read(kubeVipManifest);
    if (text !== lastText && running) await terminate();
    if (text === undefined) {
      if (running) await terminate();
      container = 'none';
      restarts = 0;
      lastText = text;
      return;
    }
    if (text !== lastText) {
      restarts = 0;
      restartAt = 0;
    }
    if (!running && env.now() >= restartAt) await start(text);
    lastText = text;
    if (running) await lead(running);
  };

  let inFlight: Promise<void> = Promise.resolve();
  return {
    /** The kubelet's view of the container, for its pod records. */
    container: (): KubeVipContainer => container,
    /** One pass of the kubelet's sync for kube-vip, then of kube-vip's own loop. */
    tick(): Promise<void> {
      inFlight = sync();
      return inFlight;
    },
    /** The kubelet stops: SIGTERM once the current pass is done. */
    async terminate(): Promise<void> {
      await inFlight.catch(() => undefined);
      await terminate();
    },
  };
};
