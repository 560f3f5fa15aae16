// Who holds a LAN endpoint's VIP (keepalived + HAProxy, kube-vip): read on
// every control plane over SSH, in parallel, and judged by core/drill/lan-holder.ts.
import type {Holding} from '../../core/drill/holder.js';
import {lanHolding} from '../../core/drill/lan-holder.js';
import type {PlanNode} from '../../core/plan/types.js';
import type {Host} from '../host/host.js';
import {addressesArgv} from '../phases/preflight-lan.js';

const lookTimeoutMs = 10_000;

/** Who holds `vip`, from every control plane's addresses (a node that does not answer holds nothing). */
export const lanVipHolding = async (
  vip: string,
  cps: readonly PlanNode[],
  on: (node: PlanNode) => Host,
): Promise<Holding> =>
  lanHolding(
    vip,
    await Promise.all(
      cps.map(async (node) => {
        const read = await on(node).exec(addressesArgv(), {timeoutMs: lookTimeoutMs});
        return {node, stdout: read.code === 0 ? read.stdout : '[]'};
      }),
    ),
  );
