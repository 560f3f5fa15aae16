import {isDottedIpv4} from '../net/address.js';
import {vipAddress} from './vip.js';

/**
 * The VIP as it goes into a LAN endpoint's files, or undefined when it is not
 * a strict dotted-quad IPv4 address (a validation error the user sees): those
 * files are then left out rather than written with text that could break
 * their syntax.
 */
export const lanVip = (vip: string): string | undefined => {
  const address = vipAddress(vip);
  return isDottedIpv4(address) ? address : undefined;
};

/**
 * VRRP's virtual_router_id (1-255) must be the same on every keepalived of
 * this cluster and differ from any other VRRP group on the LAN. The VIP's last
 * octet is both: two clusters cannot share a VIP on one subnet. Network and
 * broadcast-looking octets fall back to 51, the value distributions ship.
 */
export const vrrpRouterId = (vip: string): number => {
  const last = Number(vip.split('.').at(-1));
  return last >= 1 && last <= 254 ? last : 51;
};
