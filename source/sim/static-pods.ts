// What the kubelet makes of /etc/kubernetes/manifests, without any sockets:
// which static pods run right now, and their container records for `crictl
// ps -a` (restart counts included). A pod runs while its manifest is there,
// except while containerd's SystemdCgroup and the kubelet's cgroupDriver
// disagree (seed 001): then every pod is up for flapSeconds and down for
// flapSeconds. The lab's agent opens real listeners from it; the demo answers
// probes from it.
import {randomBytes} from 'node:crypto';
import {parse} from 'yaml';
import {readSystemdCgroup} from '../core/containerd/systemd-cgroup.js';
import type {SimEnv} from './env.js';
import {paths} from './kube-paths.js';

export const simState = {
  containerd: '/var/lib/hwlab/sim/containerd.json',
  /** The cgroup driver the running kubelet took at its start. */
  kubelet: '/var/lib/hwlab/sim/kubelet.json',
  pods: '/var/lib/hwlab/sim/pods.json',
} as const;

export const staticPods = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
] as const;
export type StaticPod = (typeof staticPods)[number];

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

const configuredDriver = (env: SimEnv): string => {
  const text = env.fs.read(paths.kubeletConfig);
  if (text === undefined) return 'systemd';
  return String((parse(text) as {cgroupDriver?: string} | null)?.cgroupDriver ?? 'cgroupfs');
};

/**
 * KubeletCgroupDriverFromCRI (beta and on from 1.31, GA in 1.34): a kubelet of
 * 1.31 or later asks the runtime for the driver at start-up (the RuntimeConfig
 * RPC, which containerd 2.x answers) and ignores config.yaml's cgroupDriver;
 * with containerd 1.x it falls back to config.yaml.
 */
export const driverFromCri = (env: SimEnv): boolean =>
  Number(/^v?\d+\.(\d+)/.exec(env.settings.kubeadmVersion)?.[1] ?? '0') >= 31 &&
  !env.facts.containerd.startsWith('1.');

/** The driver the kubelet uses: what it took at its last start, from containerd or config.yaml. */
export const kubeletCgroupDriver = (env: SimEnv): string => {
  if (!driverFromCri(env)) return configuredDriver(env);
  const saved = env.fs.read(simState.kubelet);
  if (saved !== undefined) return (JSON.parse(saved) as {cgroupDriver: string}).cgroupDriver;
  return containerdSystemdCgroup(env) ? 'systemd' : 'cgroupfs';
};

/** The kubelet (re)starts: it takes its cgroup driver now, and keeps it until its next start. */
export const startKubelet = (env: SimEnv): void => {
  const cgroupDriver = driverFromCri(env)
    ? containerdSystemdCgroup(env)
      ? 'systemd'
      : 'cgroupfs'
    : configuredDriver(env);
  env.fs.write(simState.kubelet, `${JSON.stringify({cgroupDriver})}\n`);
  env.procs.start('kubelet', env.agentArgv, {});
};

const images: Record<StaticPod | 'kube-vip', string> = {
  'kube-apiserver': 'a0af72f2ec6d6',
  etcd: '5f1f5298c888d',
  'kube-controller-manager': 'c8fa2ec91a56d',
  'kube-scheduler': '8f7a6b1c2d3e4',
  'kube-vip': '3c1d7e0b9a2f5',
};

/** A static pod whose container decides itself whether it runs (kube-vip.ts). */
export type ContainerState = () => 'none' | 'running' | 'exited';

/**
 * The kubelet's sync loop for one host: each call looks at the manifests and
 * the cgroup drivers now, updates the pod records, and returns the pods that
 * run. Call it as often as the answer is needed (the lab: every 200 ms).
 */
export const staticPodTicker = (
  env: SimEnv,
  kubeVip?: ContainerState,
): (() => ReadonlySet<StaticPod>) => {
  const pods = new Map<string, PodRecord>();
  const saved = env.fs.read(simState.pods);
  if (saved) for (const p of JSON.parse(saved) as PodRecord[]) pods.set(p.name, p);
  const newId = () => randomBytes(32).toString('hex');
  const podIds = new Map<string, string>();
  let flapSince = env.now();
  let wasMismatch = false;
  let lastUp = true;
  return () => {
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
    const present = new Set(env.fs.list(paths.manifests).map((f) => f.replace(/\.yaml$/, '')));
    const runningNow = new Set<StaticPod>();
    let changed = false;
    const vip = kubeVip?.() ?? 'none';
    for (const name of [...staticPods, 'kube-vip' as const]) {
      const wanted = name === 'kube-vip' ? vip !== 'none' : present.has(name);
      const running = wanted && up && (name !== 'kube-vip' || vip === 'running');
      if (running && name !== 'kube-vip') runningNow.add(name);
      const record = pods.get(name);
      if (!podIds.has(name)) podIds.set(name, record?.podId ?? newId());
      if (name === 'kube-vip' && record && wanted && !running && record.state === 'Running') {
        // kube-vip exited on its own (a bad setting): the kubelet restarts it after its back-off.
        pods.set(name, {...record, state: 'Exited'});
        changed = true;
      } else if (wanted && !record) {
        pods.set(name, {
          name,
          attempt: 0,
          containerId: newId(),
          podId: podIds.get(name)!,
          image: images[name],
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
    return runningNow;
  };
};
