import type {Plan} from '../plan/types.js';
import type {Finding} from './finding.js';

export interface ValidationContext {
  readonly now: Date;
}

/** Every finding for a plan, errors first. (Rules land in the next commit.) */
export const validatePlan = (_plan: Plan, _context: ValidationContext): Finding[] => [];
