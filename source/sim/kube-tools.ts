// kubectl, crictl, helm and kubelet as the phases call them (docs/commands-on-hosts.md).
import {parse, stringify} from 'yaml';
import {parseArgs} from './args.js';
import {simState, type PodRecord} from './static-pods.js';
import type {HttpsAnswer, SimEnv, ToolResult} from './env.js';
import {fail, ok} from './env.js';

/** Go's text/tabwriter as kubectl (minwidth 6) and crictl (minwidth 20) use it: padding 3, last column bare. */
export const table = (rows: readonly (readonly string[])[], minWidth: number) => {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, minWidth, cell.length + 3)));
  return rows
    .map(
      (row) =>
        row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('') +
        '\n',
    )
    .join('');
};

/** k8s.io/apimachinery duration.HumanDuration (kubectl's AGE). */
export const kubeAge = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
};

/** go-units HumanDuration + " ago" (crictl's CREATED). */
export const createdAgo = (ms: number) => {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const text =
    s < 1
      ? 'Less than a second'
      : s === 1
        ? '1 second'
        : s < 60
          ? `${s} seconds`
          : m === 1
            ? 'About a minute'
            : m < 60
              ? `${m} minutes`
              : h === 1
                ? 'About an hour'
                : h < 48
                  ? `${h} hours`
                  : `${Math.floor(h / 24)} days`;
  return `${text} ago`;
};

interface Kubeconfig {
  readonly server: string;
  readonly caPem: string | undefined;
}

const loadKubeconfig = (env: SimEnv, file: string): Kubeconfig | ToolResult => {
  const text = env.fs.read(file);
  if (text === undefined) {
    if (env.uid !== 0 && file.startsWith('/etc/kubernetes/'))
      return fail(
        1,
        `error: error loading config file "${file}": open ${file}: permission denied\n`,
      );
    return fail(1, `error: stat ${file}: no such file or directory\n`);
  }
  const doc = (parse(text) ?? {}) as {clusters?: Array<{cluster?: Record<string, string>}>};
  const cluster = doc.clusters?.[0]?.cluster ?? {};
  const data = cluster['certificate-authority-data'];
  return {
    server: (cluster['server'] ?? 'http://localhost:8080').replace(/\/$/, ''),
    caPem: data ? Buffer.from(data, 'base64').toString() : undefined,
  };
};

const hostPort = (server: string) => server.replace(/^https?:\/\//, '');

/** kubectl's words for a failed request. */
const connectionFailure = (
  env: SimEnv,
  config: Kubeconfig,
  answer: HttpsAnswer,
  apiDiscovery: boolean,
): ToolResult => {
  const target = hostPort(config.server);
  if (!('error' in answer)) return fail(1, '');
  if (answer.error === 'refused') {
    const d = new Date(env.now());
    const stamp = `E${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')} ${d.toISOString().slice(11, 23)}000`;
    const lines = apiDiscovery
      ? Array.from(
          {length: 5},
          () =>
            `${stamp}    ${env.pid} memcache.go:265] "Unhandled Error" err="couldn't get current server API group list: Get \\"${config.server}/api?timeout=32s\\": dial tcp ${target}: connect: connection refused"\n`,
        ).join('')
      : '';
    return fail(
      1,
      `${lines}The connection to the server ${target} was refused - did you specify the right host or port?\n`,
    );
  }
  if (answer.error === 'tls') return fail(1, `Unable to connect to the server: ${answer.tls}\n`);
  return fail(
    1,
    `Unable to connect to the server: dial tcp ${target}: ${answer.error === 'timeout' ? 'i/o timeout' : 'connect: no route to host'}\n`,
  );
};

export const kubectl = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  const args = parseArgs(
    argv,
    ['kubeconfig', 'namespace', 'output', 'selector', 'raw', 'request-timeout', 'server'],
    ['all-namespaces'],
    {n: 'namespace', o: 'output', l: 'selector', A: 'all-namespaces'},
  );
  if (args.unknown) return fail(1, `error: ${args.unknown}\nSee 'kubectl --help' for usage.\n`);
  const file = args.flags.get('kubeconfig') ?? process.env['KUBECONFIG'] ?? '/root/.kube/config';
  if (
    env.fs.read(file) === undefined &&
    !args.flags.has('kubeconfig') &&
    !(env.uid !== 0 && file.startsWith('/etc/kubernetes'))
  )
    return fail(
      1,
      'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n',
    );
  const config = loadKubeconfig(env, file);
  if ('code' in config) return config;
  const [verb, resource] = args.positional;
  const fetch = (path: string) => env.net.get(`${config.server}${path}`, config.caPem, 32_000);
  if (verb === 'version') {
    const answer = await fetch('/version');
    const client = `Client Version: ${env.settings.kubeadmVersion}\nKustomize Version: v5.7.1\n`;
    if ('error' in answer)
      return {...connectionFailure(env, config, answer, false), stdout: client};
    return ok(
      `${client}Server Version: ${(JSON.parse(answer.body) as {gitVersion: string}).gitVersion}\n`,
    );
  }
  if (verb !== 'get') return fail(1, `error: unknown command "${verb ?? ''}" for "kubectl"\n`);
  const raw = args.flags.get('raw');
  if (raw !== undefined) {
    const answer = await fetch(raw);
    if ('error' in answer) return connectionFailure(env, config, answer, false);
    if (answer.status >= 400)
      return fail(
        1,
        `Error from server (NotFound): the server could not find the requested resource\n`,
      );
    return ok(answer.body);
  }
  const output = args.flags.get('output') ?? '';
  const namespace = args.flags.get('namespace') ?? 'default';
  let path: string;
  if (resource === 'nodes' || resource === 'node' || resource === 'no') path = '/api/v1/nodes';
  else if (resource === 'pods' || resource === 'pod' || resource === 'po') {
    const selector = args.flags.get('selector');
    path = `/api/v1/namespaces/${namespace}/pods${selector ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`;
  } else return fail(1, `error: the server doesn't have a resource type "${resource ?? ''}"\n`);
  const answer = await fetch(path);
  if ('error' in answer) return connectionFailure(env, config, answer, true);
  const list = JSON.parse(answer.body) as {items: Array<Record<string, unknown>>};
  if (namespace !== 'kube-system' && path.includes('/pods')) list.items = [];
  if (output === 'json') return ok(`${JSON.stringify(list, null, 4)}\n`);
  if (list.items.length === 0) return ok('', `No resources found in ${namespace} namespace.\n`);
  const now = env.now();
  if (path === '/api/v1/nodes') {
    const wide = output === 'wide';
    const rows = [
      [
        'NAME',
        'STATUS',
        'ROLES',
        'AGE',
        'VERSION',
        ...(wide
          ? ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']
          : []),
      ],
    ];
    for (const item of list.items as Array<{
      metadata: {name: string; labels: Record<string, string>; creationTimestamp: string};
      status: {
        conditions: Array<{type: string; status: string}>;
        addresses: Array<{type: string; address: string}>;
        nodeInfo: Record<string, string>;
      };
    }>) {
      const ready = item.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
      const roles =
        Object.keys(item.metadata.labels)
          .filter((l) => l.startsWith('node-role.kubernetes.io/'))
          .map((l) => l.split('/')[1])
          .join(',') || '<none>';
      rows.push([
        item.metadata.name,
        ready ? 'Ready' : 'NotReady',
        roles,
        kubeAge(now - Date.parse(item.metadata.creationTimestamp)),
        item.status.nodeInfo['kubeletVersion'] ?? '',
        ...(wide
          ? [
              item.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '<none>',
              '<none>',
              item.status.nodeInfo['osImage'] ?? '',
              item.status.nodeInfo['kernelVersion'] ?? '',
              item.status.nodeInfo['containerRuntimeVersion'] ?? '',
            ]
          : []),
      ]);
    }
    return ok(table(rows, 6));
  }
  const rows = [['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']];
  for (const item of list.items as Array<{metadata: {name: string; creationTimestamp: string}}>)
    rows.push([
      item.metadata.name,
      '1/1',
      'Running',
      '0',
      kubeAge(now - Date.parse(item.metadata.creationTimestamp)),
    ]);
  return ok(table(rows, 6));
};

export const crictl = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> => {
  const args = parseArgs(argv, ['runtime-endpoint', 'name', 'state', 'output'], ['all', 'quiet'], {
    a: 'all',
    r: 'runtime-endpoint',
    q: 'quiet',
    o: 'output',
  });
  if (args.unknown) return fail(1, `FATA[0000] ${args.unknown}\n`);
  const endpoint = args.flags.get('runtime-endpoint') ?? 'unix:///run/containerd/containerd.sock';
  if (env.uid !== 0)
    return fail(
      1,
      `FATA[0000] validate service connection: validate CRI v1 runtime API for endpoint "${endpoint}": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix ${endpoint.replace('unix://', '')}: connect: permission denied"\n`,
    );
  if (args.positional[0] !== 'ps')
    return fail(1, `FATA[0000] no help topic for '${args.positional[0] ?? ''}'\n`);
  const pods = JSON.parse(env.fs.read(simState.pods) ?? '[]') as PodRecord[];
  const now = env.now();
  const rows: string[][] = [
    ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD'],
  ];
  const entries = pods.flatMap((p) => [
    {id: p.containerId, startedAt: p.startedAt, state: p.state, attempt: p.attempt, pod: p},
    ...(p.previous
      ? [
          {
            id: p.previous.containerId,
            startedAt: p.previous.startedAt,
            state: 'Exited' as const,
            attempt: p.attempt - 1,
            pod: p,
          },
        ]
      : []),
  ]);
  entries.sort((a, b) => b.startedAt - a.startedAt);
  // crictl (cmd/crictl/container.go): --state picks one state (running unless -a or --state),
  // case-insensitive; --name is a regular expression matched against the container's name.
  const state = args.flags.get('state')?.toLowerCase();
  if (state !== undefined && !['created', 'running', 'exited', 'unknown'].includes(state))
    return fail(1, `FATA[0000] --state should be one of created, running, exited or unknown\n`);
  const name = args.flags.get('name');
  let pattern: RegExp | undefined;
  try {
    pattern = name === undefined ? undefined : new RegExp(name);
  } catch {
    return fail(1, `FATA[0000] listing containers: error parsing regexp: ${name}\n`);
  }
  const wanted = state ?? (args.flags.get('all') === 'true' ? undefined : 'running');
  for (const e of entries) {
    if (wanted !== undefined && e.state.toLowerCase() !== wanted) continue;
    if (pattern && !pattern.test(e.pod.name)) continue;
    rows.push([
      e.id.slice(0, 13),
      e.pod.image,
      createdAgo(now - e.startedAt),
      e.state,
      e.pod.name,
      String(e.attempt),
      e.pod.podId.slice(0, 13),
      `${e.pod.name}-${env.host}`,
    ]);
  }
  if (args.flags.get('quiet') === 'true')
    return ok(
      rows
        .slice(1)
        .map((r) => `${r[0]}\n`)
        .join(''),
    );
  return ok(table(rows, 20));
};

const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        )
      : value;

export const helm = async (
  env: SimEnv,
  argv: readonly string[],
  stdin: string,
): Promise<ToolResult> => {
  const args = parseArgs(
    argv,
    ['repo', 'namespace', 'values', 'kubeconfig', 'version', 'set', 'timeout', 'output'],
    ['install', 'wait', 'create-namespace', 'atomic', 'all'],
    {n: 'namespace', f: 'values', o: 'output', a: 'all'},
  );
  if (args.unknown) return fail(1, `Error: ${args.unknown}\n`);
  const [command, name, chart] = args.positional;
  if (command === 'version')
    return ok(
      'version.BuildInfo{Version:"v3.19.0", GitCommit:"3d8990f0836691f0229297773f3524598f46bda6", GitTreeState:"clean", GoVersion:"go1.24.7"}\n',
    );
  const getValues = command === 'get' && name === 'values';
  if (
    !getValues &&
    (command !== 'upgrade' || args.flags.get('install') !== 'true' || !name || !chart)
  )
    return fail(1, `Error: unknown command "${command ?? ''}" for "helm"\n`);
  const file = args.flags.get('kubeconfig') ?? '/root/.kube/config';
  const config = loadKubeconfig(env, file);
  if ('code' in config)
    return fail(
      1,
      `Error: Kubernetes cluster unreachable: ${config.stderr.replace(/^error: /, '')}`,
    );
  const answer = await env.net.get(`${config.server}/version`, config.caPem, 10_000);
  if ('error' in answer)
    return fail(
      1,
      `Error: Kubernetes cluster unreachable: Get "${config.server}/version": dial tcp ${hostPort(config.server)}: ${answer.error === 'refused' ? 'connect: connection refused' : answer.error === 'tls' ? answer.tls : 'i/o timeout'}\n`,
    );
  if (getValues) {
    // helm get values RELEASE: the user-supplied values of the latest revision (the
    // merged --values files); `-o json` is Go's encoding/json: compact, keys sorted.
    const release =
      env.cluster.read()?.helm[`${args.flags.get('namespace') ?? 'default'}/${chart ?? ''}`];
    if (!chart) return fail(1, 'Error: "helm get values" requires 1 argument\n');
    if (!release) return fail(1, 'Error: release: not found\n');
    const supplied = (parse(release.values.at(-1) ?? '') ?? {}) as unknown;
    const output = args.flags.get('output') ?? 'table';
    if (output === 'json') return ok(`${JSON.stringify(sortKeys(supplied))}\n`);
    if (output === 'yaml') return ok(stringify(supplied));
    return ok(`USER-SUPPLIED VALUES:\n${stringify(supplied)}`);
  }
  const valuesFile = args.flags.get('values');
  const values =
    valuesFile === undefined
      ? ''
      : valuesFile === '/dev/stdin' || valuesFile === '-'
        ? stdin
        : env.fs.read(valuesFile);
  if (values === undefined)
    return fail(1, `Error: open ${valuesFile}: no such file or directory\n`);
  try {
    parse(values);
  } catch (error) {
    return fail(
      1,
      `Error: failed to parse ${valuesFile}: error converting YAML to JSON: ${(error as Error).message}\n`,
    );
  }
  const namespace = args.flags.get('namespace') ?? 'default';
  const key = `${namespace}/${name}`;
  const now = env.now();
  const release = env.cluster.update((s) => {
    if (!s) return [s, undefined];
    const previous = s.helm[key];
    const next = {
      name,
      namespace,
      chart: `${chart}-${args.flags.get('version') ?? '1.18.4'}`,
      repo: args.flags.get('repo') ?? '',
      revision: (previous?.revision ?? 0) + 1,
      updatedAt: now,
      values: [...(previous?.values ?? []), values],
    };
    return [{...s, helm: {...s.helm, [key]: next}}, next];
  });
  if (!release) return fail(1, 'Error: Kubernetes cluster unreachable\n');
  const deployed = new Date(now)
    .toUTCString()
    .replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 $4');
  const first = release.revision === 1;
  const same = !first && release.values.at(-2) === values;
  return ok(
    `${first ? `Release "${name}" does not exist. Installing it now.\n` : `Release "${name}" has been upgraded. Happy Helming!\n`}NAME: ${name}\nLAST DEPLOYED: ${deployed}\nNAMESPACE: ${namespace}\nSTATUS: deployed\nREVISION: ${release.revision}\nTEST SUITE: None\nNOTES:\nYou have successfully ${first ? 'installed' : 'upgraded'} Cilium with Hubble.\n\nYour release version is ${release.chart.split('-').at(-1)}.\n\nFor any further help, visit https://docs.cilium.io/en/v1.18/gettinghelp\n`,
    same
      ? `hwlab: helm upgrade of ${key} with values identical to revision ${release.revision - 1}\n`
      : '',
  );
};

export const kubelet = async (env: SimEnv, argv: readonly string[]): Promise<ToolResult> =>
  argv[0] === '--version' || argv[0] === 'version'
    ? ok(`Kubernetes ${env.settings.kubeadmVersion}\n`)
    : fail(
        1,
        'E0000 00:00:00.000000 run.go:72] "command failed" err="the simulated kubelet runs only as the kubelet unit (systemctl start kubelet)"\n',
      );
