// The Tailscale VIP (DOMAIN.md "Target topology"): every control plane
// advertises VIP/32 and the coordination server makes one the primary router.
// Holder: that primary, as the workstation's `tailscale status --json` shows
// it. Served without the old holder: another control plane is the primary
// (the health gate withdrew the route, or the coordination server saw the
// node go offline). --node-down stops tailscaled, which is also the drill's
// path to the node: it starts again on the node by itself.
import {apiEndpoint, vipAddress} from '../../core/artifacts/vip.js';
import {vipHolder, type Holding} from '../../core/drill/holder.js';
import {controlPlanes} from '../../core/plan/build.js';
import type {Plan, PlanNode} from '../../core/plan/types.js';
import type {Tailnet} from '../../core/tailnet/types.js';
import type {Host} from '../host/host.js';
import type {EndpointStrategy} from './strategy.js';

export interface TailscaleVipOptions {
  /** The workstation's tailscale status, read afresh at every call. */
  readonly status: () => Promise<Tailnet>;
}

/** Whether lo1 carries the VIP (the health gate puts it back once the apiserver is ready). */
const vipOnLo1 = async (host: Host, vip: string): Promise<boolean> => {
  const result = await host.exec(['ip', '-j', 'addr', 'show', 'dev', 'lo1'], {timeoutMs: 10_000});
  if (result.code !== 0) return false;
  try {
    const links = JSON.parse(result.stdout) as Array<{addr_info?: Array<{local?: string}>}>;
    return links.some((link) => (link.addr_info ?? []).some((info) => info.local === vip));
  } catch {
    return false;
  }
};

export const tailscaleVip = (plan: Plan, options: TailscaleVipOptions): EndpointStrategy => {
  const vip = vipAddress(plan.network.vip);
  const cps = controlPlanes(plan);
  return {
    kind: 'tailscale-vip',
    address: apiEndpoint(plan),
    label: `the Tailscale VIP ${vip}`,
    holder: async (): Promise<Holding> => vipHolder(await options.status(), vip, cps),
    // Whatever was stopped, only another primary router serves the VIP without the holder.
    servedWithout: (before: PlanNode, now: Holding) =>
      now.kind === 'node' && now.node.name !== before.name,
    // One primary router at a time: the first good answer is the new one's.
    steadyLooks: 1,
    nodeDown: {kind: 'unit', unit: 'tailscaled.service', cutsAccess: true},
    settledWhat: 'the VIP on lo1 again (its health gate)',
    settled: (node: PlanNode, on: (node: PlanNode) => Host) => vipOnLo1(on(node), vip),
  };
};
