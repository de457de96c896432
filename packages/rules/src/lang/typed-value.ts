import type { FieldType, FieldValue } from '@glia/core';
import type { Plan } from './plan.js';

/**
 * How compiled expressions read fields: undefined means absent. `slot` is the field's position in
 * the scheme the expression was compiled against; a getter may use it to skip a lookup by name
 * (the policy stage does), or ignore it.
 */
export type FieldGetter = (name: string, slot: number) => FieldValue | undefined;

/**
 * A compiled value or predicate. `lifted` values come from `[*]`: `get` returns an array (one
 * entry per element) or undefined when the field is absent, and only any(...)/all(...) turn them
 * back into a single Bool. A non-lifted Bool `get` always returns true or false.
 */
export interface TypedValue {
  type: FieldType;
  lifted: boolean;
  get: (get: FieldGetter) => unknown;
  /** Set when the value is a plain field read, so comparisons can read it directly. */
  field?: string;
  /** For non-lifted Bools whose structure is worth generating code for (logic, fused comparisons). */
  plan?: Plan;
  /**
   * Set when a non-lifted value is a pure function of one field's value (the field itself, a map
   * key or array index of it, a function of those), so a rule set can read the field once and
   * test the derived value without a closure tree. `derive` is null for the field itself.
   */
  derived?: Derivation;
}

export interface Derivation {
  name: string;
  slot: number;
  derive: ((value: unknown) => unknown) | null;
}

/** The derivation of `f` applied to a derived value (absent stays absent, as in mapValue). */
export function deriveFurther(d: Derivation, f: (x: unknown) => unknown): Derivation {
  const inner = d.derive;
  return {
    ...d,
    derive:
      inner === null
        ? (v) => (v === undefined ? undefined : f(v))
        : (v) => {
            const x = inner(v);
            return x === undefined ? undefined : f(x);
          },
  };
}

/** Applies f to a value, or to each element of a lifted one; absent stays absent. */
export function mapValue(value: TypedValue, f: (x: unknown) => unknown): (get: FieldGetter) => unknown {
  const read = value.get;
  if (value.lifted) {
    return (g) => {
      const list = read(g) as unknown[] | undefined;
      return list === undefined ? undefined : list.map((x) => (x === undefined ? undefined : f(x)));
    };
  }
  return (g) => {
    const x = read(g);
    return x === undefined ? undefined : f(x);
  };
}
