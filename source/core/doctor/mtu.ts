// Cilium's VXLAN rides on tailscale0 (DOMAIN.md: tailscale0's MTU is 1280, so
// Cilium's must be no larger; VXLAN's 50 bytes then leave pods 1230). Without
// an MTU setting Cilium takes the default route's device, usually 1500: small
// requests work and large answers (a kubectl get of many pods, an image pull
// through a pod) hang, because the tunnel's packets do not fit tailscale0.
// Every endpoint: Cilium's VXLAN rides on tailscale0 with a LAN endpoint too.
import {commandFix, firstLine, result, type CheckResult} from './check.js';
import type {ClusterEvidence, CommandOutput, HostEvidence} from './evidence.js';
import type {Check} from './per-host.js';

const id = 'mtu';
export const tailscaleInterface = 'tailscale0';
/** Where kubeadm leaves the admin kubeconfig, as the run's Cilium phase uses it. */
const adminConf = '/etc/kubernetes/admin.conf';

/** The MTU in `ip -j link show dev tailscale0`, or undefined when it says none. */
export const linkMtu = (output: CommandOutput | undefined): number | undefined => {
  if (output === undefined || output.code !== 0) return undefined;
  try {
    const [link] = JSON.parse(output.stdout) as Array<{mtu?: unknown}>;
    return typeof link?.mtu === 'number' ? link.mtu : undefined;
  } catch {
    return undefined;
  }
};

/** `MTU` in `helm get values cilium -o json`: a number, `unset`, or undefined when unreadable. */
export const ciliumMtu = (output: CommandOutput | undefined): number | 'unset' | undefined => {
  if (output === undefined || output.code !== 0) return undefined;
  try {
    const values = JSON.parse(output.stdout) as {MTU?: unknown} | null;
    const mtu = values?.MTU;
    if (typeof mtu === 'number') return mtu;
    if (typeof mtu === 'string' && /^\d+$/.test(mtu)) return Number(mtu);
    return 'unset';
  } catch {
    return undefined;
  }
};

const fixFor = (mtu: number) =>
  commandFix(
    `Set Cilium's MTU to ${mtu} (tailscale0's) and restart its agents; pods started before keep the old MTU until they restart.`,
    [
      [
        'helm',
        'upgrade',
        'cilium',
        'cilium',
        '--repo',
        'https://helm.cilium.io',
        '--namespace',
        'kube-system',
        '--reuse-values',
        '--set',
        `MTU=${mtu}`,
        '--kubeconfig',
        adminConf,
      ],
      [
        'kubectl',
        '--kubeconfig',
        adminConf,
        '--namespace',
        'kube-system',
        'rollout',
        'restart',
        'daemonset/cilium',
      ],
    ],
  );

const judge = (cluster: ClusterEvidence): CheckResult[] => {
  const planes = cluster.hosts.filter((host) => host.role === 'control-plane');
  const where = cluster.cilium?.host ?? planes[0]?.host ?? cluster.hosts[0]?.host;
  if (where === undefined) return [];
  const reachable = cluster.hosts.filter((host) => host.unreachable === undefined);
  const mtus = reachable.flatMap((host: HostEvidence) => {
    const mtu = linkMtu(host.tailscaleLink);
    return mtu === undefined ? [] : [{host: host.host, mtu}];
  });
  const unread = reachable.filter((host) => linkMtu(host.tailscaleLink) === undefined);
  const links = [
    ...mtus.map(({host, mtu}) => `${host} ${mtu}`),
    ...unread.map((host) => `${host} ${firstLine(host.tailscaleLink?.stderr ?? '') || 'unread'}`),
  ].join(', ');
  if (mtus.length === 0)
    return [
      result(
        id,
        where,
        'unknown',
        `ip link show dev ${tailscaleInterface}: ${links || 'no host answered'}`,
        `Doctor could not read ${tailscaleInterface}'s MTU on any node (tailscaled in userspace mode has no ${tailscaleInterface}).`,
      ),
    ];
  const smallest = Math.min(...mtus.map(({mtu}) => mtu));
  const cilium = ciliumMtu(cluster.cilium?.output);
  const evidence = `${tailscaleInterface} MTU: ${links}; Cilium MTU: ${cilium === undefined ? 'unread' : cilium}`;
  if (cilium === undefined)
    return [
      result(
        id,
        where,
        'unknown',
        `${evidence} (helm get values cilium: ${cluster.cilium ? `exit ${cluster.cilium.output.code ?? 'signal'}${firstLine(cluster.cilium.output.stderr) ? `: ${firstLine(cluster.cilium.output.stderr)}` : ''}` : 'not run'})`,
        "Doctor could not read Cilium's Helm values on a control plane.",
      ),
    ];
  if (cilium === 'unset')
    return [
      result(
        id,
        where,
        'fail',
        evidence,
        `Cilium has no MTU set, so it takes the default route's device (usually 1500); its VXLAN packets then do not fit ${tailscaleInterface} (${smallest}) and large answers between pods and nodes hang.`,
        fixFor(smallest),
      ),
    ];
  if (cilium > smallest)
    return [
      result(
        id,
        where,
        'fail',
        evidence,
        `Cilium's MTU ${cilium} is larger than ${tailscaleInterface}'s ${smallest}: its VXLAN packets do not fit the tailnet, so small requests work and large answers hang.`,
        fixFor(smallest),
      ),
    ];
  return [
    result(
      id,
      where,
      'pass',
      evidence,
      `Cilium's MTU ${cilium} fits ${tailscaleInterface} (${smallest}); pods get ${cilium - 50} after VXLAN's 50 bytes.`,
    ),
  ];
};

export const mtu: Check = {id, title: `${tailscaleInterface} and Cilium MTU`, run: judge};
