import type {EndpointKind} from '../plan/endpoint.js';

/**
 * The endpoints `ha-wizard drill` can test (each has a strategy in
 * engine/drill/strategies.ts, which must cover this list); the Run screen
 * offers the drill only for these.
 */
export const drillableEndpoints = [
  'tailscale-vip',
  'keepalived-haproxy',
  'kube-vip',
] as const satisfies readonly EndpointKind[];

export const canDrill = (endpoint: EndpointKind): boolean =>
  (drillableEndpoints as readonly EndpointKind[]).includes(endpoint);
