// DOMAIN.md phase 12: the cluster works as a whole. Read-only, so it runs on
// every apply; `apply` exits 0 only when this passed. (The failover drill is
// for the lab and `ha-wizard doctor`: it stops an apiserver on purpose.)
import {apiEndpoint, vipRoute} from '../../core/artifacts/vip.js';
import {isLanEndpoint} from '../../core/plan/endpoint.js';
import {vipProber} from '../../core/plan/binaries.js';
import {controlPlanes, initNode} from '../../core/plan/build.js';
import {StepError} from '../step-error.js';
import {adminConf} from './kubeadm-init.js';
import type {Phase, StepContext} from './phase.js';
import {seen} from './route-approval.js';
import {approvedThroughApi} from './steps/approval.js';
import {readyNodeNames} from '../../core/drill/ready-nodes.js';
import {isReady} from './steps/readyz.js';
import {verifyLanEndpoint} from './verify-lan.js';

/** A kubectl list, for its length. */
interface List {
  readonly items?: readonly unknown[];
}

const kubectl = (...args: string[]) => ['kubectl', '--kubeconfig', adminConf, ...args];

const readyNodes = async (step: StepContext): Promise<Set<string>> => {
  const {stdout} = await step.host.run(kubectl('get', 'nodes', '-o', 'json'), {
    sudo: true,
    quiet: true,
  });
  return readyNodeNames(stdout);
};

/** Polls until `probe` holds; a StepError with `failure()` after `timeoutMs`. */
const until = async (
  step: StepContext,
  probe: () => Promise<boolean>,
  failure: () => Promise<StepError> | StepError,
  timeoutMs: number,
) => {
  const deadline = step.now() + timeoutMs;
  for (let wait = 2000; ; wait = Math.min(wait * 2, 10_000)) {
    if (await probe()) return;
    if (step.now() >= deadline) throw await failure();
    await step.sleep(wait);
  }
};

/**
 * Failover can only move the VIP to a control plane whose own advertisement is approved, and
 * the tailnet shows peers only the primary's: the control server's API is the one way to know.
 * Without one, say plainly that the run cannot tell (conformance review B7).
 */
const everyRouteApproved = async (step: StepContext): Promise<string> => {
  const cps = controlPlanes(step.plan);
  if (cps.length < 2) return '';
  const route = vipRoute(step.plan.network.vip);
  if (!step.controlApi) {
    step.emit({
      type: 'notice',
      phase: step.phase,
      level: 'warning',
      message: `cannot tell whether every control plane's ${route} is approved: peers see only the primary router's, so failover may have nowhere to go. Pass --headscale-api-key-file or --tailscale-api-key-file to let ha-wizard check (and approve) them, or check each of ${cps.map((node) => node.name).join(', ')} in the admin console (Headscale: headscale nodes list-routes).`,
    });
    return '';
  }
  const missing: string[] = [];
  for (const node of cps) if (!(await approvedThroughApi(step, node))) missing.push(node.name);
  if (missing.length > 0)
    throw new StepError({
      message: `${route} is not approved for ${missing.join(', ')} on ${step.controlApi.description}: failover could not move the VIP there`,
      stderrTail: [],
      suggestion:
        'Run ha-wizard apply again with the API key file, or approve the route in the admin console.',
    });
  return `, ${route} approved for all ${cps.length} control planes`;
};

export const verify: Phase = {
  id: 'verify',
  title: 'Verify',
  mode: 'serial',
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  async apply(step) {
    const {plan} = step;
    const names = plan.nodes.map((node) => node.name);
    let ready = new Set<string>();
    await until(
      step,
      async () => {
        ready = await readyNodes(step);
        return names.every((name) => ready.has(name));
      },
      () =>
        new StepError({
          message: `not every node is Ready: ${names.filter((name) => !ready.has(name)).join(', ')}`,
          command: 'kubectl get nodes',
          stderrTail: [],
          suggestion:
            'kubectl describe node NAME shows why; a node stays NotReady until Cilium runs on it.',
        }),
      10 * 60_000,
    );
    const {stdout} = await step.host.run(
      kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'component=etcd', '-o', 'json'),
      {sudo: true, quiet: true},
    );
    const etcd = (JSON.parse(stdout) as List).items?.length ?? 0;
    const expected = controlPlanes(plan).length;
    if (etcd !== expected) {
      throw new StepError({
        message: `${etcd} etcd members run, the plan has ${expected} control planes`,
        command: 'kubectl -n kube-system get pods -l component=etcd',
        stderrTail: [],
        suggestion:
          'A control plane that failed to join may have left a stale member: etcdctl member list.',
      });
    }
    // Through the endpoint (VIP:6443, or HAProxy's VIP:8443) from a node that does not hold it, when there is one.
    const prober = vipProber(plan);
    const url = `https://${apiEndpoint(plan)}/readyz`;
    const lan = isLanEndpoint(plan.network.endpoint);
    if (prober) {
      const from = step.on(prober.name);
      await until(
        step,
        () => isReady(from, url),
        () =>
          new StepError({
            message: `${url} does not answer ok from ${prober.name}`,
            command: `curl -sk --max-time 2 ${url}`,
            stderrTail: [],
            suggestion: lan
              ? `Check that ${prober.name} is on the control planes' LAN and that ${plan.network.endpoint === 'kube-vip' ? "the VIP's holder runs its apiserver" : "HAProxy runs on the VIP's holder (systemctl status haproxy)"}.`
              : 'Check that the route is approved and the tailnet policy accepts traffic to the VIP on port 6443 (tailscale/policy.hujson).',
          }),
        60_000,
      );
    }
    const endpoint = lan ? await verifyLanEndpoint(step) : '';
    if (!lan) await seen(step);
    const approval = lan ? '' : await everyRouteApproved(step);
    return `${names.length} nodes Ready, ${etcd} etcd members${prober ? `, ${lan ? apiEndpoint(plan) : 'VIP'} answers from ${prober.name}` : ''}${endpoint}${approval}`;
  },
};
