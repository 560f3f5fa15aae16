// kubeadm reset -f on every node that kubeadm touched (a finished or a
// half-done init or join), one node at a time in reset order: workers, the
// control planes in reverse join order (each leaves etcd while quorum
// remains), the init node last. It cleans what kubeadm wrote and nothing the
// wizard wrote itself; the other reset phases do that.
import {resetOrder} from '../../core/reset/undo.js';
import {StepError} from '../step-error.js';
import type {Phase, StepContext} from '../phases/phase.js';
import {existingPaths} from './files.js';

/** What init and join leave behind, even half-done (kubeadm reset's own list). */
export const kubeadmTraces = [
  '/etc/kubernetes/admin.conf',
  '/etc/kubernetes/super-admin.conf',
  '/etc/kubernetes/kubelet.conf',
  '/etc/kubernetes/bootstrap-kubelet.conf',
  '/etc/kubernetes/controller-manager.conf',
  '/etc/kubernetes/scheduler.conf',
  '/etc/kubernetes/manifests/etcd.yaml',
  '/etc/kubernetes/manifests/kube-apiserver.yaml',
  '/etc/kubernetes/manifests/kube-controller-manager.yaml',
  '/etc/kubernetes/manifests/kube-scheduler.yaml',
  '/etc/kubernetes/pki/ca.crt',
  '/var/lib/kubelet/config.yaml',
  '/var/lib/kubelet/kubeadm-flags.env',
  '/var/lib/etcd/member',
];

const traces = async (step: StepContext) => [...(await existingPaths(step.host, kubeadmTraces))];

export const resetKubeadm: Phase = {
  id: 'reset-kubeadm',
  title: 'kubeadm reset',
  mode: 'serial',
  hosts: resetOrder,
  check: async (step) => ((await traces(step)).length === 0 ? 'not part of a cluster' : false),
  async apply(step) {
    await step.host.run(['kubeadm', 'reset', '-f'], {
      sudo: true,
      mutates: true,
      timeoutMs: 5 * 60_000,
      suggestion:
        "Read kubeadm's message above; sudo kubeadm reset -f on the node by hand also works.",
    });
    return 'reset';
  },
  async verify(step) {
    const left = await traces(step);
    if (left.length > 0)
      throw new StepError({
        message: `kubeadm reset left ${left.join(', ')} on ${step.node.name}`,
        stderrTail: [],
        suggestion: 'Look at kubeadm reset -f there by hand.',
      });
  },
};
