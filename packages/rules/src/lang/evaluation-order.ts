import { CORE_FIELDS } from '@glia/core';
import type { Plan } from './plan.js';

/** Fields the core computes from the observation itself: reading them costs next to nothing. */
const CORE: ReadonlySet<string> = new Set(CORE_FIELDS.map((f) => f.name));

/**
 * A rough cost of testing a plan: a core field is cheaper than an enricher's (which looks things
 * up), a derived value (map key, function) adds a step, an opaque test (any/all, a value of
 * several steps) is the dearest. Only the order matters.
 */
function planCost(plan: Plan): number {
  switch (plan.kind) {
    case 'fused':
      return CORE.has(plan.name) ? 0 : 2;
    case 'test':
      return (CORE.has(plan.name) ? 0 : 2) + (plan.derive === null ? 0 : 1);
    case 'leaf':
      return 4;
    case 'not':
      return planCost(plan.operand);
    case 'logical':
      return Math.max(...plan.items.map(planCost));
  }
}

/**
 * The operands of an `and` or `or` in the order to test them: the cheap ones first, each class in
 * the order written. Operands have no side effects, so the result is the same in any order; what
 * changes is that a cheap false (for `and`) or true (for `or`) spares reading dearer fields.
 */
export function cheapestFirst<T extends { plan: Plan }>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, i, cost: planCost(item.plan) }))
    .sort((a, b) => a.cost - b.cost || a.i - b.i)
    .map((x) => x.item);
}
