// The endpoint kinds a drill knows, by the name a plan gives them.
import {canDrill, drillableEndpoints} from '../../core/drill/endpoints.js';
import {InputError} from '../../core/errors.js';
import {endpointPort, endpointTitles, type EndpointKind} from '../../core/plan/endpoint.js';
import type {Plan} from '../../core/plan/types.js';
import type {EndpointStrategy} from './strategy.js';
import {keepalivedHaproxy} from './keepalived-haproxy.js';
import {kubeVip} from './kube-vip.js';
import {tailscaleVip, type TailscaleVipOptions} from './tailscale-vip.js';

/** What the strategies need from the workstation (each kind takes its part). */
export type StrategyOptions = TailscaleVipOptions;

/** The endpoint kind of a plan (old plans load as the Tailscale VIP). */
export const endpointKind = (plan: Plan): EndpointKind => plan.network.endpoint;

const strategies: Record<
  (typeof drillableEndpoints)[number],
  (plan: Plan, options: StrategyOptions) => EndpointStrategy
> = {
  'tailscale-vip': tailscaleVip,
  'keepalived-haproxy': keepalivedHaproxy,
  'kube-vip': kubeVip,
};

export const strategyFor = (plan: Plan, options: StrategyOptions): EndpointStrategy => {
  const kind = endpointKind(plan);
  const make = canDrill(kind) ? strategies[kind as keyof typeof strategies] : undefined;
  if (make === undefined)
    throw new InputError(
      `The drill does not know the ${endpointTitles[kind]} endpoint yet (it tests these: ${drillableEndpoints.map((known) => endpointTitles[known]).join(', ')}); test its failover by hand, as seed 003 does: take the node that holds the VIP down and watch https://VIP:${endpointPort(kind)}/readyz.`,
    );
  return make(plan, options);
};
