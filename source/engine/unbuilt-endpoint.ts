// The phases build the Tailscale VIP only, so far: a plan for a LAN endpoint
// would get lo1 and a /32 route for its LAN VIP, which is wrong, instead of
// keepalived or kube-vip. Runs (real and demo) refuse such a plan until those
// phases exist (issue 11); then this module goes.
import {InputError} from '../core/errors.js';
import {endpointTitles} from '../core/plan/endpoint.js';
import type {Plan} from '../core/plan/types.js';

/** The refusal for a plan whose endpoint no phase builds yet, or undefined. */
export const unbuiltEndpoint = (plan: Plan): InputError | undefined => {
  const {endpoint} = plan.network;
  if (endpoint === 'tailscale-vip') return undefined;
  return new InputError(
    `The wizard writes the ${endpointTitles[endpoint]} files but cannot set them up on the hosts yet, so it does not run this plan; install them by hand from the plan folder, or plan again with --endpoint tailscale-vip.`,
  );
};
