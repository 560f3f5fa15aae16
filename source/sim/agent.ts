// The node agent: the simulated kubelet and, on a control plane, the static
// pods it runs from /etc/kubernetes/manifests. It listens where the real ones
// do (kubelet 10250/10248, etcd 2379/2380, controller-manager 10257, scheduler
// 10259, kube-apiserver 6443 over HTTPS with the node's apiserver certificate)
// and crash-loops like a real node while containerd's SystemdCgroup and the
// kubelet's cgroupDriver disagree (seed 001): up for flapSeconds, refused for
// flapSeconds, restart counts growing. Removing a manifest stops that pod, as
// the kubelet would.
import {createServer as createHttps, type Server as HttpsServer} from 'node:https';
import {createServer as createHttp} from 'node:http';
import {createServer as createTcp, type Server} from 'node:net';
import {randomBytes} from 'node:crypto';
import {parse} from 'yaml';
import {readSystemdCgroup} from '../core/containerd/systemd-cgroup.js';
import {apiAnswer} from './cluster.js';
import type {SimEnv} from './env.js';
import {paths} from './kubeadm.js';

export const simState = {
  containerd: '/var/lib/hwlab/sim/containerd.json',
  pods: '/var/lib/hwlab/sim/pods.json',
} as const;

export interface PodRecord {
  readonly name: string;
  readonly attempt: number;
  readonly containerId: string;
  readonly podId: string;
  readonly image: string;
  readonly startedAt: number;
  readonly state: 'Running' | 'Exited';
  readonly previous?: {readonly containerId: string; readonly startedAt: number};
}

/** containerd's effective SystemdCgroup as of its last (re)start; false is the default config's. */
export const containerdSystemdCgroup = (env: SimEnv): boolean => {
  const saved = env.fs.read(simState.containerd);
  if (saved !== undefined) return (JSON.parse(saved) as {systemdCgroup: boolean}).systemdCgroup;
  const config = env.fs.read('/etc/containerd/config.toml');
  try {
    return config ? readSystemdCgroup(config).systemdCgroup === true : false;
  } catch {
    return false;
  }
};

export const kubeletCgroupDriver = (env: SimEnv): string => {
  const text = env.fs.read(paths.kubeletConfig);
  if (text === undefined) return 'systemd';
  return String((parse(text) as {cgroupDriver?: string} | null)?.cgroupDriver ?? 'cgroupfs');
};

const images: Record<string, string> = {
  'kube-apiserver': 'a0af72f2ec6d6',
  etcd: '5f1f5298c888d',
  'kube-controller-manager': 'c8fa2ec91a56d',
  'kube-scheduler': '8f7a6b1c2d3e4',
};

interface Listener {
  server: Server | HttpsServer;
  port: number;
  open: boolean;
}

export const runAgent = async (env: SimEnv, log: (line: string) => void) => {
  const tcp = (port: number): Listener => ({
    server: createTcp((socket) => socket.destroy()),
    port,
    open: false,
  });
  const kubelet = createHttp((_, res) => res.end('ok'));
  kubelet.listen(10248, '127.0.0.1');
  const listeners: Record<string, Listener[]> = {
    kubelet: [tcp(10250)],
    etcd: [tcp(2379), tcp(2380)],
    'kube-controller-manager': [tcp(10257)],
    'kube-scheduler': [tcp(10259)],
    'kube-apiserver': [],
  };
  let apiserverCert = '';
  const setOpen = (l: Listener, open: boolean) => {
    if (open === l.open) return;
    l.open = open;
    if (open) {
      l.server.listen(l.port, '0.0.0.0');
      l.server.once('error', (error) => {
        log(`listen ${l.port}: ${(error as Error).message}`);
        l.open = false;
      });
    } else {
      l.server.close();
      if ('closeAllConnections' in l.server) l.server.closeAllConnections();
    }
  };
  const apiserver = () => {
    const cert = env.fs.read(`${paths.pki}/apiserver.crt`) ?? '';
    const key = env.fs.read(`${paths.pki}/apiserver.key`) ?? '';
    if (cert === '' || key === '') return undefined;
    if (cert !== apiserverCert) {
      // kubeadm may still be writing the key: createHttps throws, and the next tick retries
      // (so the cert is remembered only once a server exists).
      const server = createHttps({cert, key}, (req, res) => {
        const url = new URL(req.url ?? '/', 'https://localhost');
        const answer = apiAnswer(
          env.cluster.read(),
          url.pathname,
          url.searchParams,
          env.settings.kubeadmVersion,
          env.now(),
        );
        res.writeHead(answer.status, {
          'content-type': answer.json ? 'application/json' : 'text/plain; charset=utf-8',
        });
        res.end(answer.body);
      });
      server.keepAliveTimeout = 1000;
      for (const l of listeners['kube-apiserver'] ?? []) setOpen(l, false);
      apiserverCert = cert;
      listeners['kube-apiserver'] = [{server, port: 6443, open: false}];
    }
    return listeners['kube-apiserver'];
  };

  const pods = new Map<string, PodRecord>();
  const saved = env.fs.read(simState.pods);
  if (saved) for (const p of JSON.parse(saved) as PodRecord[]) pods.set(p.name, p);
  const newId = () => randomBytes(32).toString('hex');
  const podIds = new Map<string, string>();
  let flapSince = env.now();
  let wasMismatch = false;
  let lastUp = true;
  const tick = () => {
    const mismatch = (kubeletCgroupDriver(env) === 'systemd') !== containerdSystemdCgroup(env);
    if (mismatch !== wasMismatch) {
      flapSince = env.now();
      wasMismatch = mismatch;
    }
    const up =
      !mismatch ||
      Math.floor((env.now() - flapSince) / (env.settings.flapSeconds * 1000)) % 2 === 0;
    const crashed = lastUp && !up;
    lastUp = up;
    setOpen(listeners['kubelet']![0]!, true);
    const present = new Set(env.fs.list(paths.manifests).map((f) => f.replace(/\.yaml$/, '')));
    let changed = false;
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const wanted = present.has(name);
      const running = wanted && up;
      const group =
        name === 'kube-apiserver' ? (wanted ? apiserver() : listeners[name]) : listeners[name];
      for (const l of group ?? []) setOpen(l, running);
      const record = pods.get(name);
      if (!podIds.has(name)) podIds.set(name, record?.podId ?? newId());
      if (wanted && !record) {
        pods.set(name, {
          name,
          attempt: 0,
          containerId: newId(),
          podId: podIds.get(name)!,
          image: images[name] ?? '',
          startedAt: env.now(),
          state: 'Running',
        });
        changed = true;
      } else if (record && crashed && wanted) {
        pods.set(name, {...record, state: 'Exited'});
        changed = true;
      } else if (record && running && record.state === 'Exited') {
        pods.set(name, {
          ...record,
          attempt: record.attempt + 1,
          containerId: newId(),
          startedAt: env.now(),
          state: 'Running',
          previous: {containerId: record.containerId, startedAt: record.startedAt},
        });
        changed = true;
      } else if (record && !wanted && record.state === 'Running') {
        pods.set(name, {...record, state: 'Exited'});
        changed = true;
      }
    }
    if (changed) env.fs.write(simState.pods, `${JSON.stringify([...pods.values()], null, 1)}\n`);
  };
  const stop = () => {
    for (const group of Object.values(listeners)) for (const l of group) setOpen(l, false);
    kubelet.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (;;) {
    try {
      tick();
    } catch (error) {
      log(`tick: ${(error as Error).message}`);
    }
    await env.sleep(200);
  }
};
