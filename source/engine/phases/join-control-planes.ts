// DOMAIN.md phase 9: the other control planes join one at a time (etcd
// membership changes are serial). A joining node must NOT hold the VIP yet:
// Linux would deliver the VIP's traffic to its own, not yet running,
// apiserver. Only once its own /readyz passes does it get lo1 + VIP, the
// route and its health gate. For the LAN endpoints keepalived + HAProxy
// already run here (set up before init): HAProxy sends the VIP's traffic to
// the apiservers that answer, so joining is all there is. kube-vip's manifest
// goes in after the join: kubeadm join's preflight (RunJoinNodeChecks) fails
// on a non-empty /etc/kubernetes/manifests, and admin.conf, which it mounts,
// is written by the join.
import {kubeadmJoinYaml} from '../../core/artifacts/kubeadm-join.js';
import {fillPlaceholders} from '../../core/artifacts/placeholders.js';
import {controlPlanes} from '../../core/plan/build.js';
import {isLanEndpoint} from '../../core/plan/endpoint.js';
import type {Phase, StepContext} from './phase.js';
import {approvalNeeded, ensureApproval} from './steps/approval.js';
import {ensureHealthGate, healthGateInSync} from './steps/health-gate.js';
import {kubeadmTimeoutMs, mintJoinMaterial} from './steps/join-material.js';
import {targetOn} from './steps/kubeadm-target.js';
import {waitReady} from './steps/readyz.js';
import {ensureVipAddress, ensureVipRoute, vipInPlace} from './steps/vip.js';
import {kubeVipInPlace, writeKubeVipManifest} from './steps/kube-vip.js';

export const kubeletConf = '/etc/kubernetes/kubelet.conf';

export const joined = async (step: StepContext): Promise<boolean> =>
  (await step.host.read(kubeletConf, {sudo: true})) !== undefined;

export const joinSuggestion =
  "Read kubeadm's message above; after fixing it, sudo kubeadm reset -f on this node and run ha-wizard apply again.";

export const joinControlPlanes: Phase = {
  id: 'join-control-planes',
  title: 'Join control planes',
  mode: 'serial',
  hosts: (plan) => controlPlanes(plan).slice(1),
  check: async (step) => {
    if (step.plan.network.endpoint === 'kube-vip')
      return (await joined(step)) && (await kubeVipInPlace(step, 'after-init'))
        ? 'already a control plane with kube-vip'
        : false;
    if (isLanEndpoint(step.plan.network.endpoint))
      return (await joined(step)) ? 'already a control plane' : false;
    return (await joined(step)) &&
      (await vipInPlace(step)) &&
      (await healthGateInSync(step)) &&
      !(await approvalNeeded(step))
      ? 'already a control plane with the VIP and its health gate'
      : false;
  },
  async apply(step) {
    if (!(await joined(step))) {
      const material = await mintJoinMaterial(step, {controlPlane: true});
      await step.host.run(['kubeadm', 'join', '--config', '/dev/stdin'], {
        sudo: true,
        mutates: true,
        stdin: fillPlaceholders(
          kubeadmJoinYaml(step.plan, step.node, targetOn(step, step.node.name)),
          material,
        ),
        timeoutMs: kubeadmTimeoutMs,
        suggestion: joinSuggestion,
      });
    }
    await waitReady(step, step.host);
    if (step.plan.network.endpoint === 'kube-vip') {
      await writeKubeVipManifest(step, 'after-init');
      return 'joined; kube-vip in place';
    }
    if (isLanEndpoint(step.plan.network.endpoint)) return 'joined';
    await ensureVipAddress(step);
    await ensureVipRoute(step);
    const approval = await ensureApproval(step);
    await ensureHealthGate(step);
    return `joined; VIP, route and health gate in place${approval}`;
  },
};
