// What the simulated kubelet and kube-vip make of a kube-vip static pod
// manifest: the settings kube-vip v1.1.2 reads from its environment, the
// kubeconfig the pod mounts and where `kubernetes` resolves inside it. Pure:
// text in, a config or kube-vip's own complaint out.
//
// Read from kube-vip v1.1.2 (github:kube-vip/kube-vip at that tag):
// - pkg/kubevip/config_envvar.go + config_environment.go: the env names; a
//   bool goes through strconv.ParseBool and a number through strconv.ParseInt
//   / ParseUint(…, 16), and a value that does not parse makes
//   ParseEnvironment return the error, on which `manager` logs "parsing
//   environment" and returns: the container exits and the kubelet restarts it.
// - cmd/kube-vip.go: flag defaults (leaseDuration 15, leaseRenewDuration 10,
//   leaseRetry 2, k8sConfigPath /etc/kubernetes/admin.conf); "no features are
//   enabled" ends the process when neither cp_enable nor svc_enable is set.
// - pkg/manager/manager.go New: the client reads /etc/kubernetes/admin.conf
//   inside the pod and, for a control plane, talks to `kubernetes:<port>`
//   (the manifest's hostAliases), not the kubeconfig's server.
import {isIP} from 'node:net';
import {parse} from 'yaml';

export interface KubeVipConfig {
  readonly interface: string;
  readonly address: string;
  readonly port: number;
  readonly subnet: string;
  readonly arp: boolean;
  /** vip_arpRate, ms between gratuitous ARPs (default 3000). */
  readonly arpRateMs: number;
  readonly controlPlane: boolean;
  readonly services: boolean;
  readonly leaderElection: boolean;
  readonly namespace: string;
  readonly leaseName: string;
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineSeconds: number;
  readonly retryPeriodSeconds: number;
  /** vip_nodename from `spec.nodeName` (the kubelet fills it in), else the hostname. */
  readonly nodeName: string | undefined;
  /** The host file mounted at /etc/kubernetes/admin.conf in the pod, if any. */
  readonly kubeconfigHostPath: string | undefined;
  /** Where `kubernetes` resolves in the pod (hostAliases), if anywhere. */
  readonly kubernetesAddress: string | undefined;
}

export type KubeVipParse =
  | {readonly kind: 'not-a-pod'; readonly reason: string}
  | {readonly kind: 'exits'; readonly log: string}
  | {readonly kind: 'config'; readonly config: KubeVipConfig};

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Go's strconv.ParseBool. */
const goBool = (text: string): boolean | undefined =>
  ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)
    ? true
    : ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)
      ? false
      : undefined;

/** Go's strconv.ParseInt(text, 10, 32) (ParseUint(…, 16) for the port). */
const goInt = (text: string, min: number, max: number): number | undefined =>
  /^[+-]?\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? Number(text) : undefined;

class EnvError extends Error {}

/**
 * The kube-vip container's settings, as kube-vip would read them; `not-a-pod`
 * when the kubelet itself would not run the file (it logs and skips it).
 */
export const parseKubeVipManifest = (text: string, nodeName: string): KubeVipParse => {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return {kind: 'not-a-pod', reason: `could not parse: ${(error as Error).message}`};
  }
  const pod = record(doc);
  if (pod['kind'] !== 'Pod' || pod['apiVersion'] !== 'v1')
    return {kind: 'not-a-pod', reason: 'not a v1 Pod'};
  const spec = record(pod['spec']);
  const container = list(spec['containers'])
    .map(record)
    .find((c) => String(c['image'] ?? '').includes('kube-vip'));
  if (!container) return {kind: 'not-a-pod', reason: 'no kube-vip container'};
  const env = new Map<string, string>();
  for (const entry of list(container['env']).map(record)) {
    const name = String(entry['name'] ?? '');
    const from = record(record(entry['valueFrom'])['fieldRef'])['fieldPath'];
    if (from === 'spec.nodeName') env.set(name, nodeName);
    else if (entry['value'] !== undefined) env.set(name, String(entry['value']));
  }
  const get = (name: string) => env.get(name) ?? '';
  const bool = (name: string, fallback: boolean) => {
    if (get(name) === '') return fallback;
    const value = goBool(get(name));
    if (value === undefined)
      throw new EnvError(`strconv.ParseBool: parsing "${get(name)}": invalid syntax`);
    return value;
  };
  const int = (name: string, fallback: number, min = -(2 ** 31), max = 2 ** 31 - 1) => {
    if (get(name) === '') return fallback;
    const value = goInt(get(name), min, max);
    if (value === undefined)
      throw new EnvError(`strconv.ParseInt: parsing "${get(name)}": invalid syntax`);
    return value;
  };
  const mount = list(container['volumeMounts'])
    .map(record)
    .find((m) => m['mountPath'] === '/etc/kubernetes/admin.conf');
  const volume = list(spec['volumes'])
    .map(record)
    .find((v) => mount !== undefined && v['name'] === mount['name']);
  const alias = list(spec['hostAliases'])
    .map(record)
    .find((a) => list(a['hostnames']).includes('kubernetes'));
  try {
    const config: KubeVipConfig = {
      interface: get('vip_interface'),
      address: get('address') || get('vip_address'),
      port: int('port', 6443, 0, 65_535),
      subnet: get('vip_subnet'),
      leaderElection: bool('vip_leaderelection', false),
      leaseName: get('vip_leasename') || 'plndr-cp-lock',
      leaseDurationSeconds: int('vip_leaseduration', 15),
      renewDeadlineSeconds: int('vip_renewdeadline', 10),
      retryPeriodSeconds: int('vip_retryperiod', 2),
      nodeName: env.get('vip_nodename'),
      namespace: get('cp_namespace') || 'kube-system',
      controlPlane: bool('cp_enable', false),
      services: bool('svc_enable', false),
      arp: bool('vip_arp', false),
      arpRateMs: int('vip_arpRate', 3000),
      kubeconfigHostPath:
        volume === undefined ? undefined : String(record(volume['hostPath'])['path'] ?? ''),
      kubernetesAddress: alias === undefined ? undefined : String(alias['ip'] ?? ''),
    };
    if (!config.services && !config.controlPlane)
      return {kind: 'exits', log: 'level=ERROR msg="no features are enabled"'};
    return {kind: 'config', config};
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    return {kind: 'exits', log: `level=ERROR msg="parsing environment" err="${error.message}"`};
  }
};

/**
 * The address and prefix kube-vip puts on the interface (pkg/vip/address.go
 * NewConfig): a literal IP with vip_subnet (default /32 or /128); anything
 * else is looked up as a DNS name, which the lab has none of, so it fails and
 * kube-vip exits.
 */
export const vipCidr = (config: KubeVipConfig): string | {readonly error: string} => {
  const family = isIP(config.address);
  if (family === 0)
    return {
      error: `level=ERROR msg="new manager" err="lookup ${config.address}: no such host"`,
    };
  const max = family === 4 ? 32 : 128;
  const prefix = config.subnet === '' ? max : goInt(config.subnet, 0, max);
  if (prefix === undefined)
    return {
      error: `level=ERROR msg="new manager" err="unable to select subnet for IP \\"${config.address}\\" from \\"${config.subnet}\\""`,
    };
  return `${config.address}/${prefix}`;
};
