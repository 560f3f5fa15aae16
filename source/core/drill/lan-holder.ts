// Who holds a LAN endpoint's VIP: the control plane that has it on its LAN
// interface, from each control plane's own `ip -j -4 addr show` (read over
// SSH by the engine). keepalived puts the VIP there as a secondary address;
// kube-vip (ARP mode) does the same on the interface it was given, so its
// strategy reads the same way. One holder is the healthy state; none means
// nothing answers ARP for the VIP; two or more is split brain, which the drill
// reports as the failure it is. The reading itself is doctor's (net/lan-holder.ts).
import {lanHolders} from '../net/lan-holder.js';
import type {PlanNode} from '../plan/types.js';
import type {Holding} from './holder.js';

export interface AddressesSeen {
  readonly node: PlanNode;
  /** The node's `ip -j -4 addr show`. */
  readonly stdout: string;
}

export const lanHolding = (vip: string, seen: readonly AddressesSeen[]): Holding => {
  const {holders} = lanHolders(
    vip,
    seen.map(({node, stdout}) => ({node: node.name, code: 0, stdout})),
  );
  const names = new Set(holders.map((holding) => holding.node));
  const nodes = seen.map(({node}) => node).filter((node) => names.has(node.name));
  const [first] = nodes;
  if (first === undefined) return {kind: 'none'};
  return nodes.length === 1 ? {kind: 'node', node: first} : {kind: 'split', nodes};
};
