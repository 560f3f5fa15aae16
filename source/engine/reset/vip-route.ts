// Withdraw VIP/32 from the node's advertised routes and keep the rest:
// --advertise-routes REPLACES the list (DOMAIN.md phase 5), so the others
// are written back.
import {withdrawRouteArgv} from '../../core/artifacts/tailscale-routes.js';
import {vipRoute} from '../../core/artifacts/vip.js';
import {resetOrder} from '../../core/reset/undo.js';
import {StepError} from '../step-error.js';
import type {Phase} from '../phases/phase.js';
import {readPrefs} from '../phases/steps/tailscale.js';

export const resetVipRoute: Phase = {
  id: 'reset-vip-route',
  title: 'Withdraw the VIP route',
  mode: 'parallel',
  hosts: resetOrder,
  check: async (step) =>
    (await readPrefs(step.host)).advertiseRoutes.includes(vipRoute(step.plan.network.vip))
      ? false
      : `${vipRoute(step.plan.network.vip)} not advertised`,
  async apply(step) {
    const prefs = await readPrefs(step.host);
    await step.host.run(withdrawRouteArgv(prefs.advertiseRoutes, step.plan.network.vip), {
      sudo: true,
      mutates: true,
    });
    const others = prefs.advertiseRoutes.filter(
      (route) => route !== vipRoute(step.plan.network.vip),
    );
    return others.length > 0 ? `withdrawn; still advertises ${others.join(', ')}` : 'withdrawn';
  },
  async verify(step) {
    if ((await readPrefs(step.host)).advertiseRoutes.includes(vipRoute(step.plan.network.vip)))
      throw new StepError({
        message: `${step.node.name} still advertises ${vipRoute(step.plan.network.vip)}`,
        command: 'tailscale debug prefs',
        stderrTail: [],
      });
  },
};
