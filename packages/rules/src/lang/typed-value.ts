import type { FieldType, FieldValue } from '@glia/core';

/**
 * How compiled expressions read fields: undefined means absent. `slot` is the field's position in
 * the scheme the expression was compiled against; a getter may use it to skip a lookup by name
 * (the policy stage does), or ignore it.
 */
export type FieldGetter = (name: string, slot: number) => FieldValue | undefined;

/** A value computed from one field's value (`derive` null: the field itself). */
export interface Derivation {
  name: string;
  slot: number;
  derive: ((value: unknown) => unknown) | null;
}

/**
 * A compiled value: a field or function call with its index steps. `each` values come from
 * `[*]`: `get` returns the list of elements (flattened over every `[*]`, elements a later index
 * step does not find left out), or undefined when the value iterated is absent. Otherwise `get`
 * returns the value, undefined when absent.
 */
export interface Value {
  /** The value's type; for `each` values, the type of one element. */
  type: FieldType;
  each: boolean;
  get: (get: FieldGetter) => unknown;
  /** Set when a non-each value is a function of one field's value, so a rule set can read the field once. */
  derived?: Derivation;
  /** The value as written canonically (`identity.k8s.src_label["app"]`): messages and index keys. */
  text: string;
}

/** The derivation of `f` applied to a derived value; absent stays absent. */
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

/**
 * The results of `f` on each element of a list, leaving out elements without one (undefined), as
 * wirefilter's map-each does; an absent list stays absent.
 */
export function mapPresent(list: unknown[] | undefined, f: (x: unknown) => unknown): unknown[] | undefined {
  if (list === undefined) return undefined;
  const out: unknown[] = [];
  for (const x of list) {
    const y = f(x);
    if (y !== undefined) out.push(y);
  }
  return out;
}

/** The last index i with sorted[i] <= value, or -1: where a value falls among sorted starts. */
export function lastAtOrBelow<T extends number | bigint>(sorted: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}
