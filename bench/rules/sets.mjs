// The rule sets of bench/rules, by name: each gives { rules, fields, observations }.
import { fleetPopulation, fleetRules } from './fleet.mjs';
import { RULES, population } from './realistic.mjs';

export const SETS = {
  'realistic-20': () => ({ rules: RULES, ...population() }),
  'fleet-1000': () => ({ rules: fleetRules(1000), ...fleetPopulation() }),
};
