import type { FieldValue } from '@glia/core';
import type { Plan } from './plan.js';
import type { FieldGetter } from './typed-value.js';

const OPERATORS = { ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;
/** Rules per generated function: their bits fit a small integer (V8's Smi), a cheap Map key. */
export const CHUNK_RULES = 31;

/** Reads one field of the observation being evaluated (memoized by its owner); undefined = absent. */
export type FieldReader<O> = (observation: O) => FieldValue | undefined;

/**
 * Evaluates up to 31 rules on one observation: bit i of the result is set when rule i matches.
 * Only the rules whose bit is set in `candidates` are evaluated (the others cannot match: the
 * rule index says so).
 */
export type ChunkMatcher = (get: FieldGetter, candidates: number) => number;
export type BoundChunkMatcher<O> = (observation: O, get: FieldGetter, candidates: number) => number;

/**
 * Builds one function that evaluates up to 31 rules and returns the bit mask of those that match,
 * reading fields through a getter.
 *
 * Why generate code: closures made at one site share V8's type feedback, so in a closure tree every
 * call is megamorphic and nothing is inlined. One function per chunk of rules has its own call
 * sites, one target each. Only structure is generated: operators, integer indices and fixed
 * snippets. Field names, literals and every other test (regexes, sets, functions) stay values in
 * arrays the generated code indexes, so nothing a rule author writes ever becomes source text.
 *
 * Returns null when the host forbids code generation from strings
 * (node --disallow-code-generation-from-strings); callers then use the closures directly.
 */
export function ruleSetFunction(plans: readonly Plan[]): ChunkMatcher | null {
  const names: string[] = [];
  const slots: number[] = [];
  const code = ruleSetCode(plans, (name, slot) => {
    names.push(name);
    slots.push(slot);
    return `g(N[${names.length - 1}], S[${names.length - 1}])`;
  });
  const make = generate<ChunkMatcher>(['N', 'S'], `return function matchMask(g, c) {\n${code.body}\n};`);
  return make === null ? null : make(names, slots, ...code.values);
}

/**
 * The same function, with each field read by a reader of its own (`readerOf(name)`, absent when
 * there is none) at its own call site: one target per site, so the reader (and the enricher's
 * resolve it calls) can be inlined instead of going through one megamorphic getter. Leaves that
 * are still closures read through `get`, which must share the readers' memo.
 */
export function boundRuleSetFunction<O>(
  plans: readonly Plan[],
  readerOf: (name: string) => FieldReader<O> | undefined,
): BoundChunkMatcher<O> | null {
  const readers: Array<FieldReader<O>> = [];
  const code = ruleSetCode(plans, (name) => {
    readers.push(readerOf(name) ?? absent);
    return `R[${readers.length - 1}](o)`;
  });
  const make = generate<BoundChunkMatcher<O>>(
    ['R'],
    `return function matchMask(o, g, c) {\n${code.body}\n};`,
  );
  return make === null ? null : make(readers, ...code.values);
}

const absent = (): undefined => undefined;
/** A field's local before it is read (undefined means absent, so it cannot mark "unread"). */
const UNREAD = Object.freeze({});

interface RuleSetCode {
  body: string;
  /** Values for the parameters L, K, T, D, U, in that order. */
  values: unknown[];
}

/**
 * `read(name, slot)` gives the expression reading a field; it is called once per distinct field,
 * and the generated function keeps what it read in a local (`f0`, `f1`, ...; the sentinel `U`
 * until read), so a field several rules use costs one read per evaluation.
 */
function ruleSetCode(plans: readonly Plan[], read: (name: string, slot: number) => string): RuleSetCode {
  if (plans.length > CHUNK_RULES)
    throw new Error(`a generated rule-set function takes at most ${CHUNK_RULES} rules`);
  const locals = new Map<string, number>();
  const reads: string[] = [];
  const value = (name: string, slot: number): string => {
    let k = locals.get(name);
    if (k === undefined) {
      locals.set(name, (k = locals.size));
      reads.push(read(name, slot));
    }
    return `(f${k} !== U ? f${k} : (f${k} = ${reads[k]}))`;
  };
  const leaves: Array<(get: FieldGetter) => boolean> = [];
  const literals: Array<number | string> = [];
  const tests: Array<(value: unknown) => boolean> = [];
  const derivations: Array<((value: unknown) => unknown) | null> = [];
  const emit = (plan: Plan): string => {
    switch (plan.kind) {
      case 'leaf':
        leaves.push(plan.test);
        return `L[${leaves.length - 1}](g)`;
      case 'not':
        return `!${emit(plan.operand)}`;
      case 'logical': {
        const op = plan.op === 'and' ? ' && ' : plan.op === 'or' ? ' || ' : ' !== ';
        return `(${plan.items.map(emit).join(op)})`;
      }
      case 'test': {
        const i = tests.length;
        tests.push(plan.test);
        derivations.push(plan.derive);
        const v = value(plan.name, plan.slot);
        return plan.derive === null ? `T[${i}](${v})` : `T[${i}](D[${i}](${v}))`;
      }
      case 'fused': {
        const i = literals.length;
        literals.push(plan.lit);
        const v = value(plan.name, plan.slot);
        if (plan.op === 'eq') return `(${v} === K[${i}])`;
        const kind = typeof plan.lit === 'number' ? "'number'" : "'string'";
        const compare = `typeof v === ${kind} && v ${OPERATORS[plan.op]} K[${i}]`;
        return plan.absent ? `((v = ${v}) === undefined || (${compare}))` : `((v = ${v}), ${compare})`;
      }
    }
  };
  // Only the candidate rules are evaluated. (A loop over the set bits with a switch per rule was
  // tried: V8 runs it about ten times slower than these plain tests.)
  const lines = plans.map((plan, i) => {
    const bit = (1 << i) >>> 0;
    return `  if ((c & ${bit}) !== 0 && ${emit(plan)}) m |= ${bit};`;
  });
  const declarations = [...locals.values()].map((k) => `  let f${k} = U;\n`).join('');
  return {
    body: `  let m = 0;\n  let v;\n${declarations}${lines.join('\n')}\n  return m >>> 0;`,
    values: [leaves, literals, tests, derivations, UNREAD],
  };
}

let generation = 0;

/**
 * The source of a generated function, made unique to this rule set. Identical source would share
 * V8's compiled function (and its type feedback) with the functions of earlier rule sets, so a
 * reloaded set would first run the old set's optimized code, deoptimize on every new closure it
 * calls ("wrong call target") and take seconds to settle; its own source starts it afresh.
 */
export function uniqueSource(source: string): string {
  return `${source}\n// rule set generation ${++generation}`;
}

/** `new Function(...params, 'L', 'K', 'T', 'D', 'U', source)`, or null where code generation is off. */
function generate<F>(params: readonly string[], source: string): ((...args: unknown[]) => F) | null {
  try {
    return new Function(...params, 'L', 'K', 'T', 'D', 'U', uniqueSource(source)) as (
      ...args: unknown[]
    ) => F;
  } catch {
    return null;
  }
}

/** Evaluates the candidate chunks of one observation: returns how many chunks matched (listed in `touched`). */
export type BoundChunksRunner<O> = (
  observation: O,
  get: FieldGetter,
  candidates: Uint32Array,
  matched: Uint32Array,
  touched: Int32Array,
) => number;

/**
 * Calls each chunk's matcher with its candidates from a call site of its own (a loop over the
 * chunks would call them all from one megamorphic site). Null where code generation is disabled.
 */
export function boundChunksRunner<O>(
  matchers: ReadonlyArray<BoundChunkMatcher<O>>,
): BoundChunksRunner<O> | null {
  const lines = matchers.map(
    (_, c) => `  if ((x = w[${c}]) !== 0 && (x = B[${c}](o, g, x)) !== 0) { m[${c}] = x; t[n++] = ${c}; }`,
  );
  try {
    const make = new Function(
      'B',
      uniqueSource(
        `return function runChunks(o, g, w, m, t) {\n  let n = 0;\n  let x;\n${lines.join('\n')}\n  return n;\n};`,
      ),
    ) as (...args: unknown[]) => BoundChunksRunner<O>;
    return make(matchers);
  } catch {
    return null;
  }
}
