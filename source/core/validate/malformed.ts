import {defaults} from '../plan/defaults.js';
import {error, type Rule} from './rule.js';

/** Malformed network inputs, quoting the exact text that failed. */
export const malformed: Rule = ({plan, vip, podCidr, serviceCidr}) => [
  ...(vip.ok
    ? []
    : [
        error(
          'vip-malformed',
          `VIP "${plan.network.vip}" ${vip.problem}; use an address such as ${defaults.vip}.`,
          'vip',
        ),
      ]),
  ...(podCidr.ok
    ? []
    : [
        error(
          'pod-cidr-malformed',
          `Pod CIDR "${plan.network.podCidr}" ${podCidr.problem}; the default is ${defaults.podCidr}.`,
          'podCidr',
        ),
      ]),
  ...(serviceCidr.ok
    ? []
    : [
        error(
          'service-cidr-malformed',
          `Service CIDR "${plan.network.serviceCidr}" ${serviceCidr.problem}; the default is ${defaults.serviceCidr}.`,
          'serviceCidr',
        ),
      ]),
];
