// Undo of kube-vip (issue 11) on the control planes: the manifest the wizard
// wrote is removed, so the kubelet stops kube-vip, which on SIGTERM releases
// its Lease and deletes the VIP from the interface (kube-vip's
// ReleaseOnCancel and OnStoppedLeading). Before kubeadm reset, as keepalived
// is stopped before it: nothing brings the VIP back afterwards. A kube-vip.yaml
// the wizard did not write (no mark in its header) is left where it is.
import {kubeVipManifestPath} from '../../core/artifacts/kube-vip.js';
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {resetOrder} from '../../core/reset/undo.js';
import {warn, type Phase, type StepContext} from '../phases/phase.js';
import {readAddresses} from '../phases/preflight-lan.js';
import {kubeVipOwnMark} from '../phases/steps/kube-vip.js';
import {StepError} from '../step-error.js';

const ownManifest = async (step: StepContext): Promise<'own' | 'foreign' | 'none'> => {
  const text = await step.host.read(kubeVipManifestPath, {sudo: true});
  if (text === undefined) return 'none';
  return text.includes(kubeVipOwnMark) ? 'own' : 'foreign';
};

const holdsVip = async (step: StepContext): Promise<boolean> => {
  const vip = lanVip(step.plan.network.vip) ?? step.plan.network.vip;
  return (await readAddresses(step.host)).some((address) => address.address === vip);
};

/** kube-vip deletes the VIP as it stops; the kubelet notices the file within seconds. */
const timeoutMs = 30_000;

export const resetKubeVip: Phase = {
  id: 'reset-kube-vip',
  title: 'Remove kube-vip',
  mode: 'parallel',
  endpoints: ['kube-vip'],
  hosts: (plan) => resetOrder(plan).filter((node) => node.role === 'control-plane'),
  async check(step) {
    const found = await ownManifest(step);
    if (found === 'own') return false;
    if (found === 'foreign') {
      const message = `${kubeVipManifestPath} left as it is: ha-wizard did not write it`;
      warn(step, message);
      return message;
    }
    // Gone, but its VIP still here: a reset stopped while kube-vip was stopping.
    return (await holdsVip(step)) ? false : 'no kube-vip of ha-wizard';
  },
  async apply(step) {
    if ((await ownManifest(step)) === 'own')
      await step.host.run(['rm', '-f', '--', kubeVipManifestPath], {sudo: true, mutates: true});
    return 'kube-vip manifest removed';
  },
  async verify(step) {
    const deadline = step.now() + timeoutMs;
    for (let wait = 250; await holdsVip(step); wait = Math.min(wait * 2, 2000)) {
      if (step.now() >= deadline)
        throw new StepError({
          message: `${step.node.name} still holds the VIP ${step.plan.network.vip} ${timeoutMs / 1000} s after its kube-vip manifest went`,
          command: 'ip -4 -o addr show',
          stderrTail: [],
          suggestion:
            'sudo crictl ps -a --name kube-vip there shows whether it still runs; sudo ip addr del VIP/32 dev IF removes the address by hand.',
        });
      await step.sleep(wait);
    }
  },
};
