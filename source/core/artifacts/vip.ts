import {endpointPort} from '../plan/endpoint.js';
import type {Plan} from '../plan/types.js';

/** The VIP as a bare address, whether or not the user typed a `/32`. */
export const vipAddress = (vip: string): string => vip.trim().replace(/\/32$/, '');

/** The subnet route every control plane advertises for the VIP. */
export const vipRoute = (vip: string): string => `${vipAddress(vip)}/32`;

/**
 * kubeadm's `controlPlaneEndpoint` and the join discovery endpoint: the VIP
 * with the apiserver's 6443, or HAProxy's own port for keepalived + HAProxy.
 */
export const apiEndpoint = (plan: Plan): string =>
  `${vipAddress(plan.network.vip)}:${endpointPort(plan.network.endpoint)}`;
