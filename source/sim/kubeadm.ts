// The simulated kubeadm: the invocations of docs/commands-on-hosts.md with the
// real flags, output lines (fixtures/real/kubeadm-*.txt, 1.34 layout) and
// refusals. Files land where real kubeadm writes them; the cluster (CA, tokens,
// uploaded certificate key, nodes, etcd members) goes to the shared store.
import {createPrivateKey, createPublicKey, randomBytes} from 'node:crypto';
import {parseAllDocuments, stringify} from 'yaml';
import {parseArgs, parseGoDuration} from './args.js';
import {caCertHash, type ClusterState, type SimNode} from './cluster.js';
import {fail, ok, type SimEnv, type ToolResult} from './env.js';
import {keyPem, makeCa, makeCertificate, rsaKeyPair} from './x509.js';
import {startKubelet} from './static-pods.js';

type Doc = Record<string, unknown>;
const stackHint = 'To see the stack trace of this error execute with --v=5 or higher\n';
const obj = (value: unknown): Doc =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Doc) : {};
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

import {paths} from './kube-paths.js';

export {paths};
const staticPods = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
const confFiles = [
  'admin.conf',
  'super-admin.conf',
  'kubelet.conf',
  'controller-manager.conf',
  'scheduler.conf',
];

export const newToken = () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => [...randomBytes(n)].map((b) => alphabet[b % 36]).join('');
  return `${pick(6)}.${pick(16)}`;
};
const tokenPattern = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const keyPattern = /^[a-f0-9]{64}$/;

const klogTime = (now: number) => {
  const d = new Date(now);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
};

const readConfig = (env: SimEnv, file: string, stdin: string): Doc[] | ToolResult => {
  const text = file === '/dev/stdin' || file === '-' ? stdin : env.fs.read(file);
  if (text === undefined)
    return fail(
      1,
      `unable to read config from "${file}" : open ${file}: no such file or directory\n${stackHint}`,
    );
  try {
    // Every scalar a string, as Go decodes them into string fields (an all-digit key stays a key).
    return parseAllDocuments(text, {schema: 'failsafe'})
      .map((doc) => obj(doc.toJS()))
      .filter((doc) => Object.keys(doc).length > 0);
  } catch (error) {
    return fail(1, `error converting YAML to JSON: ${(error as Error).message}\n${stackHint}`);
  }
};

/** The minor of the simulated kubeadm (settings.kubeadmVersion, `v1.36.0`). */
const ownMinor = (env: SimEnv): number =>
  Number(/^v?\d+\.(\d+)/.exec(env.settings.kubeadmVersion)?.[1] ?? '0');

/**
 * The config API versions this kubeadm knows: v1beta3 (1.22 on) and v1beta4
 * (from 1.31, PR #125029). An older kubeadm has no v1beta4 types registered, so
 * decoding fails with apimachinery's "no kind ... is registered" error.
 */
const badApiVersion = (env: SimEnv, docs: Doc[]): ToolResult | undefined => {
  for (const doc of docs) {
    const apiVersion = str(doc['apiVersion']) ?? '';
    if (apiVersion === 'kubeadm.k8s.io/v1beta4' && ownMinor(env) < 31)
      return fail(
        1,
        `no kind "${str(doc['kind']) ?? ''}" is registered for version "kubeadm.k8s.io/v1beta4" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"\n${stackHint}`,
      );
    if (
      apiVersion.startsWith('kubeadm.k8s.io/') &&
      !['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4'].includes(apiVersion)
    )
      return fail(
        1,
        `your configuration file uses an old API spec: "${apiVersion}" (kind: "${str(doc['kind'])}"). Please use kubeadm v1.22 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.\n${stackHint}`,
      );
  }
  return undefined;
};

/** Flags kubeadm takes together with --config (cmd/kubeadm/app/apis/kubeadm/validation isAllowedFlag). */
const allowedWithConfig = new Set([
  'config',
  'ignore-preflight-errors',
  'dry-run',
  'kubeconfig',
  'node-name',
  'kubeconfig-dir',
  'upload-certs',
  'print-join-command',
  'rootfs',
  'v',
  'log-file',
]);

/** ValidateMixedArguments: with --config, any other flag is refused, named in pflag's (sorted) order. */
const mixedArguments = (flags: ReadonlyMap<string, string>): ToolResult | undefined => {
  if (!flags.has('config')) return undefined;
  const mixed = [...flags.keys()]
    .filter((name) => !allowedWithConfig.has(name) && !name.startsWith('skip-'))
    .sort();
  return mixed.length === 0
    ? undefined
    : fail(1, `can not mix '--config' with arguments [${mixed.join(' ')}]\n${stackHint}`);
};

/**
 * What kubeadm's SetInitDynamicDefaults says while defaulting an
 * InitConfiguration read from --config: a missing or label kubernetesVersion is
 * looked up on dl.k8s.io (the lab has no internet), and a missing advertise
 * address is guessed from the default route (the hosts have none).
 */
const dynamicDefaultsWarnings = (env: SimEnv, docs: Doc[]): string => {
  const cluster = kind(docs, 'ClusterConfiguration');
  const version = str(cluster?.['kubernetesVersion']) ?? 'stable-1';
  const advertise = str(
    obj(kind(docs, 'InitConfiguration')?.['localAPIEndpoint'])['advertiseAddress'],
  );
  return (
    resolveVersion(env, version).stderr +
    (advertise === undefined
      ? `W${klogTime(env.now())}    ${env.pid} initconfiguration.go:125] WARNING: could not obtain a bind address for the API Server: no default routes found in "/proc/net/route" or "/proc/net/ipv6_route"; using: 0.0.0.0\n`
      : '')
  );
};

const kind = (docs: Doc[], name: string) => docs.find((doc) => doc['kind'] === name);

/** "[preflight] Some fatal errors occurred" with kubeadm's exact layout. */
const preflightFailure = (stdout: string, errors: string[]): ToolResult =>
  fail(
    1,
    `error execution phase preflight: [preflight] Some fatal errors occurred:\n${errors.map((e) => `\t[ERROR ${e}\n`).join('')}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\n${stackHint}`,
    stdout,
  );

const portChecks = async (env: SimEnv, ports: readonly number[]) => {
  const errors: string[] = [];
  for (const port of ports) {
    if ((await env.net.probe('127.0.0.1', port, 500)) === 'open')
      errors.push(`Port-${port}]: Port ${port} is in use`);
  }
  return errors;
};

const fileCheck = (env: SimEnv, file: string) =>
  env.fs.read(file) === undefined
    ? []
    : [`FileAvailable-${file.replaceAll('/', '-')}]: ${file} already exists`];

const kubeconfig = (
  server: string,
  caPem: string,
  user: string,
  cert?: {certPem: string; keyPem: string},
) =>
  stringify({
    apiVersion: 'v1',
    clusters: [
      {
        cluster: {
          'certificate-authority-data': Buffer.from(caPem).toString('base64'),
          server: `https://${server}`,
        },
        name: 'kubernetes',
      },
    ],
    contexts: [{context: {cluster: 'kubernetes', user}, name: `${user}@kubernetes`}],
    'current-context': `${user}@kubernetes`,
    kind: 'Config',
    preferences: {},
    users: [
      {
        name: user,
        user: cert
          ? {
              'client-certificate-data': Buffer.from(cert.certPem).toString('base64'),
              'client-key-data': Buffer.from(cert.keyPem).toString('base64'),
            }
          : {
              'client-certificate': '/var/lib/kubelet/pki/kubelet-client-current.pem',
              'client-key': '/var/lib/kubelet/pki/kubelet-client-current.pem',
            },
      },
    ],
  });

const leaf = (
  env: SimEnv,
  ca: {certPem: string; keyPem: string},
  commonName: string,
  options: {
    organization?: string;
    dnsNames?: string[];
    ips?: string[];
    server?: boolean;
    client?: boolean;
  },
) => {
  const pair = rsaKeyPair();
  const now = env.now();
  const certPem = makeCertificate({
    subject: {commonName, ...(options.organization ? {organization: options.organization} : {})},
    issuer: {subject: {commonName: 'kubernetes'}, key: createPrivateKey(ca.keyPem)},
    ...pair,
    isCa: false,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    dnsNames: options.dnsNames ?? [],
    ips: options.ips ?? [],
    serverAuth: options.server ?? false,
    clientAuth: options.client ?? false,
  });
  return {certPem, keyPem: keyPem(pair.privateKey)};
};

const isIp = (text: string) => /^\d+\.\d+\.\d+\.\d+$/.test(text);
const firstServiceIp = (subnet: string) => {
  const [a, b, c, d] = (subnet.split('/')[0] ?? '10.96.0.0').split('.').map(Number);
  return `${a}.${b}.${c}.${(d ?? 0) + 1}`;
};

/** The apiserver serving certificate (with the config's certSANs) and the files around it. */
const writeControlPlanePki = (
  env: SimEnv,
  state: ClusterState,
  nodeName: string,
  advertise: string,
) => {
  const endpointHost = state.controlPlaneEndpoint.split(':')[0] ?? '';
  const dns = [
    nodeName,
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ];
  const ips = [firstServiceIp(state.serviceSubnet), advertise];
  for (const san of [endpointHost, ...state.certSANs]) {
    if (isIp(san)) {
      if (!ips.includes(san)) ips.push(san);
    } else if (san !== '' && !dns.includes(san)) dns.push(san);
  }
  const apiserver = leaf(env, state.ca, 'kube-apiserver', {dnsNames: dns, ips, server: true});
  env.fs.write(`${paths.pki}/ca.crt`, state.ca.certPem);
  env.fs.write(`${paths.pki}/ca.key`, state.ca.keyPem, 0o600);
  env.fs.write(`${paths.pki}/apiserver.crt`, apiserver.certPem);
  env.fs.write(`${paths.pki}/apiserver.key`, apiserver.keyPem, 0o600);
  const sa = rsaKeyPair();
  env.fs.write(`${paths.pki}/sa.key`, keyPem(sa.privateKey), 0o600);
  env.fs.write(
    `${paths.pki}/sa.pub`,
    createPublicKey(sa.privateKey).export({type: 'spki', format: 'pem'}).toString(),
  );
  return {dns, ips};
};

const manifest = (component: string, advertise: string, nodeName: string, state: ClusterState) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations:
        component === 'kube-apiserver'
          ? {'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${advertise}:6443`}
          : component === 'etcd'
            ? {'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${advertise}:2379`}
            : {},
      labels: {component, tier: 'control-plane'},
      name: component,
      namespace: 'kube-system',
    },
    spec: {
      containers: [
        {
          command:
            component === 'kube-apiserver'
              ? [
                  'kube-apiserver',
                  `--advertise-address=${advertise}`,
                  '--client-ca-file=/etc/kubernetes/pki/ca.crt',
                  '--etcd-servers=https://127.0.0.1:2379',
                  '--secure-port=6443',
                  `--service-cluster-ip-range=${state.serviceSubnet}`,
                  '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
                  '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
                ]
              : component === 'etcd'
                ? [
                    'etcd',
                    `--advertise-client-urls=https://${advertise}:2379`,
                    `--name=${nodeName}`,
                    '--data-dir=/var/lib/etcd',
                  ]
                : component === 'kube-controller-manager'
                  ? [
                      'kube-controller-manager',
                      '--allocate-node-cidrs=true',
                      `--cluster-cidr=${state.podSubnet}`,
                      `--cluster-name=${state.clusterName}`,
                    ]
                  : [
                      'kube-scheduler',
                      '--bind-address=127.0.0.1',
                      '--kubeconfig=/etc/kubernetes/scheduler.conf',
                    ],
          image:
            component === 'etcd'
              ? 'registry.k8s.io/etcd:3.6.4-0'
              : `registry.k8s.io/${component}:${state.kubernetesVersion}`,
          name: component,
        },
      ],
      hostNetwork: true,
      priority: 2000001000,
      priorityClassName: 'system-node-critical',
    },
  });

/** The static Pod manifests and etcd's data of a control plane; returns kubeadm's lines for them. */
const writeStaticPods = (env: SimEnv, advertise: string, nodeName: string, state: ClusterState) => {
  let out = '';
  for (const pod of staticPods) {
    if (pod !== 'etcd') out += `[control-plane] Creating static Pod manifest for "${pod}"\n`;
    env.fs.write(
      `${paths.manifests}/${pod}.yaml`,
      manifest(pod, advertise, nodeName, state),
      0o600,
    );
  }
  env.fs.write(`${paths.etcdData}/member/snap/db`, '');
  return out;
};

const writeKubelet = (env: SimEnv, kubeletConfig: string, nodeIp: string) => {
  env.fs.write(paths.kubeletConfig, kubeletConfig);
  env.fs.write(
    paths.kubeletFlags,
    `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --node-ip=${nodeIp} --pod-infra-container-image=registry.k8s.io/pause:3.10.1"\n`,
  );
};

/** The cluster's KubeletConfiguration: kubeadm's defaults under the config's own fields. */
const kubeletConfigOf = (doc: Doc | undefined) =>
  stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    authentication: {
      anonymous: {enabled: false},
      webhook: {enabled: true},
      x509: {clientCAFile: '/etc/kubernetes/pki/ca.crt'},
    },
    cgroupDriver: 'systemd',
    clusterDNS: ['10.96.0.10'],
    clusterDomain: 'cluster.local',
    kind: 'KubeletConfiguration',
    rotateCertificates: true,
    staticPodPath: '/etc/kubernetes/manifests',
    ...(doc ?? {}),
  });

const nodeRegistration = (env: SimEnv, doc: Doc | undefined) => {
  const reg = obj(doc?.['nodeRegistration']);
  const args = reg['kubeletExtraArgs'];
  const nodeIp = Array.isArray(args)
    ? str(obj(args.find((a) => obj(a)['name'] === 'node-ip'))['value'])
    : str(obj(args)['node-ip']);
  return {name: str(reg['name']) ?? env.host, nodeIp};
};

/** Waits until the local apiserver accepts connections (the kubelet runs the static pod). */
const waitLocal = async (env: SimEnv, port: number, ms: number) => {
  const started = env.now();
  while (env.now() - started < ms) {
    if ((await env.net.probe('127.0.0.1', port, 500)) === 'open')
      return (env.now() - started) / 1000;
    await env.sleep(100);
  }
  return undefined;
};

const seconds = (s: number) => `${s.toFixed(9).replace(/0+$/, '').replace(/\.$/, '')}s`;

const clusterAdminsGroup = 'kubeadm:cluster-admins';

/** kubeadm 1.29 and later: admin.conf's group and super-admin.conf (KEP-4214). */
const splitAdmins = (env: SimEnv) =>
  Number(/^v?\d+\.(\d+)/.exec(env.settings.kubeadmVersion)?.[1] ?? '0') >= 29;

/**
 * init's first API client (cmd/kubeadm/app/cmd/init.go, initData.Client, first
 * used by the upload-config phase) is built from admin.conf, whose server is
 * the controlPlaneEndpoint, and calls phases/kubeconfig
 * EnsureAdminClusterRoleBinding: create the ClusterRoleBinding
 * kubeadm:cluster-admins with admin.conf, on Forbidden with super-admin.conf,
 * retrying every 500 ms for timeouts.kubernetesAPICall. So the endpoint must
 * answer by then: a VIP nobody holds (kube-vip issue #684) fails init here.
 * Undefined when bound; kubeadm's failure otherwise.
 */
const bindClusterAdmins = async (
  env: SimEnv,
  endpoint: string,
): Promise<ToolResult | undefined> => {
  const [host = '', port = '6443'] = endpoint.split(':');
  const started = env.now();
  let probe = await env.net.probe(host, Number(port), 3000);
  while (probe !== 'open' && env.now() - started < env.settings.apiCallTimeoutSeconds * 1000) {
    await env.sleep(500);
    probe = await env.net.probe(host, Number(port), 3000);
  }
  if (probe !== 'open')
    return fail(
      1,
      `error execution phase upload-config/kubeadm: could not bootstrap the admin user in file admin.conf: unable to create ClusterRoleBinding: Post "https://${endpoint}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?timeout=10s": dial tcp ${endpoint}: ${probe === 'refused' ? 'connect: connection refused' : probe === 'timeout' ? 'i/o timeout' : 'connect: no route to host'}\n${stackHint}`,
    );
  env.cluster.update((s) => [s && {...s, clusterAdminsBound: true}, undefined]);
  return undefined;
};

/** The API server behind a kubeconfig must answer (token create, upload-certs talk to it). */
const needApi = async (env: SimEnv, what: string): Promise<ToolResult | ClusterState> => {
  const conf = env.fs.read(paths.adminConf);
  const state = env.cluster.read();
  if (conf === undefined || !state)
    return fail(
      1,
      `failed to load admin kubeconfig: open ${paths.adminConf}: no such file or directory\n${stackHint}`,
    );
  const server = /server: https:\/\/([^\s]+)/.exec(conf)?.[1] ?? state.controlPlaneEndpoint;
  const [host = '', port = '6443'] = server.split(':');
  const probe = await env.net.probe(host, Number(port), 3000);
  if (probe !== 'open')
    return fail(
      1,
      `${what}: Post "https://${server}/api/v1/namespaces/kube-system/secrets?timeout=10s": dial tcp ${server}: ${probe === 'refused' ? 'connect: connection refused' : probe === 'timeout' ? 'i/o timeout' : 'connect: no route to host'}\n${stackHint}`,
    );
  return state;
};

const joinCommand = (state: ClusterState, token: string) =>
  `kubeadm join ${state.controlPlaneEndpoint} --token ${token} --discovery-token-ca-cert-hash ${caCertHash(state.ca.certPem)} `;

const resolveVersion = (
  env: SimEnv,
  wanted: string | undefined,
): {version: string; stderr: string} => {
  if (wanted && /^v\d+\.\d+\.\d+$/.test(wanted)) return {version: wanted, stderr: ''};
  const label = wanted ?? 'stable-1';
  const t = klogTime(env.now());
  return {
    version: env.settings.kubeadmVersion,
    stderr:
      `W${t}    ${env.pid} version.go:109] could not fetch a Kubernetes version from the internet: unable to get URL "https://dl.k8s.io/release/${label}.txt": Get "https://dl.k8s.io/release/${label}.txt": dial tcp: lookup dl.k8s.io on 127.0.0.53:53: dial udp 127.0.0.53:53: connect: network is unreachable\n` +
      `W${t}    ${env.pid} version.go:110] falling back to the local client version: ${env.settings.kubeadmVersion}\n`,
  };
};

const init = async (env: SimEnv, argv: readonly string[], stdin: string): Promise<ToolResult> => {
  const args = parseArgs(
    argv,
    ['config', 'skip-phases', 'v', 'ignore-preflight-errors'],
    ['upload-certs', 'dry-run'],
    {v: 'v'},
  );
  if (args.unknown) return fail(1, `${args.unknown}\n${stackHint}`);
  if (args.positional[0] === 'phase')
    return initPhase(env, args.positional.slice(1), args.flags, stdin);
  const configFile = args.flags.get('config');
  const docs = configFile ? readConfig(env, configFile, stdin) : [];
  if (!Array.isArray(docs)) return docs;
  const bad = badApiVersion(env, docs);
  if (bad) return bad;
  const initDoc = kind(docs, 'InitConfiguration');
  const clusterDoc = kind(docs, 'ClusterConfiguration') ?? {};
  const {name: nodeName, nodeIp} = nodeRegistration(env, initDoc);
  const advertise =
    str(obj(initDoc?.['localAPIEndpoint'])['advertiseAddress']) ?? nodeIp ?? '127.0.0.1';
  const resolved = resolveVersion(env, str(clusterDoc['kubernetesVersion']));
  let out = `[init] Using Kubernetes version: ${resolved.version}\n[preflight] Running pre-flight checks\n`;
  const errors: string[] = [];
  if (env.uid !== 0) errors.push('IsPrivilegedUser]: user is not running as root');
  errors.push(...(await portChecks(env, [6443, 10259, 10257])));
  for (const pod of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'])
    errors.push(...fileCheck(env, `${paths.manifests}/${pod}.yaml`));
  errors.push(...(await portChecks(env, [10250, 2379, 2380])));
  if (env.fs.list(paths.etcdData).length > 0)
    errors.push(`DirAvailable--var-lib-etcd]: ${paths.etcdData} is not empty`);
  if (errors.length > 0)
    return {
      ...preflightFailure(out, errors),
      stderr: resolved.stderr + preflightFailure(out, errors).stderr,
    };

  const networking = obj(clusterDoc['networking']);
  const serviceSubnet = str(networking['serviceSubnet']) ?? '10.96.0.0/12';
  const bootstrap = obj((initDoc?.['bootstrapTokens'] as unknown[] | undefined)?.[0]);
  const token = str(bootstrap['token']) ?? newToken();
  if (!tokenPattern.test(token))
    return fail(
      1,
      `bootstrapTokens[0].token: Invalid value: "${'*'.repeat(token.length)}": the bootstrap token is invalid\n${stackHint}`,
      out,
    );
  const ttl = parseGoDuration(str(bootstrap['ttl']) ?? '24h0m0s') ?? 86_400_000;
  const uploadCerts = args.flags.get('upload-certs') === 'true';
  const certificateKey = str(initDoc?.['certificateKey']) ?? randomBytes(32).toString('hex');
  if (!keyPattern.test(certificateKey))
    return fail(
      1,
      `certificateKey: Invalid value: "": certificate key must be 64 hex characters\n${stackHint}`,
      out,
    );
  const now = env.now();
  // Like kubeadm: a CA already in the certificate dir is used, not replaced (an external CA).
  const caCertPem = env.fs.read(`${paths.pki}/ca.crt`);
  const caKeyPem = env.fs.read(`${paths.pki}/ca.key`);
  const existingCa =
    caCertPem !== undefined && caKeyPem !== undefined
      ? {certPem: caCertPem, keyPem: caKeyPem}
      : undefined;
  const state: ClusterState = {
    clusterName: str(clusterDoc['clusterName']) ?? 'kubernetes',
    controlPlaneEndpoint: str(clusterDoc['controlPlaneEndpoint']) ?? `${advertise}:6443`,
    kubernetesVersion: resolved.version,
    podSubnet: str(networking['podSubnet']) ?? '',
    serviceSubnet,
    certSANs: (obj(clusterDoc['apiServer'])['certSANs'] as string[] | undefined) ?? [],
    kubeletConfig: kubeletConfigOf(kind(docs, 'KubeletConfiguration')),
    ca: existingCa ?? makeCa(new Date(now)),
    createdAt: now,
    tokens: [{token, expires: ttl === 0 ? Number.MAX_SAFE_INTEGER : now + ttl}],
    ...(uploadCerts
      ? {
          certificateKey: {
            key: certificateKey,
            expires: now + env.settings.certificateKeyTtlSeconds * 1000,
          },
        }
      : {}),
    nodes: [],
    etcdMembers: [],
    helm: {},
  };
  out += [
    '[preflight] Pulling images required for setting up a Kubernetes cluster',
    '[preflight] This might take a minute or two, depending on the speed of your internet connection',
    "[preflight] You can also perform this action beforehand using 'kubeadm config images pull'",
    `[certs] Using certificateDir folder "${paths.pki}"`,
    existingCa
      ? '[certs] Using existing ca certificate authority'
      : '[certs] Generating "ca" certificate and key',
    '[certs] Generating "apiserver" certificate and key',
    '',
  ].join('\n');
  const {dns, ips} = writeControlPlanePki(env, state, nodeName, advertise);
  out += `[certs] apiserver serving cert is signed for DNS names [${dns.join(' ')}] and IPs [${ips.join(' ')}]\n`;
  out += [
    '[certs] Generating "apiserver-kubelet-client" certificate and key',
    '[certs] Generating "front-proxy-ca" certificate and key',
    '[certs] Generating "front-proxy-client" certificate and key',
    '[certs] Generating "etcd/ca" certificate and key',
    '[certs] Generating "etcd/server" certificate and key',
    `[certs] etcd/server serving cert is signed for DNS names [${nodeName} localhost] and IPs [${advertise} 127.0.0.1 ::1]`,
    '[certs] Generating "etcd/peer" certificate and key',
    `[certs] etcd/peer serving cert is signed for DNS names [${nodeName} localhost] and IPs [${advertise} 127.0.0.1 ::1]`,
    '[certs] Generating "etcd/healthcheck-client" certificate and key',
    '[certs] Generating "apiserver-etcd-client" certificate and key',
    '[certs] Generating "sa" key and public key',
    '[kubeconfig] Using kubeconfig folder "/etc/kubernetes"',
    '',
  ].join('\n');
  // kubeadm's phases/kubeconfig (getKubeConfigSpecsBase): from 1.29 admin.conf is
  // "kubernetes-admin" in group kubeadm:cluster-admins, which has rights only once
  // init binds that group (below), and super-admin.conf is "kubernetes-super-admin"
  // in system:masters; before 1.29 admin.conf was system:masters and there was no
  // super-admin.conf.
  const split = splitAdmins(env);
  const admin = leaf(env, state.ca, 'kubernetes-admin', {
    organization: split ? clusterAdminsGroup : 'system:masters',
    client: true,
  });
  const superAdmin = split
    ? leaf(env, state.ca, 'kubernetes-super-admin', {organization: 'system:masters', client: true})
    : undefined;
  for (const file of confFiles) {
    if (file === 'super-admin.conf' && !superAdmin) continue;
    out += `[kubeconfig] Writing "${file}" kubeconfig file\n`;
    const local = file === 'controller-manager.conf' || file === 'scheduler.conf';
    const user =
      file === 'kubelet.conf'
        ? `system:node:${nodeName}`
        : file === 'super-admin.conf'
          ? 'kubernetes-super-admin'
          : file === 'admin.conf'
            ? 'kubernetes-admin'
            : `system:${file.replace('.conf', '')}`;
    env.fs.write(
      `/etc/kubernetes/${file}`,
      kubeconfig(
        local ? `${advertise}:6443` : state.controlPlaneEndpoint,
        state.ca.certPem,
        user,
        file === 'kubelet.conf' ? undefined : file === 'super-admin.conf' ? superAdmin : admin,
      ),
      0o600,
    );
  }
  out += `[etcd] Creating static Pod manifest for local etcd in "${paths.manifests}"\n[control-plane] Using manifest folder "${paths.manifests}"\n`;
  out += writeStaticPods(env, advertise, nodeName, state);
  writeKubelet(env, state.kubeletConfig, nodeIp ?? advertise);
  env.cluster.update(() => [
    {
      ...state,
      nodes: [
        {
          name: nodeName,
          host: env.host,
          role: 'control-plane',
          ip: nodeIp ?? advertise,
          createdAt: now,
          kubeletVersion: env.settings.kubeadmVersion,
        },
      ],
      etcdMembers: [{name: nodeName, peerURL: `https://${advertise}:2380`}],
    },
    undefined,
  ]);
  out += [
    `[kubelet-start] Writing kubelet environment file with flags to file "${paths.kubeletFlags}"`,
    `[kubelet-start] Writing kubelet configuration to file "${paths.kubeletConfig}"`,
    '[kubelet-start] Starting the kubelet',
    `[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "${paths.manifests}"`,
    '[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s',
    '',
  ].join('\n');
  startKubelet(env);
  const kubeletAfter = await waitLocal(env, 10250, 10_000);
  if (kubeletAfter === undefined)
    return fail(
      1,
      `error execution phase wait-control-plane: failed while waiting for the kubelet to start: The HTTP call equal to 'curl -sSL http://127.0.0.1:10248/healthz' returned error: Get "http://127.0.0.1:10248/healthz": dial tcp 127.0.0.1:10248: connect: connection refused\n${stackHint}`,
      out,
    );
  out += `[kubelet-check] The kubelet is healthy after ${seconds(kubeletAfter)}\n`;
  out += `[control-plane-check] Waiting for healthy control plane components. This can take up to 4m0s\n[control-plane-check] Checking kube-apiserver at https://${advertise}:6443/livez\n[control-plane-check] Checking kube-controller-manager at https://127.0.0.1:10257/healthz\n[control-plane-check] Checking kube-scheduler at https://127.0.0.1:10259/livez\n`;
  const apiAfter = await waitLocal(env, 6443, 20_000);
  if (apiAfter === undefined)
    return fail(
      1,
      `error execution phase wait-control-plane: failed while waiting for the control plane to start: kube-apiserver check failed at https://${advertise}:6443/livez: Get "https://${advertise}:6443/livez?timeout=10s": dial tcp ${advertise}:6443: connect: connection refused\n${stackHint}`,
      out,
    );
  out += `[control-plane-check] kube-controller-manager is healthy after ${seconds(apiAfter)}\n[control-plane-check] kube-scheduler is healthy after ${seconds(apiAfter)}\n[control-plane-check] kube-apiserver is healthy after ${seconds(apiAfter)}\n`;
  const unbound = await bindClusterAdmins(env, state.controlPlaneEndpoint);
  if (unbound) return {...unbound, stdout: out};
  out +=
    '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n';
  out +=
    '[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster\n';
  out += uploadCerts
    ? `[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${certificateKey}\n`
    : '[upload-certs] Skipping phase. Please see --upload-certs\n';
  out += [
    `[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]`,
    `[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]`,
    `[bootstrap-token] Using token: ${token}`,
    '[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles',
    '[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes',
    '[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials',
    '[bootstrap-token] Configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token',
    '[bootstrap-token] Configured RBAC rules to allow certificate rotation for all node client certificates in the cluster',
    '[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace',
    '[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key',
    '[addons] Applied essential addon: CoreDNS',
    ...((args.flags.get('skip-phases') ?? '').split(',').includes('addon/kube-proxy') ||
    ((initDoc?.['skipPhases'] as string[] | undefined) ?? []).includes('addon/kube-proxy')
      ? []
      : ['[addons] Applied essential addon: kube-proxy']),
    '',
    'Your Kubernetes control-plane has initialized successfully!',
    '',
    'To start using your cluster, you need to run the following as a regular user:',
    '',
    '  mkdir -p $HOME/.kube',
    '  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config',
    '  sudo chown $(id -u):$(id -g) $HOME/.kube/config',
    '',
    'Alternatively, if you are the root user, you can run:',
    '',
    '  export KUBECONFIG=/etc/kubernetes/admin.conf',
    '',
    'You should now deploy a pod network to the cluster.',
    'Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:',
    '  https://kubernetes.io/docs/concepts/cluster-administration/addons/',
    '',
    '',
  ].join('\n');
  const hash = caCertHash(state.ca.certPem);
  if (uploadCerts) {
    out += `You can now join any number of control-plane nodes running the following command on each as root:\n\n  kubeadm join ${state.controlPlaneEndpoint} --token ${token} \\\n\t--discovery-token-ca-cert-hash ${hash} \\\n\t--control-plane --certificate-key ${certificateKey}\n\nPlease note that the certificate-key gives access to cluster sensitive data, keep it secret!\nAs a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use\n"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.\n\n`;
  }
  out += `Then you can join any number of worker nodes by running the following on each as root:\n\nkubeadm join ${state.controlPlaneEndpoint} --token ${token} \\\n\t--discovery-token-ca-cert-hash ${hash} \n`;
  return ok(out, resolved.stderr);
};

const initPhase = async (
  env: SimEnv,
  positional: string[],
  flags: Map<string, string>,
  stdin: string,
): Promise<ToolResult> => {
  if (positional[0] !== 'upload-certs')
    return fail(1, `error: unknown phase "${positional.join(' ')}"\n${stackHint}`);
  if (flags.get('upload-certs') !== 'true')
    return ok('[upload-certs] Skipping phase. Please see --upload-certs\n');
  const configFile = flags.get('config');
  const docs = configFile ? readConfig(env, configFile, stdin) : [];
  if (!Array.isArray(docs)) return docs;
  const bad = badApiVersion(env, docs);
  if (bad) return bad;
  const key =
    str(kind(docs, 'InitConfiguration')?.['certificateKey']) ?? randomBytes(32).toString('hex');
  if (!keyPattern.test(key))
    return fail(
      1,
      `certificateKey: Invalid value: "": certificate key must be 64 hex characters\n${stackHint}`,
    );
  const state = await needApi(
    env,
    'error execution phase upload-certs: error uploading certs: error creating token: failed to create secret',
  );
  if ('code' in state) return state;
  env.cluster.update((s) => [
    s && {
      ...s,
      certificateKey: {key, expires: env.now() + env.settings.certificateKeyTtlSeconds * 1000},
    },
    undefined,
  ]);
  return ok(
    `[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${key}\n`,
  );
};

const tokenCmd = async (
  env: SimEnv,
  argv: readonly string[],
  stdin: string,
): Promise<ToolResult> => {
  const args = parseArgs(
    argv,
    ['config', 'ttl', 'kubeconfig', 'description', 'usages', 'groups'],
    ['print-join-command', 'dry-run'],
  );
  if (args.unknown) return fail(1, `${args.unknown}\n${stackHint}`);
  const [sub, given] = args.positional;
  if (sub === 'list') {
    const state = env.cluster.read();
    const rows = (state?.tokens ?? []).filter((t) => t.expires > env.now());
    return ok(
      `TOKEN                     TTL         EXPIRES                USAGES                   DESCRIPTION   EXTRA GROUPS\n${rows.map((t) => `${t.token.slice(0, 6)}.<value withheld>   ${Math.round((t.expires - env.now()) / 3_600_000)}h         ${new Date(t.expires).toISOString().replace(/\.\d+Z/, 'Z')}   authentication,signing   <none>        system:bootstrappers:kubeadm:default-node-token\n`).join('')}`,
    );
  }
  if (sub !== 'create')
    return fail(1, `unknown command "${sub ?? ''}" for "kubeadm token"\n${stackHint}`);
  const mixed = mixedArguments(args.flags);
  if (mixed) return mixed;
  const configFile = args.flags.get('config');
  const docs = configFile ? readConfig(env, configFile, stdin) : [];
  if (!Array.isArray(docs)) return docs;
  const bad = badApiVersion(env, docs);
  if (bad) return bad;
  // Without --config kubeadm sets kubernetesVersion itself and skips the lookup (RunCreateToken).
  const warnings = configFile ? dynamicDefaultsWarnings(env, docs) : '';
  const bootstrap = obj(
    (kind(docs, 'InitConfiguration')?.['bootstrapTokens'] as unknown[] | undefined)?.[0],
  );
  const token = given ?? str(bootstrap['token']) ?? newToken();
  if (!tokenPattern.test(token))
    return fail(
      1,
      `token "${token.slice(0, 6)}..." was not of form "\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z"\n${stackHint}`,
    );
  const ttl = parseGoDuration(args.flags.get('ttl') ?? str(bootstrap['ttl']) ?? '24h0m0s');
  if (ttl === undefined) return fail(1, `invalid argument for --ttl\n${stackHint}`);
  const state = await needApi(
    env,
    `failed to create or update bootstrap token with name bootstrap-token-${token.slice(0, 6)}`,
  );
  if ('code' in state) return state;
  env.cluster.update((s) => [
    s && {
      ...s,
      tokens: [
        ...s.tokens.filter((t) => t.token !== token),
        {token, expires: ttl === 0 ? Number.MAX_SAFE_INTEGER : env.now() + ttl},
      ],
    },
    undefined,
  ]);
  return ok(
    args.flags.get('print-join-command') === 'true'
      ? `${joinCommand(state, token)}\n`
      : `${token}\n`,
    warnings,
  );
};

const discoveryError = (endpoint: string, what: string) =>
  `error execution phase preflight: couldn't validate the identity of the API Server: ${what}\n${stackHint}`;

const join = async (env: SimEnv, argv: readonly string[], stdin: string): Promise<ToolResult> => {
  const args = parseArgs(
    argv,
    ['config', 'v', 'ignore-preflight-errors', 'skip-phases'],
    ['dry-run'],
    {v: 'v'},
  );
  if (args.unknown) return fail(1, `${args.unknown}\n${stackHint}`);
  const configFile = args.flags.get('config');
  if (!configFile)
    return fail(
      1,
      `discovery: Invalid value: "": bootstrapToken or file must be set\n${stackHint}`,
    );
  const docs = readConfig(env, configFile, stdin);
  if (!Array.isArray(docs)) return docs;
  const bad = badApiVersion(env, docs);
  if (bad) return bad;
  const joinDoc = kind(docs, 'JoinConfiguration');
  if (!joinDoc)
    return fail(1, `no JoinConfiguration kind was found in the YAML file\n${stackHint}`);
  const discovery = obj(joinDoc['discovery']);
  const bootstrap = obj(discovery['bootstrapToken']);
  const endpoint = str(bootstrap['apiServerEndpoint']) ?? '';
  const token = str(bootstrap['token']) ?? str(discovery['tlsBootstrapToken']) ?? '';
  const hashes = (bootstrap['caCertHashes'] as string[] | undefined) ?? [];
  const controlPlane =
    joinDoc['controlPlane'] === undefined ? undefined : obj(joinDoc['controlPlane']);
  const {name: nodeName, nodeIp} = nodeRegistration(env, joinDoc);
  if (!tokenPattern.test(token))
    return fail(
      1,
      `discovery.bootstrapToken.token: Invalid value: "": the bootstrap token is invalid\n${stackHint}`,
    );
  if (
    hashes.length === 0 &&
    !['true', true].includes(bootstrap['unsafeSkipCAVerification'] as string)
  )
    return fail(
      1,
      `discovery.bootstrapToken: Invalid value: "": using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue\n${stackHint}`,
    );
  let out = '[preflight] Running pre-flight checks\n';
  const errors: string[] = [];
  if (env.uid !== 0) errors.push('IsPrivilegedUser]: user is not running as root');
  // RunJoinNodeChecks (cmd/kubeadm/app/preflight/checks.go) begins with
  // DirAvailableCheck on /etc/kubernetes/manifests: any file there (a static pod
  // such as kube-vip put in before the join) fails the join.
  if (env.fs.list(paths.manifests).some((name) => !name.startsWith('.')))
    errors.push('DirAvailable--etc-kubernetes-manifests]: /etc/kubernetes/manifests is not empty');
  errors.push(
    ...fileCheck(env, paths.kubeletConf),
    ...(await portChecks(env, [10250])),
    ...fileCheck(env, `${paths.pki}/ca.crt`),
  );
  if (errors.length > 0) return preflightFailure(out, errors);

  // Discovery: fetch cluster-info from the endpoint (insecurely, as kubeadm does first), retrying until the timeout.
  const timeoutText = str(obj(joinDoc['timeouts'])['discovery']) ?? str(discovery['timeout']);
  const timeoutMs =
    (timeoutText && parseGoDuration(timeoutText)) || env.settings.discoveryTimeoutSeconds * 1000;
  const url = `https://${endpoint}/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s`;
  const started = env.now();
  let answer = await env.net.get(url, undefined, 3000);
  while ('error' in answer && env.now() - started < timeoutMs) {
    await env.sleep(500);
    answer = await env.net.get(url, undefined, 3000);
  }
  if ('error' in answer) {
    const why =
      answer.error === 'refused'
        ? 'connect: connection refused'
        : answer.error === 'timeout'
          ? 'i/o timeout'
          : answer.error === 'unreachable'
            ? 'connect: no route to host'
            : String(answer.tls);
    return fail(
      1,
      discoveryError(
        endpoint,
        `failed to request the cluster-info ConfigMap: Get "${url}": dial tcp ${endpoint}: ${why}`,
      ),
      out,
    );
  }
  const data = obj(obj(JSON.parse(answer.body) as unknown)['data']);
  const clusterKubeconfig = str(data['kubeconfig']) ?? '';
  const id = token.split('.')[0] ?? '';
  const signature = str(data[`jws-kubeconfig-${id}`]);
  if (signature === undefined)
    return fail(
      1,
      discoveryError(
        endpoint,
        `could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}"`,
      ),
      out,
    );
  const {createHash} = await import('node:crypto');
  if (signature !== createHash('sha256').update(`${token}\n${clusterKubeconfig}`).digest('hex'))
    return fail(
      1,
      discoveryError(
        endpoint,
        "failed to verify JWS signature of received cluster info object, can't trust this API Server",
      ),
      out,
    );
  const caPem = Buffer.from(
    /certificate-authority-data: (\S+)/.exec(clusterKubeconfig)?.[1] ?? '',
    'base64',
  ).toString();
  const actual = caCertHash(caPem);
  if (
    !['true', true].includes(bootstrap['unsafeSkipCAVerification'] as string) &&
    !hashes.includes(actual)
  )
    return fail(
      1,
      discoveryError(
        endpoint,
        `cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${actual}" are pinned`,
      ),
      out,
    );
  const state = env.cluster.read();
  if (!state) return fail(1, discoveryError(endpoint, 'the cluster-info ConfigMap is empty'), out);

  if (controlPlane) {
    const advertise =
      str(obj(controlPlane['localAPIEndpoint'])['advertiseAddress']) ?? nodeIp ?? '';
    out += `[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...\n[preflight] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.\n[preflight] Running pre-flight checks before initializing the new control plane instance\n`;
    const cpErrors = [
      ...(await portChecks(env, [6443, 10259, 10257])),
      ...staticPods.flatMap((pod) => fileCheck(env, `${paths.manifests}/${pod}.yaml`)),
      ...(await portChecks(env, [2379, 2380])),
    ];
    if (env.fs.list(paths.etcdData).length > 0)
      cpErrors.push(`DirAvailable--var-lib-etcd]: ${paths.etcdData} is not empty`);
    if (cpErrors.length > 0) return preflightFailure(out, cpErrors);
    out += `[preflight] Pulling images required for setting up a Kubernetes cluster\n[preflight] This might take a minute or two, depending on the speed of your internet connection\n[preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n`;
    const key = str(controlPlane['certificateKey']) ?? '';
    if (!state.certificateKey || state.certificateKey.expires <= env.now())
      return fail(
        1,
        `error execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run \`kubeadm init phase upload-certs --upload-certs\` on a control plane to generate a new one\n${stackHint}`,
        out,
      );
    if (key !== state.certificateKey.key)
      return fail(
        1,
        `error execution phase control-plane-prepare/download-certs: error downloading certs: error decoding secret data with provided key: cipher: message authentication failed\n${stackHint}`,
        out,
      );
    out += `[download-certs] Saving the certificates to the folder: "${paths.pki}"\n[certs] Using certificateDir folder "${paths.pki}"\n[certs] Generating "apiserver" certificate and key\n`;
    const {dns, ips} = writeControlPlanePki(env, state, nodeName, advertise);
    out += `[certs] apiserver serving cert is signed for DNS names [${dns.join(' ')}] and IPs [${ips.join(' ')}]\n[certs] Valid certificates and keys now exist in "${paths.pki}"\n[certs] Using the existing "sa" key\n[kubeconfig] Generating kubeconfig files\n[kubeconfig] Using kubeconfig folder "/etc/kubernetes"\n`;
    const admin = leaf(env, state.ca, 'kubernetes-admin', {
      organization: splitAdmins(env) ? clusterAdminsGroup : 'system:masters',
      client: true,
    });
    for (const file of ['admin.conf', 'controller-manager.conf', 'scheduler.conf']) {
      out += `[kubeconfig] Writing "${file}" kubeconfig file\n`;
      env.fs.write(
        `/etc/kubernetes/${file}`,
        kubeconfig(
          file === 'admin.conf' ? state.controlPlaneEndpoint : `${advertise}:6443`,
          state.ca.certPem,
          file === 'admin.conf' ? 'kubernetes-admin' : `system:${file.replace('.conf', '')}`,
          admin,
        ),
        0o600,
      );
    }
    out += `[control-plane] Using manifest folder "${paths.manifests}"\n`;
    out += writeStaticPods(env, advertise, nodeName, state);
    out += '[check-etcd] Checking that the etcd cluster is healthy\n';
  }
  env.fs.write(`${paths.pki}/ca.crt`, state.ca.certPem);
  env.fs.write(
    paths.kubeletConf,
    kubeconfig(state.controlPlaneEndpoint, state.ca.certPem, `system:node:${nodeName}`),
    0o600,
  );
  writeKubelet(env, state.kubeletConfig, nodeIp ?? '');
  out += `[kubelet-start] Writing kubelet configuration to file "${paths.kubeletConfig}"\n[kubelet-start] Writing kubelet environment file with flags to file "${paths.kubeletFlags}"\n[kubelet-start] Starting the kubelet\n[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to 4m0s\n`;
  startKubelet(env);
  const kubeletAfter = await waitLocal(env, 10250, 10_000);
  out += `[kubelet-check] The kubelet is healthy after ${seconds(kubeletAfter ?? 0.5)}\n[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap\n`;
  const node: SimNode = {
    name: nodeName,
    host: env.host,
    role: controlPlane ? 'control-plane' : 'worker',
    ip: nodeIp ?? '',
    createdAt: env.now(),
    kubeletVersion: env.settings.kubeadmVersion,
  };
  const advertise =
    str(obj(controlPlane?.['localAPIEndpoint'])['advertiseAddress']) ?? nodeIp ?? '';
  env.cluster.update((s) => [
    s && {
      ...s,
      nodes: [...s.nodes.filter((n) => n.name !== nodeName), node],
      etcdMembers: controlPlane
        ? [
            ...s.etcdMembers.filter((m) => m.name !== nodeName),
            {name: nodeName, peerURL: `https://${advertise}:2380`},
          ]
        : s.etcdMembers,
    },
    undefined,
  ]);
  if (!controlPlane)
    return ok(
      `${out}\nThis node has joined the cluster:\n* Certificate signing request was sent to apiserver and a response was received.\n* The Kubelet was informed of the new secure connection details.\n\nRun 'kubectl get nodes' on the control-plane to see this node join the cluster.\n\n`,
    );
  out += `[etcd] Announced new etcd member joining to the existing etcd cluster\n[etcd] Creating static Pod manifest for "etcd"\n[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s\n`;
  const apiAfter = await waitLocal(env, 6443, 20_000);
  if (apiAfter === undefined)
    return fail(
      1,
      `error execution phase control-plane-join/etcd: error creating local etcd static pod manifest file: etcdserver: re-configuration failed due to not enough started members\n${stackHint}`,
      out,
    );
  out += `[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]\n[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]\n\nThis node has joined the cluster and a new control plane instance was created:\n\n* Certificate signing request was sent to apiserver and approval was received.\n* The Kubelet was informed of the new secure connection details.\n* Control plane label and taint were applied to the new node.\n* The Kubernetes control plane instances scaled up.\n* A new etcd member was added to the local/stacked etcd cluster.\n\nTo start administering your cluster from this node, you need to run the following as a regular user:\n\n\tmkdir -p $HOME/.kube\n\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\nRun 'kubectl get nodes' to see this node join the cluster.\n\n`;
  return ok(out);
};

const reset = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  const args = parseArgs(argv, ['v', 'cri-socket', 'kubeconfig'], ['force', 'f', 'dry-run'], {
    f: 'force',
  });
  if (args.unknown) return fail(1, `${args.unknown}\n${stackHint}`);
  if (args.flags.get('force') !== 'true')
    return fail(
      1,
      `[reset] Are you sure you want to proceed? [y/N]: error execution phase preflight: won't proceed; the user didn't answer (Y|y) in order to continue\n${stackHint}`,
    );
  if (env.uid !== 0)
    return preflightFailure('[preflight] Running pre-flight checks\n', [
      'IsPrivilegedUser]: user is not running as root',
    ]);
  const wasControlPlane = env.fs.read(`${paths.manifests}/etcd.yaml`) !== undefined;
  env.procs.stop('kubelet');
  let out = '[preflight] Running pre-flight checks\n';
  const name = nodeRegistration(env, undefined).name;
  if (wasControlPlane) {
    out += '[reset] Deleted contents of the etcd data directory: /var/lib/etcd\n';
    env.cluster.update((s) => [
      s && {
        ...s,
        etcdMembers: s.etcdMembers.filter((m) => m.name !== name),
        nodes: s.nodes.filter((n) => n.host !== env.host),
      },
      undefined,
    ]);
  } else {
    env.cluster.update((s) => [
      s && {...s, nodes: s.nodes.filter((n) => n.host !== env.host)},
      undefined,
    ]);
  }
  const removeTree = (dir: string) => {
    for (const entry of env.fs.list(dir)) {
      removeTree(`${dir}/${entry}`);
      env.fs.remove(`${dir}/${entry}`);
    }
  };
  for (const dir of [paths.etcdData, paths.manifests, '/var/lib/kubelet', paths.pki])
    removeTree(dir);
  for (const file of [...confFiles, 'bootstrap-kubelet.conf'])
    env.fs.remove(`/etc/kubernetes/${file}`);
  out += `[reset] Stopping the kubelet service\n[reset] Unmounting mounted directories in "/var/lib/kubelet"\n[reset] Deleting contents of directories: [${paths.manifests} /var/lib/kubelet ${paths.pki}]\n[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]\n\nThe reset process does not perform cleanup of CNI plugin configuration,\nnetwork filtering rules and kubeconfig files.\n\nFor information on how to perform this cleanup manually, please see:\n    https://k8s.io/docs/reference/setup-tools/kubeadm/kubeadm-reset/\n\n`;
  return ok(
    out,
    `W${klogTime(env.now())}    ${env.pid} removeetcdmember.go:106] [reset] No kubeadm config, using etcd pod spec to get data directory\n`,
  );
};

export const kubeadm = async (
  env: SimEnv,
  argv: readonly string[],
  stdin: string,
): Promise<ToolResult> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'version': {
      const args = parseArgs(rest, ['output'], [], {o: 'output'});
      const v = env.settings.kubeadmVersion;
      if (args.flags.get('output') === 'short') return ok(`${v}\n`);
      return ok(
        `kubeadm version: &version.Info{Major:"1", Minor:"${v.split('.')[1]}", GitVersion:"${v}", GitCommit:"0000000000000000000000000000000000000000", GitTreeState:"clean", BuildDate:"2025-12-09T00:00:00Z", GoVersion:"go1.24.11", Compiler:"gc", Platform:"linux/amd64"}\n`,
      );
    }
    case 'init':
      return init(env, rest, stdin);
    case 'join':
      return join(env, rest, stdin);
    case 'token':
      return tokenCmd(env, rest, stdin);
    case 'reset':
      return reset(env, rest);
    case undefined:
      return ok('Usage:\n  kubeadm [command]\n');
    default:
      return fail(1, `unknown command "${command}" for "kubeadm"\n${stackHint}`);
  }
};
