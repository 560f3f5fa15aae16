// Preflight across the control planes for the LAN endpoints (issue 11), once
// every host's own preflight read its LAN side: all on one subnet, and the
// VIP unused there (an ARP probe) unless a control plane already holds it (a
// re-run: keepalived put it there). Read-only, so it runs on every apply.
import {lanVip} from '../../core/artifacts/lan-vip.js';
import {answeringNeighbour, sharedSubnetProblem, type LanSide} from '../../core/net/lan-side.js';
import {controlPlanes, initNode} from '../../core/plan/build.js';
import {StepError} from '../step-error.js';
import type {Phase, StepContext} from './phase.js';

const sidesOf = (step: StepContext) =>
  controlPlanes(step.plan).flatMap((node) => {
    const side = step.memory.lanSides.get(node.name);
    return side ? [{node: node.name, side}] : [];
  });

/**
 * Whether some other machine answers ARP for the VIP, seen from this node:
 * the cache entry is flushed, a TCP connection attempt makes the kernel ask
 * (curl, which the run needs on control planes anyway: arping is not on a
 * default Debian), and the neighbour table says whether anyone replied.
 */
const vipAnswersArp = async (
  step: StepContext,
  vip: string,
  side: LanSide,
): Promise<string | undefined> => {
  const {host} = step;
  // A stale entry from an earlier holder would answer for a machine that is gone.
  await host.run(['ip', 'neigh', 'flush', 'to', vip, 'dev', side.interface], {
    sudo: true,
    allowFailure: true,
  });
  await host.run(['curl', '--silent', '--connect-timeout', '2', `http://${vip}:9/`], {
    allowFailure: true,
    quiet: true,
  });
  const neigh = await host.run(
    ['ip', '-j', '-4', 'neigh', 'show', 'to', vip, 'dev', side.interface],
    {
      allowFailure: true,
      quiet: true,
    },
  );
  return answeringNeighbour(neigh.stdout);
};

export const lanPreflight: Phase = {
  id: 'lan-preflight',
  title: 'LAN preflight',
  mode: 'serial',
  endpoints: ['keepalived-haproxy', 'kube-vip'],
  hosts: (plan) => {
    const first = initNode(plan);
    return first ? [first] : [];
  },
  async apply(step) {
    const vip = lanVip(step.plan.network.vip) ?? step.plan.network.vip;
    const sides = sidesOf(step);
    const problem = sharedSubnetProblem(vip, sides);
    if (problem)
      throw new StepError({
        message: problem,
        stderrTail: [],
        suggestion: 'Nothing was changed; fix it and run ha-wizard apply again.',
      });
    const mine = step.memory.lanSides.get(step.node.name);
    if (!mine) throw new Error(`lan-preflight ran without ${step.node.name}'s LAN side`);
    const where = sides.map(({node, side}) => `${node} ${side.interface}`).join(', ');
    const holder = sides.find(({side}) => side.holdsVip);
    if (holder) return `${vip} held by ${holder.node}; ${mine.subnet} on ${where}`;
    const answered = await vipAnswersArp(step, vip, mine);
    if (answered !== undefined)
      throw new StepError({
        message: `The VIP ${vip} is already in use on ${mine.subnet}: ${answered} answered ${step.node.name}'s ARP request on ${mine.interface}`,
        command: `ip -4 neigh show to ${vip} dev ${mine.interface}`,
        stderrTail: [],
        suggestion:
          'Choose a free address in that subnet (outside your DHCP range) and plan again with --vip; nothing was changed.',
      });
    return `${vip} unused on ${mine.subnet}; the VIP goes on ${where}`;
  },
};
