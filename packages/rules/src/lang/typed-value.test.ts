import { propertyRuns } from '@glia/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveFurther, lastAtOrBelow, mapPresent } from './typed-value.js';

/** The binary search against a loop, and absent values through derivations and maps. */
describe('lastAtOrBelow against a loop', () => {
  const naive = <T extends number | bigint>(sorted: readonly T[], value: T): number => {
    let found = -1;
    for (let i = 0; i < sorted.length; i++) if (sorted[i] <= value) found = i;
    return found;
  };
  it('numbers and bigints, with repeats, below, between and above the starts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 12 }),
        fc.integer({ min: -25, max: 25 }),
        (xs, v) => {
          const sorted = [...xs].sort((a, b) => a - b);
          expect(lastAtOrBelow(Float64Array.from(sorted), v)).toBe(naive(sorted, v));
          expect(lastAtOrBelow(sorted.map(BigInt), BigInt(v))).toBe(naive(sorted.map(BigInt), BigInt(v)));
        },
      ),
      propertyRuns('lastAtOrBelow against a loop', 500),
    );
  });
});

describe('absent values through derivations (named)', () => {
  const double = (x: unknown): unknown => (typeof x === 'number' ? x * 2 : undefined);
  const plusOne = (x: unknown): unknown => (x as number) + 1;

  it('a derivation of the field itself skips an absent value', () => {
    const d = deriveFurther({ name: 'f', slot: 0, derive: null }, plusOne);
    expect(d.derive?.(undefined)).toBeUndefined();
    expect(d.derive?.(1)).toBe(2);
    expect(d).toMatchObject({ name: 'f', slot: 0 });
  });

  it('a derivation of a derivation skips what the inner one left absent', () => {
    const d = deriveFurther({ name: 'f', slot: 3, derive: double }, plusOne);
    expect(d.derive?.('text')).toBeUndefined();
    expect(d.derive?.(undefined)).toBeUndefined();
    expect(d.derive?.(5)).toBe(11);
    expect(d).toMatchObject({ name: 'f', slot: 3 });
  });

  it('mapPresent leaves out elements without a result and keeps an absent list absent', () => {
    expect(mapPresent([1, 'x', 2, undefined], double)).toEqual([2, 4]);
    expect(mapPresent(undefined, double)).toBeUndefined();
    expect(mapPresent([], double)).toEqual([]);
  });
});
