// Who holds a LAN endpoint's VIP: each control plane's own addresses, read
// over SSH (keepalived puts the VIP on the LAN interface as a secondary
// address). Exactly one holder is the healthy state; two means VRRP split.
import {lanVip} from '../../../core/artifacts/lan-vip.js';
import {vipHolders} from '../../../core/net/lan-side.js';
import {controlPlanes} from '../../../core/plan/build.js';
import type {RunContext} from '../phase.js';
import {readAddresses} from '../preflight-lan.js';

export const lanVipHolders = async (context: RunContext): Promise<string[]> => {
  const vip = lanVip(context.plan.network.vip) ?? context.plan.network.vip;
  const addresses = await Promise.all(
    controlPlanes(context.plan).map(async (node) => ({
      node: node.name,
      addresses: await readAddresses(context.on(node.name)),
    })),
  );
  return vipHolders(vip, addresses);
};
