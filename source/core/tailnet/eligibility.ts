import type {Eligibility, Peer} from './types.js';

/** Why a device can or cannot be a Kubernetes node (DOMAIN.md phase 1). */
export const eligibility = (peer: Peer): Eligibility => {
  if (peer.os.toLowerCase() !== 'linux') {
    return {eligible: false, reason: `not Linux (${peer.os || 'unknown OS'})`};
  }
  if (peer.keyExpired) return {eligible: false, reason: 'node key expired: re-authenticate it'};
  if (!peer.online) return {eligible: false, reason: 'offline'};
  if (!peer.ipv4) return {eligible: false, reason: 'no Tailscale IPv4 address'};
  return {eligible: true};
};
