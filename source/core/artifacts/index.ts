import type {Plan} from '../plan/types.js';
import type {Artifact} from './types.js';

/** Every file the plan generates, in a stable order. (Generators land with their golden tests.) */
export const generateArtifacts = (_plan: Plan): Artifact[] => [];
