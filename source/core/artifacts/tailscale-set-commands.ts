import {initNode} from '../plan/build.js';
import type {Plan, PlanNode} from '../plan/types.js';
import {quoteCommand} from '../remote/quote.js';
import {shellComment, shellText} from './shell-text.js';
import {acceptRoutesArgv, advertiseRoutesArgv} from './tailscale-routes.js';

const header = [
  'Tailscale flags for every node. Not one script: run each block on',
  'the node it names. --advertise-routes replaces the whole list, so each line restates',
  'the routes the node already advertises. Those are the routes the tailnet shows as',
  'approved; the run re-reads every node before it sets them.',
  'A joining control plane advertises the VIP only once its own /readyz passes (phase 9).',
];

const roleText = (node: PlanNode, isInit: boolean): string =>
  node.role === 'worker' ? 'worker' : isInit ? 'control plane, init node' : 'control plane';

const nodeBlock = (plan: Plan, node: PlanNode, isInit: boolean): string[] => [
  '',
  shellComment(`${node.name}: ${roleText(node, isInit)}`),
  quoteCommand(acceptRoutesArgv()),
  ...(node.role === 'control-plane'
    ? [quoteCommand(advertiseRoutesArgv(node.advertisedRoutes, plan.network.vip))]
    : []),
];

/** `tailscale/set-commands.sh`. */
export const tailscaleSetCommands = (plan: Plan): string => {
  const firstControlPlane = initNode(plan);
  return shellText([
    ...header.map(shellComment),
    ...plan.nodes.flatMap((node) => nodeBlock(plan, node, node === firstControlPlane)),
    '',
    // The workstation reaches the VIP through the tailnet too (DOMAIN.md "Target topology").
    shellComment('this workstation, and any other machine that runs kubectl'),
    quoteCommand(acceptRoutesArgv()),
  ]);
};
