// DOMAIN.md phase 4: SystemdCgroup = true at the path of the config's own
// version, so containerd and the kubelet agree on the cgroup driver (seed 001:
// otherwise etcd and kube-apiserver restart in a loop).
import {effectiveSystemdCgroup, setSystemdCgroup} from '../../core/containerd/systemd-cgroup.js';
import {StepError} from '../step-error.js';
import type {Phase} from './phase.js';
import {writeRecorded} from './steps/recorded.js';

export const containerdConfigPath = '/etc/containerd/config.toml';

export const containerd: Phase = {
  id: 'containerd',
  title: 'containerd',
  mode: 'parallel',
  hosts: (plan) => [...plan.nodes],
  async check(step) {
    const text = await step.host.read(containerdConfigPath, {sudo: true});
    if (text === undefined) return false;
    const edit = setSystemdCgroup(text);
    return edit.changed
      ? false
      : `SystemdCgroup already true, config version ${edit.configVersion}`;
  },
  async apply(step) {
    const {host} = step;
    const existing = await host.read(containerdConfigPath, {sudo: true});
    const text =
      existing ?? (await host.run(['containerd', 'config', 'default'], {quiet: true})).stdout;
    const edit = setSystemdCgroup(text);
    await writeRecorded(step, containerdConfigPath, edit.text, {
      sudo: true,
      mode: 0o644,
      before: {text: existing},
    });
    await host.run(['systemctl', 'restart', 'containerd'], {
      sudo: true,
      mutates: true,
      suggestion: `journalctl -u containerd on ${host.name} says why; the old config was backed up next to ${containerdConfigPath}.`,
    });
    return `SystemdCgroup = true (config version ${edit.configVersion}${existing === undefined ? ', new config' : ''}), containerd restarted`;
  },
  async verify(step) {
    const dump = await step.host.run(['containerd', 'config', 'dump'], {sudo: true, quiet: true});
    if (effectiveSystemdCgroup(dump.stdout).systemdCgroup !== true) {
      throw new StepError({
        message: `containerd on ${step.node.name} still runs without SystemdCgroup = true`,
        command: 'containerd config dump',
        stderrTail: [],
        suggestion: `Another config may override ${containerdConfigPath} (an imports = [...] line); check containerd config dump.`,
      });
    }
  },
};
