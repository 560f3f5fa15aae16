import ipaddr from 'ipaddr.js';
import {controlPlanes} from '../plan/build.js';
import {isLanEndpoint} from '../plan/endpoint.js';
import type {Finding} from './finding.js';
import {warning, type Rule} from './rule.js';

// The status gives addresses but no prefix lengths, so the plan can only
// compare: a /24 is what nearly every home and lab LAN is, and a LAN larger
// than a /16 is rare enough to call "not on it". Preflight reads the real
// subnet over SSH (`ip -4 -o addr`), so these are warnings, never errors: a
// status that shows one address of a node with two networks must not stop a
// plan that preflight would accept.
const likelyPrefix = 24;
const widestPrefix = 16;

const within = (address: string, vip: ipaddr.IPv4, prefix: number): boolean =>
  ipaddr.IPv4.parse(address).match(vip, prefix);

const subnet = (vip: ipaddr.IPv4, prefix: number): string =>
  `${ipaddr.IPv4.networkAddressFromCIDR(`${vip.toString()}/${prefix}`).toString()}/${prefix}`;

/**
 * keepalived and kube-vip move the VIP by ARP, so every control plane must sit
 * on one L2 subnet and the VIP inside it (kubeadm's HA guide). Checked against
 * the LAN addresses `tailscale status` shows; where it shows none, preflight
 * decides.
 */
export const lanSubnet: Rule = ({plan, vip}) => {
  if (!isLanEndpoint(plan.network.endpoint) || !vip.ok) return [];
  const address = vip.value.toString();
  const unknown: string[] = [];
  const far: string[] = [];
  const near: string[] = [];
  const onLan: string[] = [];
  for (const node of controlPlanes(plan)) {
    const addresses = node.lanAddresses ?? [];
    const seen = `${node.name} at ${addresses.join(', ')}`;
    if (addresses.length === 0) unknown.push(node.name);
    else if (!addresses.some((lan) => within(lan, vip.value, widestPrefix))) far.push(seen);
    else if (!addresses.some((lan) => within(lan, vip.value, likelyPrefix))) near.push(seen);
    else onLan.push(node.name);
  }
  // One finding for each kind, naming every node: the VIP field has little room.
  const findings: Finding[] = [];
  const outside = [...far, ...near];
  // Some control planes are seen on the VIP's subnet and others elsewhere: a
  // node with two networks shows this machine only the one it reaches it by
  // (its CurAddr), so the others may well be on the LAN too.
  if (onLan.length > 0 && outside.length > 0)
    findings.push(
      warning(
        'lan-vip-off-subnet',
        `The status shows ${outside.join('; ')}, outside ${subnet(vip.value, likelyPrefix)} where ${onLan.join(', ')} ${onLan.length === 1 ? 'is' : 'are'}: either on another network, which a LAN endpoint cannot serve (choose the Tailscale VIP then), or reached by this machine over a second network of theirs; preflight checks the real subnet over SSH.`,
        'vip',
      ),
    );
  else if (far.length > 0)
    findings.push(
      warning(
        'lan-vip-off-subnet',
        `VIP ${address} does not look like it is on the control planes' LAN: the status shows ${far.join('; ')}, none of it in ${subnet(vip.value, widestPrefix)}; choose a free address in the subnet all control planes share, or the Tailscale VIP if they are in different places.`,
        'vip',
      ),
    );
  if (near.length > 0 && onLan.length === 0)
    findings.push(
      warning(
        'lan-vip-off-subnet',
        `The status shows ${near.join('; ')}, outside ${subnet(vip.value, likelyPrefix)}, so unless the LAN is larger than a /${likelyPrefix}, VIP ${address} is not on it; preflight checks the real subnet.`,
        'vip',
      ),
    );
  if (unknown.length > 0)
    findings.push(
      warning(
        'lan-subnet-unverified',
        `The status shows no LAN address for ${unknown.join(', ')}, so the plan cannot tell whether every control plane shares VIP ${address}'s subnet; preflight checks it on each host over SSH.`,
        'vip',
      ),
    );
  return findings;
};
