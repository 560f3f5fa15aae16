import {defaults} from '../plan/defaults.js';
import {controlPlanes} from '../plan/build.js';
import {isLanEndpoint} from '../plan/endpoint.js';
import type {Finding} from './finding.js';
import {isPrivate} from './net.js';
import {error, warning, type Rule} from './rule.js';

/**
 * The VIP must belong to nothing else. For the Tailscale VIP it must also be
 * private and not advertised by another device; a LAN endpoint's VIP lives in
 * the LAN's own subnet instead (lan-subnet.ts), so those rules do not apply.
 */
export const vip: Rule = ({plan, vip}) => {
  if (!vip.ok) return [];
  const address = vip.value.toString();
  const lan = isLanEndpoint(plan.network.endpoint);
  const findings: Finding[] = [];
  if (!lan && !isPrivate(vip.value)) {
    // Every node runs with --accept-routes, so a public VIP would hijack a real address tailnet-wide.
    findings.push(
      error(
        'vip-not-private',
        `VIP ${address} is not a private (RFC 1918) address, so every node would route that real address into the cluster; use one from 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 such as ${defaults.vip}.`,
        'vip',
      ),
    );
  }
  const isNodes = (node: (typeof plan.nodes)[number]) =>
    node.ip === address || (lan && (node.lanAddresses ?? []).includes(address));
  for (const node of plan.nodes.filter(isNodes)) {
    findings.push(
      error(
        'vip-is-node-address',
        `VIP ${address} is ${node.name}'s own address; the VIP must be an unused address such as ${lan ? "a free one in the control planes' LAN subnet" : defaults.vip}.`,
        'vip',
      ),
    );
  }
  if (lan) return findings;
  const cps = new Set(controlPlanes(plan).map((node) => node.name));
  const elsewhere = plan.tailnetRoutes.filter(
    ({route, peer}) => route === `${address}/32` && !cps.has(peer),
  );
  for (const {peer} of elsewhere) {
    findings.push(
      warning(
        'vip-advertised-elsewhere',
        `${peer} already advertises ${address}/32, which is not one of this cluster's control planes; if another cluster uses that VIP, choose a different one.`,
        'vip',
      ),
    );
  }
  return findings;
};
