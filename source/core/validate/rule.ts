import type ipaddr from 'ipaddr.js';
import type {Plan} from '../plan/types.js';
import type {Finding} from './finding.js';
import type {Parsed, Range} from './net.js';

/** What every rule gets: the plan, the clock, and the network inputs parsed once. */
export interface RuleInput {
  readonly plan: Plan;
  readonly now: Date;
  readonly vip: Parsed<ipaddr.IPv4>;
  readonly podCidr: Parsed<Range>;
  readonly serviceCidr: Parsed<Range>;
}

export type Rule = (input: RuleInput) => Finding[];

export const error = (code: string, message: string, field?: Finding['field']): Finding =>
  field ? {code, severity: 'error', message, field} : {code, severity: 'error', message};

export const warning = (code: string, message: string, field?: Finding['field']): Finding =>
  field ? {code, severity: 'warning', message, field} : {code, severity: 'warning', message};
