// Who holds a LAN endpoint's VIP: each control plane's own addresses, read
// over SSH (keepalived, or kube-vip's leader, puts the VIP on the LAN
// interface as a secondary address). Exactly one holder is the healthy state;
// two means a split (VRRP peers that do not hear each other).
import {lanVip} from '../../../core/artifacts/lan-vip.js';
import {vipHolders} from '../../../core/net/lan-side.js';
import {controlPlanes} from '../../../core/plan/build.js';
import {StepError} from '../../step-error.js';
import type {RunContext, StepContext} from '../phase.js';
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

const timeoutMs = 60_000;

/** What to tell the user when the wait fails: no holder at all, or several. */
export interface HolderHints {
  readonly none: string;
  readonly many: string;
}

/**
 * Waits until exactly one control plane holds the VIP (remembered as the
 * primary router); a note naming it. A StepError after a minute.
 */
export const awaitOneHolder = async (step: StepContext, hints: HolderHints): Promise<string> => {
  const vip = lanVip(step.plan.network.vip) ?? step.plan.network.vip;
  const deadline = step.now() + timeoutMs;
  let holders: string[] = [];
  for (let wait = 500; ; wait = Math.min(wait * 2, 4000)) {
    holders = await lanVipHolders(step);
    if (holders.length === 1) {
      step.memory.primaryRouter = holders[0];
      return `${vip} held by ${holders[0]}`;
    }
    if (step.now() >= deadline) break;
    await step.sleep(wait);
  }
  throw new StepError({
    message:
      holders.length === 0
        ? `no control plane took the VIP ${vip} within ${timeoutMs / 1000} s`
        : `${holders.join(' and ')} all hold the VIP ${vip}`,
    command: 'ip -4 -o addr show',
    stderrTail: [],
    suggestion: holders.length === 0 ? hints.none : hints.many,
  });
};
