// The simulated cluster: what etcd would hold, shared by every host of the lab
// (one JSON file under a lock) or by the demo (memory). Also the API objects
// the simulated kube-apiserver serves from it.
import {createHash, X509Certificate} from 'node:crypto';

export interface SimNode {
  readonly name: string;
  readonly host: string;
  readonly role: 'control-plane' | 'worker';
  readonly ip: string;
  readonly createdAt: number;
  readonly kubeletVersion: string;
}

/** A coordination.k8s.io Lease (source/sim/lease.ts has client-go's rules for it). */
export interface SimLease {
  readonly holder: string;
  readonly acquireTime: number;
  readonly renewTime: number;
  readonly durationSeconds: number;
  readonly transitions: number;
}

export interface HelmRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly repo: string;
  readonly revision: number;
  readonly updatedAt: number;
  /** The values of every revision, oldest first. */
  readonly values: readonly string[];
}

export interface ClusterState {
  readonly clusterName: string;
  readonly controlPlaneEndpoint: string;
  readonly kubernetesVersion: string;
  readonly podSubnet: string;
  readonly serviceSubnet: string;
  readonly certSANs: readonly string[];
  /** The cluster's KubeletConfiguration (kubeadm's "kubelet-config" ConfigMap), YAML. */
  readonly kubeletConfig: string;
  readonly ca: {readonly certPem: string; readonly keyPem: string};
  readonly createdAt: number;
  readonly tokens: ReadonlyArray<{readonly token: string; readonly expires: number}>;
  readonly certificateKey?: {readonly key: string; readonly expires: number};
  readonly nodes: readonly SimNode[];
  readonly etcdMembers: ReadonlyArray<{readonly name: string; readonly peerURL: string}>;
  readonly helm: Readonly<Record<string, HelmRelease>>;
  /** coordination.k8s.io Leases by `namespace/name` (kube-vip's plndr-cp-lock). */
  readonly leases?: Readonly<Record<string, SimLease>>;
  /**
   * The ClusterRoleBinding kubeadm:cluster-admins exists: kubeadm 1.29 and later
   * create it during init (its first API client, EnsureAdminClusterRoleBinding);
   * until then admin.conf's group has no rights.
   */
  readonly clusterAdminsBound?: boolean;
}

/** `sha256:` + SHA-256 of the CA's DER SubjectPublicKeyInfo (what kubeadm pins). */
export const caCertHash = (certPem: string) =>
  `sha256:${createHash('sha256')
    .update(new X509Certificate(certPem).publicKey.export({type: 'spki', format: 'der'}))
    .digest('hex')}`;

/** Cilium installed: the nodes' network is ready (before it they are NotReady, as for real). */
export const cniReady = (state: ClusterState) => state.helm['kube-system/cilium'] !== undefined;

const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const nodeObject = (state: ClusterState, node: SimNode) => {
  const ready = cniReady(state);
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
  };
  if (node.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels,
      creationTimestamp: iso(node.createdAt),
      uid: createHash('sha1')
        .update(`node/${node.name}/${node.createdAt}`)
        .digest('hex')
        .slice(0, 32),
    },
    spec: {
      podCIDR: undefined,
      ...(node.role === 'control-plane'
        ? {taints: [{effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane'}]}
        : {}),
    },
    status: {
      addresses: [
        {address: node.ip, type: 'InternalIP'},
        {address: node.name, type: 'Hostname'},
      ],
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
          message: ready
            ? 'kubelet is posting ready status'
            : 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
          lastTransitionTime: iso(node.createdAt),
        },
      ],
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.6.20',
        kernelVersion: '6.1.0-hwlab',
        kubeProxyVersion: '',
        kubeletVersion: node.kubeletVersion,
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
      },
    },
  };
};

export const nodeList = (state: ClusterState) => ({
  apiVersion: 'v1',
  kind: 'NodeList',
  items: state.nodes.map((node) => nodeObject(state, node)),
  metadata: {resourceVersion: String(state.nodes.length + 1000)},
});

/** kube-system's static pods (and etcd members), filtered by a `component=X` selector. */
export const podList = (state: ClusterState, selector: string | undefined) => {
  const wanted = /^component=([\w-]+)$/.exec(selector ?? '')?.[1];
  const items = state.nodes
    .filter((node) => node.role === 'control-plane')
    .flatMap((node) =>
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((component) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${component}-${node.name}`,
          namespace: 'kube-system',
          labels: {component, tier: 'control-plane'},
          creationTimestamp: iso(node.createdAt),
        },
        spec: {nodeName: node.name, hostNetwork: true},
        status: {
          phase: 'Running',
          hostIP: node.ip,
          podIP: node.ip,
          conditions: [{type: 'Ready', status: 'True'}],
        },
      })),
    )
    .filter((pod) => wanted === undefined || pod.metadata.labels.component === wanted)
    .filter(
      (pod) =>
        pod.metadata.labels.component !== 'etcd' ||
        state.etcdMembers.some((member) => pod.metadata.name === `etcd-${member.name}`),
    );
  return {apiVersion: 'v1', kind: 'PodList', items, metadata: {resourceVersion: '1000'}};
};

export const versionInfo = (gitVersion: string) => {
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(gitVersion) ?? [];
  return {
    major: major ?? '1',
    minor: minor ?? '34',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-12-09T00:00:00Z',
    goVersion: 'go1.24.11',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
};

/** What the apiserver answers for a path (and query) from the cluster state. */
export const apiAnswer = (
  state: ClusterState | undefined,
  path: string,
  query: URLSearchParams,
  gitVersion: string,
  now: number,
): {status: number; body: string; json: boolean} => {
  const json = (value: unknown) => ({status: 200, body: `${JSON.stringify(value)}\n`, json: true});
  if (path === '/readyz' || path === '/healthz' || path === '/livez')
    return {status: 200, body: 'ok', json: false};
  if (path === '/version') return json(versionInfo(gitVersion));
  if (!state) return {status: 503, body: 'etcd not ready', json: false};
  if (path === '/api/v1/nodes') return json(nodeList(state));
  if (path === '/api/v1/namespaces/kube-system/pods')
    return json(podList(state, query.get('labelSelector') ?? undefined));
  if (path === '/api/v1/namespaces/kube-public/configmaps/cluster-info') {
    // The JWS signatures are per token ID (kubeadm's bootstrap signer); the discovery checks them.
    const kubeconfig = `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${Buffer.from(state.ca.certPem).toString('base64')}\n    server: https://${state.controlPlaneEndpoint}\n  name: ""\ncontexts: null\ncurrent-context: ""\nkind: Config\npreferences: {}\nusers: null\n`;
    return json({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'cluster-info', namespace: 'kube-public'},
      data: {
        kubeconfig,
        ...Object.fromEntries(
          state.tokens
            .filter((t) => t.expires > now)
            .map((t) => [
              `jws-kubeconfig-${t.token.split('.')[0]}`,
              createHash('sha256').update(`${t.token}\n${kubeconfig}`).digest('hex'),
            ]),
        ),
      },
    });
  }
  return {
    status: 404,
    body: `${JSON.stringify({kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404})}\n`,
    json: true,
  };
};
