import type { Plan } from './plan.js';
import type { FieldGetter } from './typed-value.js';

const OPERATORS = { ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

/**
 * Builds one function that evaluates up to 31 rules and returns the bit mask of those that match.
 *
 * Why generate code: closures made at one site share V8's type feedback, so in a closure tree every
 * call is megamorphic and nothing is inlined. One function per rule set has its own call sites,
 * one target each. Only structure is generated: operators, integer indices and fixed snippets.
 * Field names, literals and every other test (regexes, sets, functions) stay values in arrays the
 * generated code indexes, so nothing a rule author writes ever becomes source text.
 *
 * Returns null when there are too many rules or the host forbids code generation from strings
 * (node --disallow-code-generation-from-strings); callers then use the closures directly.
 */
export function ruleSetFunction(plans: readonly Plan[]): ((get: FieldGetter) => number) | null {
  if (plans.length > 31) return null;
  const leaves: Array<(get: FieldGetter) => boolean> = [];
  const names: string[] = [];
  const slots: number[] = [];
  const literals: Array<number | string> = [];
  const emit = (plan: Plan): string => {
    switch (plan.kind) {
      case 'leaf':
        leaves.push(plan.test);
        return `L[${leaves.length - 1}](g)`;
      case 'not':
        return `!${emit(plan.operand)}`;
      case 'logical': {
        const left = emit(plan.left);
        const right = emit(plan.right);
        const op = plan.op === 'and' ? '&&' : plan.op === 'or' ? '||' : '!==';
        return `(${left} ${op} ${right})`;
      }
      case 'fused': {
        const i = names.length;
        names.push(plan.name);
        slots.push(plan.slot);
        literals.push(plan.lit);
        const read = `g(N[${i}], S[${i}])`;
        if (plan.op === 'eq') return `(${read} === K[${i}])`;
        const kind = typeof plan.lit === 'number' ? "'number'" : "'string'";
        return `((v = ${read}), typeof v === ${kind} && v ${OPERATORS[plan.op]} K[${i}])`;
      }
    }
  };
  const lines = plans.map((plan, i) => `  if (${emit(plan)}) m |= ${(1 << i) >>> 0};`);
  const source = `return function matchMask(g) {\n  let m = 0;\n  let v;\n${lines.join('\n')}\n  return m;\n};`;
  try {
    const make = new Function('L', 'N', 'S', 'K', source) as (
      ...args: unknown[]
    ) => (get: FieldGetter) => number;
    return make(leaves, names, slots, literals);
  } catch {
    return null;
  }
}
