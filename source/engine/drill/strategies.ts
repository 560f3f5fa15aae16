// The endpoint kinds a drill knows, by the name a plan gives them.
import type {Plan} from '../../core/plan/types.js';
import type {EndpointStrategy} from './strategy.js';
import {tailscaleVip, type TailscaleVipOptions} from './tailscale-vip.js';

/** What the strategies need from the workstation (each kind takes its part). */
export type StrategyOptions = TailscaleVipOptions;

/**
 * The endpoint kind of a plan. Plans name none yet: every plan so far is a
 * Tailscale VIP. When the plan gains its endpoint, read it here.
 */
export const endpointKind = (_plan: Plan): string => 'tailscale-vip';

const strategies: Record<string, (plan: Plan, options: StrategyOptions) => EndpointStrategy> = {
  'tailscale-vip': tailscaleVip,
};

export const strategyFor = (plan: Plan, options: StrategyOptions): EndpointStrategy => {
  const kind = endpointKind(plan);
  const make = strategies[kind];
  if (make === undefined) throw new Error(`no drill for the endpoint kind ${kind}`);
  return make(plan, options);
};
