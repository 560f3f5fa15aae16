// Verify's part for the LAN endpoints (issue 11): exactly one control plane
// holds the VIP, and keepalived and HAProxy (or kube-vip's manifest) are on
// every one (a node without them could not take the VIP over when the holder
// goes).
import {keepalivedHaproxyServices} from '../../core/artifacts/keepalived-haproxy-files.js';
import {kubeVipManifestPath} from '../../core/artifacts/kube-vip.js';
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {controlPlanes} from '../../core/plan/build.js';
import {StepError} from '../step-error.js';
import type {StepContext} from './phase.js';
import {kubeVipHints, kubeVipManifestFor} from './steps/kube-vip.js';
import {lanVipHolders, type HolderHints} from './steps/lan-vip.js';

const inactiveServices = async (step: StepContext): Promise<string[]> => {
  const down: string[] = [];
  for (const node of controlPlanes(step.plan)) {
    const result = await step
      .on(node.name)
      .run(['systemctl', 'is-active', ...keepalivedHaproxyServices], {allowFailure: true});
    const states = result.stdout.split('\n').map((line) => line.trim());
    keepalivedHaproxyServices.forEach((name, index) => {
      if (states[index] !== 'active') down.push(`${name} on ${node.name}`);
    });
  }
  return down;
};

/** Control planes whose kube-vip manifest is missing or not the one the plan makes. */
const kubeVipMissing = async (step: StepContext): Promise<string[]> => {
  const missing: string[] = [];
  for (const node of controlPlanes(step.plan)) {
    const text = await step.on(node.name).read(kubeVipManifestPath, {sudo: true});
    if (text !== kubeVipManifestFor(step, node, 'after-init')) missing.push(node.name);
  }
  return missing;
};

/** Exactly one control plane holds the VIP now (a StepError with `hints` else); its name. */
const oneHolder = async (step: StepContext, hints: HolderHints): Promise<string> => {
  const vip = lanVip(step.plan.network.vip) ?? step.plan.network.vip;
  const holders = await lanVipHolders(step);
  if (holders.length !== 1)
    throw new StepError({
      message:
        holders.length === 0
          ? `no control plane holds the VIP ${vip}`
          : `${holders.join(' and ')} all hold the VIP ${vip}`,
      command: 'ip -4 -o addr show',
      stderrTail: [],
      suggestion: holders.length === 0 ? hints.none : hints.many,
    });
  step.memory.primaryRouter = holders[0];
  return `${vip} held by ${holders[0]!}`;
};

const keepalivedHint =
  'journalctl -u keepalived on the control planes says why; their keepalived must hear each other (VRRP, IP protocol 112).';

/** kube-vip: exactly one leader holds the VIP, and every control plane runs the admin.conf manifest. */
const verifyKubeVip = async (step: StepContext): Promise<string> => {
  const held = await oneHolder(step, kubeVipHints);
  const missing = await kubeVipMissing(step);
  if (missing.length > 0)
    throw new StepError({
      message: `the kube-vip manifest is missing or differs on ${missing.join(', ')}: the VIP could not move there`,
      command: `sudo cat ${kubeVipManifestPath}`,
      stderrTail: [],
      suggestion: 'ha-wizard apply writes it again.',
    });
  return `, ${held}, kube-vip on ${controlPlanes(step.plan).length} control planes`;
};

/** A note for verify's line; a StepError when the endpoint is not whole. */
export const verifyLanEndpoint = async (step: StepContext): Promise<string> => {
  if (step.plan.network.endpoint === 'kube-vip') return verifyKubeVip(step);
  if (step.plan.network.endpoint !== 'keepalived-haproxy') return '';
  const held = await oneHolder(step, {none: keepalivedHint, many: keepalivedHint});
  const down = await inactiveServices(step);
  if (down.length > 0)
    throw new StepError({
      message: `not running: ${down.join(', ')}`,
      command: `systemctl is-active ${keepalivedHaproxyServices.join(' ')}`,
      stderrTail: [],
      suggestion:
        'journalctl -u keepalived / -u haproxy there says why; ha-wizard apply starts them again.',
    });
  return `, ${held}, keepalived and haproxy running on ${controlPlanes(step.plan).length} control planes`;
};
