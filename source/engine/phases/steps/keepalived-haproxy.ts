// keepalived + HAProxy on one control plane (issue 11; kubeadm's HA guide):
// the packages from the host's package manager, the three files written whole
// (backed up first, recorded for reset), and the services enabled, restarted
// only when a file changed, and verified active.
import {
  keepalivedHaproxyFiles,
  keepalivedHaproxyServices,
  type InstalledFile,
} from '../../../core/artifacts/keepalived-haproxy-files.js';
import {lanVip} from '../../../core/artifacts/lan-vip.js';
import {parseWhich, whichArgv} from '../../../core/remote/which.js';
import {StepError} from '../../step-error.js';
import type {StepContext} from '../phase.js';
import {recordChange, writeRecorded} from './recorded.js';

const packages = ['keepalived', 'haproxy'];

export const aptInstallArgv = (): string[] => [
  'env',
  'DEBIAN_FRONTEND=noninteractive',
  'apt-get',
  'install',
  '-y',
  ...packages,
];

const missingPackages = async (step: StepContext): Promise<string[]> => {
  const {stdout} = await step.host.run(whichArgv(packages), {allowFailure: true, quiet: true});
  const found = parseWhich(stdout, packages);
  return packages.filter((name) => !found.has(name));
};

export const filesFor = (step: StepContext): InstalledFile[] => {
  const vip = lanVip(step.plan.network.vip);
  if (vip === undefined) throw new Error('a keepalived + HAProxy run without an IPv4 VIP');
  return keepalivedHaproxyFiles(step.plan, step.node, vip, step.memory.lanSides);
};

interface ServiceState {
  readonly active: boolean;
  readonly enabled: boolean;
}

const serviceState = async (step: StepContext, name: string): Promise<ServiceState> => {
  const active = await step.host.run(['systemctl', 'is-active', name], {allowFailure: true});
  const enabled = await step.host.run(['systemctl', 'is-enabled', name], {allowFailure: true});
  return {
    active: active.stdout.trim() === 'active',
    enabled: enabled.stdout.trim() === 'enabled',
  };
};

/** Installed, every file as generated, both services enabled and running. */
export const keepalivedHaproxyInSync = async (step: StepContext): Promise<boolean> => {
  if ((await missingPackages(step)).length > 0) return false;
  for (const file of filesFor(step))
    if ((await step.host.read(file.path, {sudo: true})) !== file.content) return false;
  for (const name of keepalivedHaproxyServices) {
    const state = await serviceState(step, name);
    if (!state.active || !state.enabled) return false;
  }
  return true;
};

/**
 * The packages, with apt-get where there is one. A package the wizard
 * installs stays installed on reset (removing software is the user's call);
 * its service is recorded as stopped and disabled before, so reset stops it.
 */
export const ensurePackages = async (step: StepContext): Promise<string | undefined> => {
  const missing = await missingPackages(step);
  if (missing.length === 0) return undefined;
  const apt = parseWhich(
    (await step.host.run(whichArgv(['apt-get']), {allowFailure: true, quiet: true})).stdout,
    ['apt-get'],
  );
  if (!apt.has('apt-get'))
    throw new StepError({
      message: `${step.node.name} lacks ${missing.join(' and ')} and has no apt-get to install ${missing.length > 1 ? 'them' : 'it'} with`,
      stderrTail: [],
      suggestion: `Install the ${missing.join(' and ')} package${missing.length > 1 ? 's' : ''} with ${step.node.name}'s package manager (dnf install ${missing.join(' ')}), then run ha-wizard apply again.`,
    });
  for (const name of missing)
    recordChange(step, {kind: 'service', name, previousActive: false, previousEnabled: false});
  await step.host.run(aptInstallArgv(), {
    sudo: true,
    mutates: true,
    timeoutMs: 10 * 60_000,
    suggestion: `apt-get could not install ${missing.join(' and ')} on ${step.node.name}; run sudo apt-get update there (the package lists may be old) and ha-wizard apply again.`,
  });
  return `installed ${missing.join(' and ')}`;
};

/** Writes the three files; true when one changed. */
export const ensureFiles = async (step: StepContext): Promise<boolean> => {
  let changed = false;
  for (const file of filesFor(step))
    if (await writeRecorded(step, file.path, file.content, {sudo: true, mode: file.mode}))
      changed = true;
  return changed;
};

/**
 * Enabled and running; restarted when a file changed (both read their config
 * only when they start). The state before is recorded so reset puts it back.
 */
export const ensureServices = async (step: StepContext, filesChanged: boolean): Promise<void> => {
  for (const name of keepalivedHaproxyServices) {
    const before = await serviceState(step, name);
    if (!before.active || !before.enabled)
      recordChange(step, {
        kind: 'service',
        name,
        previousActive: before.active,
        previousEnabled: before.enabled,
      });
    const suggestion = `journalctl -u ${name} on ${step.node.name} says why${name === 'haproxy' ? ' (haproxy -c -f /etc/haproxy/haproxy.cfg checks the config)' : ''}.`;
    if (!before.enabled)
      await step.host.run(['systemctl', 'enable', name], {sudo: true, mutates: true, suggestion});
    if (!before.active)
      await step.host.run(['systemctl', 'start', name], {sudo: true, mutates: true, suggestion});
    else if (filesChanged)
      await step.host.run(['systemctl', 'restart', name], {sudo: true, mutates: true, suggestion});
  }
};

/** Both services active now. */
export const verifyServices = async (step: StepContext): Promise<void> => {
  for (const name of keepalivedHaproxyServices) {
    if ((await serviceState(step, name)).active) continue;
    throw new StepError({
      message: `${name} is not active on ${step.node.name}`,
      command: `systemctl is-active ${name}`,
      stderrTail: [],
      suggestion: `journalctl -u ${name} there says why.`,
    });
  }
};
