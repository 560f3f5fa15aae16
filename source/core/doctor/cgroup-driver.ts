// containerd's SystemdCgroup against the kubelet's cgroupDriver (DOMAIN.md,
// seed 001): when they disagree, etcd and kube-apiserver restart in a loop and
// kubectl answers "connection refused" on and off.
// Every endpoint: the refusals come from the node itself.
import {parse} from 'yaml';
import {
  effectiveSystemdCgroup,
  readSystemdCgroup,
  runcOptionsPath,
} from '../containerd/systemd-cgroup.js';
import {commandFix, result, sudoText, type Fix} from './check.js';
import {couldNotRun, perHost} from './per-host.js';

export const kubeletConfigPath = '/var/lib/kubelet/config.yaml';
const id = 'cgroup-driver';

/** The kubelet's driver; KubeletConfiguration's own default is cgroupfs (kubeadm writes systemd). */
export const kubeletCgroupDriver = (configYaml: string): string => {
  const doc: unknown = parse(configYaml);
  const value = (doc as {cgroupDriver?: unknown} | null)?.cgroupDriver;
  return typeof value === 'string' ? value : 'cgroupfs';
};

/**
 * KubeletCgroupDriverFromCRI (beta and on from Kubernetes 1.31, GA in 1.34): a
 * kubelet of 1.31 or later asks the runtime for the cgroup driver when it
 * starts and then ignores config.yaml's cgroupDriver, if the runtime answers
 * (containerd 2.x implements the RuntimeConfig call; 1.x does not, and the
 * kubelet falls back to config.yaml). containerd 2.x is the one whose dump
 * says version 3 or later: 1.x always prints version 2.
 */
const driverFromCri = (kubeletVersion: string | undefined, dumpVersion: number): boolean => {
  const minor = /v?1\.(\d+)\./.exec(kubeletVersion ?? '')?.[1];
  return minor !== undefined && Number(minor) >= 31 && dumpVersion >= 3;
};

// With containerd 2.x, a kubelet that takes its driver from the runtime (1.31+,
// or one whose version doctor could not read) keeps the old driver until its
// own restart: restarting containerd alone would then make the mismatch real
// (new sandboxes fail). With 1.x the kubelet reads config.yaml; containerd is enough.
const containerdFix = (restartKubelet: boolean): Fix => {
  const restart = commandFix('', [
    ['systemctl', 'restart', 'containerd'],
    ...(restartKubelet ? [['systemctl', 'restart', 'kubelet']] : []),
  ]);
  return {
    summary: `Set SystemdCgroup = true for runc in /etc/containerd/config.toml (backed up first) and restart containerd${restartKubelet ? ', then the kubelet' : ''}.`,
    commands: [
      sudoText(['cp', '-p', '/etc/containerd/config.toml', '/etc/containerd/config.toml.bak']),
      sudoText([
        'sed',
        '-i',
        's/SystemdCgroup = false/SystemdCgroup = true/',
        '/etc/containerd/config.toml',
      ]),
      ...restart.commands,
    ],
    // The TOML edit also covers a config without the line (the sed would not).
    actions: [{kind: 'systemd-cgroup'}, ...restart.actions],
  };
};

const kubeletFix = (): Fix =>
  commandFix(
    'Switch the kubelet to the systemd cgroup driver (kubeadm’s default) and restart it.',
    [
      ['sed', '-i', 's/^cgroupDriver: .*/cgroupDriver: systemd/', kubeletConfigPath],
      ['systemctl', 'restart', 'kubelet'],
    ],
  );

export const cgroupDriver = perHost(
  id,
  'containerd SystemdCgroup and kubelet cgroupDriver',
  ['control-plane', 'worker'],
  (host) => {
    const dump = host.containerdDump;
    if (dump === undefined || dump.code !== 0)
      return couldNotRun(id, host.host, 'containerd config dump', dump);
    let systemd: boolean;
    let where: string;
    try {
      const reading = effectiveSystemdCgroup(dump.stdout);
      systemd = reading.systemdCgroup === true;
      where = `[${runcOptionsPath(reading.configVersion).join('.')}]`;
    } catch (error) {
      return couldNotRun(id, host.host, 'containerd config dump', {
        ...dump,
        stderr: (error as Error).message,
      });
    }
    const line = /^\s*SystemdCgroup\s*=.*$/m.exec(dump.stdout)?.[0].trim();
    const containerdSays = line
      ? `containerd config dump: ${line}`
      : `containerd config dump: no SystemdCgroup under ${where} (runc then uses cgroupfs)`;
    if (host.kubeletConfig === null || host.kubeletConfig === undefined)
      return result(
        id,
        host.host,
        'unknown',
        `${containerdSays}; ${kubeletConfigPath} does not exist`,
        `The kubelet on ${host.host} has no configuration yet (kubeadm init or join writes it), so there is nothing to compare with.`,
      );
    const driver = kubeletCgroupDriver(host.kubeletConfig);
    const kubeletVersion = host.kubeletVersion?.stdout.trim().split('\n')[0];
    const dumpVersion = readSystemdCgroup(dump.stdout).configVersion;
    if (driverFromCri(kubeletVersion, dumpVersion))
      return result(
        id,
        host.host,
        'pass',
        `${containerdSays}; ${kubeletVersion}: the kubelet takes its cgroup driver from containerd 2.x (KubeletCgroupDriverFromCRI), not from ${kubeletConfigPath} (cgroupDriver: ${driver})`,
        `The kubelet asked containerd for the cgroup driver when it started and uses that (${systemd ? 'systemd' : 'cgroupfs'} if containerd has not changed since), so the two agree. After changing containerd's SystemdCgroup, restart containerd and then the kubelet.`,
      );
    const evidence = `${containerdSays}; ${kubeletConfigPath}: cgroupDriver: ${driver}`;
    if ((driver === 'systemd') === systemd)
      return result(
        id,
        host.host,
        'pass',
        evidence,
        `containerd and the kubelet both use the ${driver} cgroup driver.`,
      );
    return result(
      id,
      host.host,
      'fail',
      evidence,
      `The kubelet uses the ${driver} cgroup driver but containerd runs containers with ${systemd ? 'systemd' : 'cgroupfs'}; the static pods (etcd, kube-apiserver) then keep restarting, which is what makes kubectl answer "connection refused" on and off.`,
      driver === 'systemd' ? containerdFix(dumpVersion >= 3) : kubeletFix(),
    );
  },
);
