// Approving each control plane's VIP route (issue 9; DOMAIN.md phase 7):
// approval is per device, and failover can only move the route to a router
// whose own advertisement is approved. Through the control server's API when
// the run has a key; otherwise the exact command, which keeps the node's other
// approved routes (Headscale's approve-routes replaces the whole set, B8).
import {vipRoute} from '../../../core/artifacts/vip.js';
import type {PlanNode} from '../../../core/plan/types.js';
import {headscaleApproveCommand} from '../../../core/tailnet/control-api.js';
import {ControlApiError, type ApiNode} from '../../control/control-api.js';
import {StepError} from '../../step-error.js';
import type {RunContext, StepContext} from '../phase.js';

export const apiNode = (node: PlanNode): ApiNode => ({id: node.id, name: node.name, ip: node.ip});

const apiFailure = (error: unknown, node: PlanNode): never => {
  if (error instanceof ControlApiError)
    throw new StepError({
      message: error.message,
      stderrTail: [],
      suggestion: `Approve ${node.name}'s route by hand meanwhile (the admin console, or the command ha-wizard shows without an API key), then run ha-wizard apply --resume.`,
    });
  throw error;
};

/** Approves this node's VIP route through the API; undefined when the run has none. */
export const approveThroughApi = async (step: StepContext): Promise<string | undefined> => {
  const api = step.controlApi;
  if (!api) return undefined;
  const route = vipRoute(step.plan.network.vip);
  const routes = await api
    .approve(apiNode(step.node), route)
    .catch((e) => apiFailure(e, step.node));
  if (!routes.approved.includes(route))
    throw new StepError({
      message: `${api.description} did not keep ${route} approved for ${step.node.name}`,
      stderrTail: [],
      suggestion:
        "Check the tailnet policy and the API key's scope, then run ha-wizard apply --resume.",
    });
  return `${route} approved through ${api.description}`;
};

/** Whether the API shows this node's VIP route approved; undefined without an API. */
export const approvedThroughApi = async (
  context: RunContext,
  node: PlanNode,
): Promise<boolean | undefined> => {
  const api = context.controlApi;
  if (!api) return undefined;
  const routes = await api.routes(apiNode(node)).catch((e) => apiFailure(e, node));
  return routes.approved.includes(vipRoute(context.plan.network.vip));
};

/** True when the API shows this node's VIP route unapproved (a re-run with a key approves it). */
export const approvalNeeded = async (step: StepContext): Promise<boolean> =>
  (await approvedThroughApi(step, step.node)) === false;

/**
 * A joined control plane advertises the VIP: approve it through the API, or say exactly what
 * to run, since nothing the tailnet shows can tell whether a standby's route is approved.
 */
export const ensureApproval = async (step: StepContext): Promise<string> => {
  const approved = await approveThroughApi(step);
  if (approved !== undefined) return `; ${approved}`;
  const route = vipRoute(step.plan.network.vip);
  step.emit({
    type: 'notice',
    phase: step.phase,
    host: step.node.name,
    level: 'info',
    message: `${step.node.name} advertises ${route} too: unless the tailnet policy's autoApprovers cover it, approve it in the admin console, or on Headscale: ${headscaleApproveCommand(step.node, route)}`,
  });
  return '';
};
