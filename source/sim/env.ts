// The behavioural model of a host (DOMAIN.md phases 3-13 as the tools see
// them) is pure: every tool takes argv, stdin and this environment and
// returns what it printed and its exit code. The lab gives it the host's real
// files, sockets and processes (host-env.ts); the in-process demo gives it
// memory (memory-world.ts). Nothing here imports ink, react or screens.
import {defaults} from '../core/plan/defaults.js';
import type {ClusterState} from './cluster.js';

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SimFs {
  /** undefined when the file does not exist. */
  read(path: string): string | undefined;
  /** Creates parent directories; replaces atomically. */
  write(path: string, text: string, mode?: number): void;
  remove(path: string): void;
  /** File names in a directory ([] when it does not exist). */
  list(dir: string): string[];
}

/** What a TCP connect from this host found. */
export type Probe = 'open' | 'refused' | 'timeout' | 'unreachable';

export type HttpsAnswer =
  | {readonly status: number; readonly body: string}
  | {readonly error: Probe; readonly tls?: undefined}
  | {readonly error: 'tls'; readonly tls: string};

export interface SimNet {
  probe(host: string, port: number, timeoutMs: number): Promise<Probe>;
  /** GET over HTTPS; with a CA the server certificate is verified against it (kubectl), else not (-k). */
  get(url: string, caPem: string | undefined, timeoutMs: number): Promise<HttpsAnswer>;
}

export interface SimSettings {
  /** What `kubeadm version` says, and the version `stable-X.Y` falls back to (no internet). */
  readonly kubeadmVersion: string;
  /** How long an uploaded certificate key lives (real: 2 h). */
  readonly certificateKeyTtlSeconds: number;
  /** How long `kubeadm join` retries an endpoint that does not answer (real default: 5 min). */
  readonly discoveryTimeoutSeconds: number;
  /** Up and down half-period of the apiserver crash loop on a cgroup driver mismatch. */
  readonly flapSeconds: number;
  /** How long kubeadm retries an API call (timeouts.kubernetesAPICall; real default: 1 min). */
  readonly apiCallTimeoutSeconds: number;
}

export const defaultSettings: SimSettings = {
  // The plan's default minor, so a lab or demo run has no version skew to warn about.
  kubeadmVersion: `v${defaults.kubernetesVersion}.0`,
  certificateKeyTtlSeconds: 7200,
  discoveryTimeoutSeconds: 6,
  flapSeconds: 3,
  apiCallTimeoutSeconds: 60,
};

export interface HostFacts {
  readonly host: string;
  readonly role: string;
  readonly networkManager: 'systemd-networkd' | 'NetworkManager';
  readonly containerd: string;
  readonly containerdConfigVersion: number;
}

export interface ClusterStore {
  read(): ClusterState | undefined;
  /** Read-modify-write under the store's lock; returns fn's second value. */
  update<T>(fn: (state: ClusterState | undefined) => [ClusterState | undefined, T]): T;
}

/** Background processes of the host: the kubelet (with its static pods) and units with an ExecStart. */
export interface SimProcesses {
  start(unit: string, argv: readonly string[], env: Readonly<Record<string, string>>): void;
  stop(unit: string): void;
  running(unit: string): boolean;
}

export interface SimEnv {
  readonly host: string;
  readonly uid: number;
  readonly pid: number;
  readonly facts: HostFacts;
  readonly settings: SimSettings;
  now(): number;
  sleep(ms: number): Promise<void>;
  readonly fs: SimFs;
  readonly cluster: ClusterStore;
  readonly net: SimNet;
  readonly procs: SimProcesses;
  /** Real commands of the host (`ip`, Debian's `containerd`); the demo answers them itself. */
  exec(argv: readonly string[], stdin?: string): Promise<ToolResult>;
  /** The argv that runs this model's node agent (kubelet + static pods) as a process. */
  readonly agentArgv: readonly string[];
}

export const ok = (stdout = '', stderr = ''): ToolResult => ({code: 0, stdout, stderr});
export const fail = (code: number, stderr: string, stdout = ''): ToolResult => ({
  code,
  stdout,
  stderr,
});
