import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { entropyX100, PortEntropy } from './entropy.js';

/**
 * PortEntropy against the textbook formula, written here and not taken from the module:
 * H = −Σ p_i·log2 p_i with p_i = c_i / N. Counts cross the module's xlog2x table (4 096 entries)
 * in every test, since a table bound is where an incremental entropy silently goes wrong.
 */
function direct(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log2(c / total);
  return h;
}

/** A PortEntropy fed one key's count at a time, from 0 up to each count. */
function incremental(counts: readonly number[]): PortEntropy {
  const e = new PortEntropy();
  for (const c of counts) for (let n = 0; n < c; n++) e.change(n, n + 1);
  return e;
}

describe('PortEntropy across the xlog2x table bound (named)', () => {
  const cases: Array<[string, number[], number]> = [
    ['two ports with 4 095 connections each: 1 bit', [4095, 4095], 1],
    ['a port count of 4 096 (the first past the table): 1 bit with another 4 096', [4096, 4096], 1],
    ['a port count of 4 097: 1 bit with another 4 097', [4097, 4097], 1],
    ['4 096 and 1', [4096, 1], direct([4096, 1])],
    ['four ports of 4 096: 2 bits', [4096, 4096, 4096, 4096], 2],
    ['one port of 10 000: 0 bits', [10000], 0],
  ];
  it.each(cases)('%s', (_name, counts, want) => {
    expect(incremental(counts).bits()).toBeCloseTo(want, 9);
    const reset = new PortEntropy();
    reset.resetSum(counts);
    expect(reset.bits()).toBeCloseTo(want, 9);
  });
});

describe('PortEntropy by naive loops', () => {
  it('two equal ports give 1 bit at every count 1..5 000', () => {
    const e = new PortEntropy();
    const wrong: number[] = [];
    for (let c = 0; c < 5000; c++) {
      e.change(c, c + 1);
      e.change(c, c + 1);
      if (Math.abs(e.bits() - 1) > 1e-9) wrong.push(c + 1);
    }
    expect(wrong).toEqual([]);
  });

  it('one port at c and one at 1 match the formula at every c 1..5 000', () => {
    const e = new PortEntropy();
    e.change(0, 1);
    const wrong: number[] = [];
    for (let c = 1; c <= 5000; c++) {
      e.change(c - 1, c);
      if (Math.abs(e.bits() - direct([c, 1])) > 1e-9) wrong.push(c);
    }
    expect(wrong).toEqual([]);
  });

  it('uniform over n ports is log2(n), × 100 rounded half up, for n 1..300', () => {
    for (let n = 1; n <= 300; n++) {
      const e = incremental(new Array<number>(n).fill(3));
      expect(e.bits()).toBeCloseTo(Math.log2(n), 9);
      expect(entropyX100(e.bits())).toBe(Math.floor(Math.log2(n) * 100 + 0.5 + 1e-9));
    }
  });
});

describe('PortEntropy properties', () => {
  it('any sequence of count changes, with the periodic exact resum, tracks the formula', () => {
    const change = fc.record({
      key: fc.nat({ max: 20 }),
      to: fc.oneof(fc.nat({ max: 12 }), fc.nat({ max: 20_000 })),
    });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 200 }), (changes) => {
        const counts = new Map<number, number>();
        const e = new PortEntropy();
        for (const { key, to } of changes) {
          const before = counts.get(key) ?? 0;
          if (to === 0) counts.delete(key);
          else counts.set(key, to);
          e.change(before, to);
          if (e.needsExactSum(counts.size)) e.resetSum(counts.values());
          expect(e.bits()).toBeCloseTo(direct([...counts.values()]), 8);
        }
      }),
      propertyRuns('PortEntropy tracks the formula', 200),
    );
  });

  it('entropy × 100 is the formula rounded half up, and 0 for nothing or one port', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9000 }), { maxLength: 12 }), (counts) => {
        const e = new PortEntropy();
        e.resetSum(counts);
        const h = direct(counts);
        expect(e.bits()).toBeCloseTo(h, 9);
        // Away from a half, the rounding is unambiguous.
        if (Math.abs(((h * 100) % 1) - 0.5) > 1e-6) expect(entropyX100(e.bits())).toBe(Math.round(h * 100));
        // One port: 0 up to float error in log2 N − c·log2 c / N (4e-16 at some counts); the field is 0.
        if (counts.length <= 1) {
          expect(e.bits()).toBeCloseTo(0, 12);
          expect(entropyX100(e.bits())).toBe(0);
        }
      }),
      propertyRuns('entropyX100 rounding', 300),
    );
  });
});
