import { describe, expect, it } from 'vitest';
import { entropyX100, PortEntropy, shannonBits } from './entropy.js';

describe('entropyX100 rounding (half up)', () => {
  const cases: Array<[string, number, number]> = [
    ['zero', 0, 0],
    ['just under a half rounds down', 0.12499, 12],
    ['a half rounds up', 0.125, 13],
    ['a half computed with float error still rounds up', 0.125 - 1e-13, 13],
    ['log2(100)', Math.log2(100), 664],
    ['log2(3)', Math.log2(3), 158],
  ];
  for (const [name, bits, want] of cases) it(name, () => expect(entropyX100(bits)).toBe(want));
});

describe('PortEntropy (incremental)', () => {
  it('matches the direct formula over a long random walk of counts', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const counts = new Map<number, number>();
    const e = new PortEntropy();
    for (let step = 0; step < 200_000; step++) {
      const key = Math.floor(random() * 50);
      const before = counts.get(key) ?? 0;
      const after = before > 0 && random() < 0.5 ? before - 1 : before + 1;
      if (after === 0) counts.delete(key);
      else counts.set(key, after);
      e.change(before, after);
      if (e.needsExactSum(counts.size)) e.resetSum(counts.values());
      if (step % 997 === 0) expect(e.bits()).toBeCloseTo(shannonBits([...counts.values()]), 9);
    }
  });

  it('is 0 for one key, whatever its count, and for nothing', () => {
    const e = new PortEntropy();
    expect(e.bits()).toBe(0);
    for (let c = 0; c < 10; c++) e.change(c, c + 1);
    expect(e.bits()).toBe(0);
  });
});
