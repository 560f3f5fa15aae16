// DOMAIN.md phase 3: what each host is and whether it can take part, read
// without changing anything. It runs on every apply (it is cheap and the
// later phases read its facts), so it is never "already done".
import {kubeadmSkew} from '../../core/artifacts/kubeadm-skew.js';
import {
  parseKubernetesVersion,
  type KubernetesVersion,
} from '../../core/artifacts/kubernetes-version.js';
import {binariesFor} from '../../core/plan/binaries.js';
import type {PlanNode} from '../../core/plan/types.js';
import {needsAbsolutePath, parseWhich, whichArgv} from '../../core/remote/which.js';
import {StepError} from '../step-error.js';
import type {NetworkManager} from './memory.js';
import type {Phase, StepContext} from './phase.js';
import {checkLanSide} from './preflight-lan.js';
import {checkControlPlanePaths, checkOwnKey} from './preflight-tailnet.js';
import {isLanEndpoint} from '../../core/plan/endpoint.js';

const kubeletConf = '/etc/kubernetes/kubelet.conf';

const ports = (node: PlanNode): number[] =>
  node.role === 'control-plane' ? [6443, 2379, 2380, 10250] : [10250];

/** Listening TCP ports from `ss -ltnH` (local address is the 4th column). */
export const listeningPorts = (ss: string): Set<number> =>
  new Set(
    ss
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3] ?? '')
      .map((address) => Number(address.slice(address.lastIndexOf(':') + 1)))
      .filter((port) => Number.isInteger(port) && port > 0),
  );

export const osName = (osRelease: string): string => {
  const match = /^PRETTY_NAME=(.*)$/m.exec(osRelease);
  return (match?.[1] ?? 'unknown Linux').replace(/^["']|["']$/g, '');
};

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? '';

const fail = (message: string, suggestion: string, command?: string): never => {
  throw new StepError({message, stderrTail: [], suggestion, ...(command ? {command} : {})});
};

const tool = async (step: StepContext, argv: string[], what: string): Promise<string> => {
  const result = await step.host.run(argv, {
    suggestion: `Install ${what} on ${step.node.name} (DOMAIN.md: containerd, kubeadm, kubelet, kubectl and tailscale on every node).`,
  });
  return firstLine(result.stdout);
};

/**
 * Every command the run needs on this host, found before anything changes: a
 * missing one is named with what it is for and how to get it, all at once.
 * The ones outside sudo's secure_path everywhere are then called by path.
 */
const findCommands = async (step: StepContext) => {
  const needed = binariesFor(step.plan, step.node);
  const names = needed.map((binary) => binary.name);
  const {stdout} = await step.host.run(whichArgv(names), {allowFailure: true});
  const found = parseWhich(stdout, names);
  const missing = needed.filter((binary) => !found.has(binary.name));
  if (missing.length > 0)
    fail(
      `${step.host.name} lacks ${missing.map((binary) => `${binary.name} (for ${binary.why})`).join(', ')}`,
      missing
        .map((binary) => `${binary.name}: ${binary.howToGet}.`)
        .concat('Then run ha-wizard apply again; nothing was changed.')
        .join('\n'),
    );
  step.memory.commandPaths.set(
    step.node.name,
    new Map([...found].filter(([, path]) => needsAbsolutePath(path))),
  );
};

/** Stops on a kubeadm that cannot deploy the plan's Kubernetes; warns on the one skew it supports. */
const checkKubeadmSkew = (step: StepContext, kubeadmVersion: string) => {
  let have: KubernetesVersion;
  try {
    have = parseKubernetesVersion(kubeadmVersion);
  } catch {
    return; // An unparsable version is reported by kubeadm itself when it runs.
  }
  const skew = kubeadmSkew(
    step.host.name,
    kubeadmVersion,
    have,
    parseKubernetesVersion(step.plan.kubernetesVersion),
  );
  if (skew?.level === 'error') fail(skew.message, skew.suggestion ?? '');
  if (skew?.level === 'warning')
    step.emit({
      type: 'notice',
      phase: 'preflight',
      host: step.host.name,
      level: 'warning',
      message: skew.message,
    });
};

export const preflight: Phase = {
  id: 'preflight',
  title: 'Preflight',
  mode: 'parallel',
  hosts: (plan) => [...plan.nodes],
  async apply(step) {
    const {host, node} = step;
    await host.run(['true'], {
      sudo: true,
      suggestion: `Give ${host.name}'s SSH user passwordless sudo (a line "USER ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/).`,
    });
    await findCommands(step);
    const os = osName((await host.run(['cat', '/etc/os-release'])).stdout);
    const arch = firstLine((await host.run(['uname', '-m'])).stdout);
    const hostname = firstLine((await host.run(['hostname'])).stdout);
    const units = (
      await host.run(['systemctl', 'is-active', 'systemd-networkd', 'NetworkManager'], {
        allowFailure: true,
      })
    ).stdout
      .split('\n')
      .map((line) => line.trim());
    const networkManager: NetworkManager | undefined =
      units[0] === 'active'
        ? 'systemd-networkd'
        : units[1] === 'active'
          ? 'NetworkManager'
          : undefined;
    // lo1 is the Tailscale VIP's; keepalived and kube-vip put the VIP on the LAN interface.
    const needsLo1 = !isLanEndpoint(step.plan.network.endpoint);
    if (node.role === 'control-plane' && needsLo1 && networkManager === undefined) {
      fail(
        `${host.name} runs neither systemd-networkd nor NetworkManager; a control plane needs one of them for lo1 and the VIP`,
        'Enable one (sudo systemctl enable --now systemd-networkd) and run ha-wizard apply again.',
      );
    }
    const swaps = (await host.run(['cat', '/proc/swaps'])).stdout.trim().split('\n').slice(1);
    if (swaps.some((line) => line.trim() !== '')) {
      fail(
        `swap is on on ${host.name}; the kubelet refuses to start with swap by default`,
        'sudo swapoff -a, and remove the swap line from /etc/fstab (or mask the swap unit) so it stays off.',
      );
    }
    // /proc, not `sysctl`: Debian keeps sysctl in /usr/sbin, outside a non-root user's PATH.
    const forward = firstLine((await host.run(['cat', '/proc/sys/net/ipv4/ip_forward'])).stdout);
    if (forward !== '1') {
      fail(
        `net.ipv4.ip_forward is ${forward || 'unset'} on ${host.name}; Kubernetes and a Tailscale subnet router need 1`,
        "echo 'net.ipv4.ip_forward = 1' | sudo tee /etc/sysctl.d/99-kubernetes.conf && sudo sysctl --system",
      );
    }
    const joined = (await host.read(kubeletConf, {sudo: true})) !== undefined;
    if (!joined) {
      const listening = listeningPorts((await host.run(['ss', '-ltnH'], {quiet: true})).stdout);
      const busy = ports(node).filter((port) => listening.has(port));
      if (busy.length > 0) {
        fail(
          `port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use on ${host.name}, which is not part of a cluster yet`,
          'Find the process with sudo ss -ltnp and stop it, or reset an old cluster with sudo kubeadm reset.',
        );
      }
    }
    const tailscaleVersion = await tool(step, ['tailscale', 'version'], 'tailscale');
    const status = await host.run(['tailscale', 'status', '--json'], {
      quiet: true,
      suggestion: `Log ${host.name} in to the tailnet (sudo tailscale up).`,
    });
    checkOwnKey(step, status.stdout);
    await checkControlPlanePaths(step);
    const containerdVersion = await tool(step, ['containerd', '--version'], 'containerd');
    const kubeadmVersion = await tool(step, ['kubeadm', 'version', '-o', 'short'], 'kubeadm');
    await tool(step, ['kubelet', '--version'], 'kubelet');
    checkKubeadmSkew(step, kubeadmVersion);
    const lan = await checkLanSide(step);
    step.memory.facts.set(node.name, {
      os,
      arch,
      hostname,
      networkManager,
      kubeadmVersion,
      containerdVersion,
      joined,
    });
    return [
      os,
      arch,
      networkManager ?? 'no network manager',
      `tailscale ${tailscaleVersion}`,
      `kubeadm ${kubeadmVersion}`,
      ...(lan ? [lan] : []),
    ].join(', ');
  },
};
