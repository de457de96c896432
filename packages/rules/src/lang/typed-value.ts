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
