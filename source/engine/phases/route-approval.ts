// DOMAIN.md phase 7: the advertised route must be approved before anything
// can use the VIP. With an API key (Headscale's or Tailscale's) the wizard
// approves it itself; otherwise it says exactly what to do (the admin console,
// the tailnet policy's autoApprovers, or the headscale command) and continues
// by itself as soon as another node sees the route as primary.
import {controlPlaneTag, tailnetPolicy} from '../../core/artifacts/tailnet-policy.js';
import {vipRoute} from '../../core/artifacts/vip.js';
import {initNode} from '../../core/plan/build.js';
import type {Plan, PlanNode} from '../../core/plan/types.js';
import type {Phase, StepContext} from './phase.js';
import {headscaleApproveCommand} from '../../core/tailnet/control-api.js';
import {approveThroughApi} from './steps/approval.js';
import {primaryRouter} from './steps/tailscale.js';

/**
 * Who looks, in order: workers first, then the other control planes, the init node last (it
 * routes the VIP to itself). A node that became primary by failover may not see the route in its
 * own Self.PrimaryRoutes (Headscale 0.29 does not update it; its peers see it), so a router is
 * the worst observer, and several are asked.
 */
export const observersOf = (plan: Plan): PlanNode[] => {
  const first = initNode(plan);
  return [
    ...plan.nodes.filter((node) => node.role === 'worker'),
    ...plan.nodes.filter((node) => node.role !== 'worker' && node !== first),
    ...(first ? [first] : []),
  ];
};

export const observerOf = (plan: Plan): PlanNode | undefined => observersOf(plan)[0];

/** The VIP's primary router as the first observers see it (up to three asked). */
export const seen = async (step: StepContext): Promise<string | undefined> => {
  for (const observer of observersOf(step.plan).slice(0, 3)) {
    const router = await primaryRouter(step.on(observer.name), vipRoute(step.plan.network.vip));
    if (router !== undefined) {
      step.memory.primaryRouter = router;
      return router;
    }
  }
  return undefined;
};

/** The `autoApprovers` part of the policy artifact: what to paste. */
export const autoApproversSnippet = (plan: Plan): string => {
  const policy = JSON.parse(tailnetPolicy(plan)) as Record<string, unknown>;
  return JSON.stringify({autoApprovers: policy['autoApprovers']}, null, 2);
};

export const routeApproval: Phase = {
  id: 'route-approval',
  title: 'Route approval',
  mode: 'serial',
  endpoints: ['tailscale-vip'],
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  async check(step) {
    const router = await seen(step);
    return router === undefined
      ? false
      : `${vipRoute(step.plan.network.vip)} is routed to ${router}`;
  },
  async apply(step) {
    const {plan, node} = step;
    const route = vipRoute(plan.network.vip);
    const throughApi = await approveThroughApi(step);
    if (throughApi !== undefined) {
      // Approved; the control server still has to elect the primary and tell the peers.
      for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
        const router = await seen(step);
        if (router !== undefined) return `${throughApi}; routed to ${router}`;
        await step.sleep(wait);
      }
    }
    const tag = controlPlaneTag(plan);
    step.emit({
      type: 'waiting',
      phase: 'route-approval',
      host: node.name,
      message: [
        `approve the route ${route} that ${node.name} advertises: in the admin console (Edit route settings),`,
        `or add the autoApprovers below to the tailnet policy${tag.carried ? '' : ` and tag the control planes ${tag.tag}`};`,
        `on Headscale (keeping the node's other approved routes): ${headscaleApproveCommand(node, route)}`,
        'The tailnet policy must also accept traffic to the VIP on port 6443. Waiting; this continues by itself.',
      ].join(' '),
      links: [`https://login.tailscale.com/admin/machines/${node.ip}`],
      snippet: autoApproversSnippet(plan),
    });
    for (let wait = 1000; ; wait = Math.min(wait * 2, 10_000)) {
      await step.sleep(wait);
      const router = await seen(step);
      if (router !== undefined) {
        step.emit({type: 'waiting-over', phase: 'route-approval'});
        return `${route} is routed to ${router}`;
      }
    }
  },
};
