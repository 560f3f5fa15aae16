import type {Plan} from '../plan/types.js';
import {controlPlaneCount} from './control-planes.js';
import type {Finding} from './finding.js';
import {keyExpiry} from './key-expiry.js';
import {lanSubnet} from './lan-subnet.js';
import {malformed} from './malformed.js';
import {parseIpv4, parseIpv4Cidr} from './net.js';
import {nodes} from './nodes.js';
import {overlap} from './overlap.js';
import {prefixSize} from './prefix-size.js';
import type {Rule} from './rule.js';
import {settings} from './settings.js';
import {vip} from './vip.js';

export interface ValidationContext {
  readonly now: Date;
}

const rules: readonly Rule[] = [
  malformed,
  overlap,
  vip,
  lanSubnet,
  prefixSize,
  controlPlaneCount,
  nodes,
  keyExpiry,
  settings,
];

/** Every finding for a plan, errors first, each rule's findings in a stable order. */
export const validatePlan = (plan: Plan, {now}: ValidationContext): Finding[] => {
  const input = {
    plan,
    now,
    vip: parseIpv4(plan.network.vip),
    podCidr: parseIpv4Cidr(plan.network.podCidr),
    serviceCidr: parseIpv4Cidr(plan.network.serviceCidr),
  };
  const findings = rules.flatMap((rule) => rule(input));
  return [
    ...findings.filter((f) => f.severity === 'error'),
    ...findings.filter((f) => f.severity === 'warning'),
  ];
};
