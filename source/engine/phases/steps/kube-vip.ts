// kube-vip's static pod on one control plane (issue 11, seed 002): the
// manifest with the LAN interface preflight found, written whole and
// atomically. Not backed up beside itself, unlike the wizard's other files:
// the kubelet runs every file in /etc/kubernetes/manifests whose name does
// not start with a dot (pkg/kubelet/config/file.go), so a
// `kube-vip.yaml.ha-wizard.*.bak` there would be a second kube-vip pod. The
// wizard only ever replaces its own manifest (its header says so) and refuses
// to touch one it did not write; reset removes its own.
import {
  kubeVipManifestAfterInit,
  kubeVipManifestForInstall,
  kubeVipManifestPath,
} from '../../../core/artifacts/kube-vip.js';
import {fillLanPlaceholders} from '../../../core/artifacts/lan-placeholders.js';
import {lanVip} from '../../../core/artifacts/lan-vip.js';
import {initNode} from '../../../core/plan/build.js';
import {StepError} from '../../step-error.js';
import type {PlanNode} from '../../../core/plan/types.js';
import type {RunContext, StepContext} from '../phase.js';
import {kubeadmOn} from './kubeadm-target.js';
import {recordChange} from './recorded.js';

/** Which manifest: the init node's first (super-admin.conf on kubeadm 1.29+), or the one it keeps. */
export type KubeVipVariant = 'install' | 'after-init';

/** What to look at when kube-vip does not take (or share) the VIP. */
export const kubeVipHints = {
  none: "sudo crictl ps -a --name kube-vip on the control planes shows whether kube-vip runs, and its log why it does not lead (the interface, or no rights on the Lease plndr-cp-lock: kube-vip's issue #684 with admin.conf during init).",
  many: 'Every kube-vip must reach its local apiserver and share the Lease plndr-cp-lock in kube-system; check the manifests are the same on each control plane.',
};

/** The mark every manifest the wizard writes carries in its header. */
export const kubeVipOwnMark = '(ha-wizard)';

export const kubeVipManifestFor = (
  context: RunContext,
  node: PlanNode,
  variant: KubeVipVariant,
): string => {
  const {plan} = context;
  const vip = lanVip(plan.network.vip);
  if (vip === undefined) throw new Error('a kube-vip run without an IPv4 VIP');
  const side = context.memory.lanSides.get(node.name);
  if (!side) throw new Error(`kube-vip for ${node.name} without its LAN side from preflight`);
  const text =
    variant === 'install'
      ? kubeVipManifestForInstall(
          plan,
          node,
          vip,
          initNode(plan)?.name === node.name,
          kubeadmOn(context, node.name),
        )
      : kubeVipManifestAfterInit(node, vip);
  return fillLanPlaceholders(text, {
    interface: side.interface,
    prefix: side.prefix,
    addresses: [],
  });
};

export const kubeVipInPlace = async (
  step: StepContext,
  variant: KubeVipVariant,
): Promise<boolean> =>
  (await step.host.read(kubeVipManifestPath, {sudo: true})) ===
  kubeVipManifestFor(step, step.node, variant);

/** Writes the manifest; true when it changed (the kubelet then restarts kube-vip). */
export const writeKubeVipManifest = async (
  step: StepContext,
  variant: KubeVipVariant,
): Promise<boolean> => {
  const content = kubeVipManifestFor(step, step.node, variant);
  const existing = await step.host.read(kubeVipManifestPath, {sudo: true});
  if (existing === content) return false;
  if (existing !== undefined && !existing.includes(kubeVipOwnMark))
    throw new StepError({
      message: `${step.node.name} already has a ${kubeVipManifestPath} that ha-wizard did not write`,
      command: `sudo cat ${kubeVipManifestPath}`,
      stderrTail: [],
      suggestion: `Move it out of /etc/kubernetes/manifests (the kubelet runs every file there) and run ha-wizard apply again; the wizard writes its own.`,
    });
  if (existing === undefined)
    recordChange(step, {kind: 'file', path: kubeVipManifestPath, previous: 'absent'});
  const result = await step.host.writeFile(kubeVipManifestPath, content, {
    sudo: true,
    mode: 0o600,
  });
  return result.changed;
};
