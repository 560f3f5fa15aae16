// containerd's SystemdCgroup against the kubelet's cgroupDriver (DOMAIN.md,
// seed 001): when they disagree, etcd and kube-apiserver restart in a loop and
// kubectl answers "connection refused" on and off.
import {parse} from 'yaml';
import {effectiveSystemdCgroup, runcOptionsPath} from '../containerd/systemd-cgroup.js';
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

const containerdFix = (): Fix => {
  const restart = commandFix('', [['systemctl', 'restart', 'containerd']]);
  return {
    summary:
      'Set SystemdCgroup = true for runc in /etc/containerd/config.toml (backed up first) and restart containerd.',
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
      driver === 'systemd' ? containerdFix() : kubeletFix(),
    );
  },
);
