// The demo's in-memory world simulates the Tailscale VIP only (no keepalived,
// no kube-vip, no LAN), so a demo run refuses both LAN endpoints (issue 11);
// `ha-wizard apply` builds all three.
import {InputError} from '../core/errors.js';
import {endpointTitles, isLanEndpoint} from '../core/plan/endpoint.js';
import type {Plan} from '../core/plan/types.js';

/** The demo's refusal: its made-up hosts have no LAN for a LAN endpoint to run on. */
export const undemoableEndpoint = (plan: Plan): InputError | undefined => {
  const {endpoint} = plan.network;
  if (!isLanEndpoint(endpoint)) return undefined;
  return new InputError(
    `The demo simulates the Tailscale VIP only, not ${endpointTitles[endpoint]} on a LAN; run this plan on your hosts with ha-wizard apply, or plan the demo with --endpoint tailscale-vip.`,
  );
};
