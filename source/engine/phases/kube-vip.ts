// kube-vip on the init node (issue 11, seed 002), around kubeadm init.
// Before init its manifest goes into /etc/kubernetes/manifests (kubeadm's
// RunInitNodeChecks look only for its own four manifests there), so the
// kubelet init starts runs kube-vip with the control plane. kube-vip cannot
// hold the VIP any earlier: it wins its leader Lease through the local
// apiserver, which init brings up; init's first API call through the VIP
// (upload-config) comes after that. On kubeadm 1.29 and later the manifest
// mounts super-admin.conf, since admin.conf has no rights until init binds
// kubeadm:cluster-admins (kube-vip issue #684); once init is done the run
// waits for the VIP and swaps in the admin.conf manifest, which the kubelet
// restarts kube-vip with (the old one releases the Lease, the new one takes it).
import {initNode} from '../../core/plan/build.js';
import {adminConf} from './kubeadm-init.js';
import type {Phase, StepContext} from './phase.js';
import {kubeVipHints, kubeVipInPlace, writeKubeVipManifest} from './steps/kube-vip.js';
import {awaitOneHolder, lanVipHolders} from './steps/lan-vip.js';

const initOnly = (plan: Parameters<Phase['hosts']>[0]) => {
  const first = initNode(plan);
  return first ? [first] : [];
};

const initDone = async (step: StepContext) =>
  (await step.host.read(adminConf, {sudo: true})) !== undefined;

export const kubeVipBeforeInit: Phase = {
  id: 'kube-vip',
  title: 'kube-vip',
  mode: 'serial',
  endpoints: ['kube-vip'],
  hosts: initOnly,
  // After init the manifest to keep is the admin.conf one (the next phase's).
  check: async (step) =>
    (await kubeVipInPlace(step, (await initDone(step)) ? 'after-init' : 'install'))
      ? 'manifest in place'
      : false,
  async apply(step) {
    const variant = (await initDone(step)) ? 'after-init' : 'install';
    await writeKubeVipManifest(step, variant);
    return (await kubeVipInPlace(step, 'after-init'))
      ? 'manifest written'
      : 'manifest written, with super-admin.conf until kubeadm init is done';
  },
};

export const kubeVipAfterInit: Phase = {
  id: 'kube-vip-after-init',
  title: 'kube-vip after init',
  mode: 'serial',
  endpoints: ['kube-vip'],
  hosts: initOnly,
  async check(step) {
    if (!(await kubeVipInPlace(step, 'after-init'))) return false;
    const holders = await lanVipHolders(step);
    if (holders.length !== 1) return false;
    step.memory.primaryRouter = holders[0];
    return `admin.conf manifest in place; VIP held by ${holders[0]}`;
  },
  async apply(step) {
    // The super-admin.conf kube-vip led during init: the VIP answered init's calls.
    await awaitOneHolder(step, kubeVipHints);
    const swapped = await writeKubeVipManifest(step, 'after-init');
    const held = await awaitOneHolder(step, kubeVipHints);
    return swapped ? `back on admin.conf; ${held}` : held;
  },
};
