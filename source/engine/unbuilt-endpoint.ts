// The phases build the Tailscale VIP and keepalived + HAProxy so far: a plan
// for kube-vip would get no endpoint at all. Runs refuse such a plan until its
// phases exist (issue 11). The demo's in-memory world simulates the Tailscale
// VIP only (no keepalived, no LAN), so it refuses both LAN endpoints.
import {InputError} from '../core/errors.js';
import {endpointTitles, isLanEndpoint} from '../core/plan/endpoint.js';
import type {Plan} from '../core/plan/types.js';

/** The refusal for a plan whose endpoint no phase builds yet, or undefined. */
export const unbuiltEndpoint = (plan: Plan): InputError | undefined => {
  const {endpoint} = plan.network;
  if (endpoint !== 'kube-vip') return undefined;
  return new InputError(
    `The wizard writes the ${endpointTitles[endpoint]} files but cannot set them up on the hosts yet, so it does not run this plan; install them by hand from the plan folder, or plan again with --endpoint tailscale-vip or keepalived-haproxy.`,
  );
};

/** The demo's refusal: its made-up hosts have no LAN for a LAN endpoint to run on. */
export const undemoableEndpoint = (plan: Plan): InputError | undefined => {
  const {endpoint} = plan.network;
  if (!isLanEndpoint(endpoint)) return undefined;
  return new InputError(
    `The demo simulates the Tailscale VIP only, not ${endpointTitles[endpoint]} on a LAN; run this plan on your hosts with ha-wizard apply, or plan the demo with --endpoint tailscale-vip.`,
  );
};
