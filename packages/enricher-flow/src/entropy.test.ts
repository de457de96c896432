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

describe('PortEntropy exact resum (named)', () => {
  // A count jumping far past the others: adding 2^50·50 to a small sum loses the small part to
  // float rounding (one unit in the last place there is 8), so the running sum is wrong until the
  // periodic exact resum.
  const big = 2 ** 50;

  it('a single port is 0 bits even when the running sum carries float error', () => {
    const e = new PortEntropy();
    e.change(0, 2); // the port that stays: 2·log2 2 = 2, lost when added to 2^50·50
    e.change(0, big); // another port, briefly huge
    e.change(big, 0); // the running sum is now 0, not 2
    e.change(2, 1); // and now -2 for a true sum of 0
    expect(e.bits()).toBe(0);
  });

  it('after a jump to 2^50 and back, the entropy is exact again once the resum is due', () => {
    const counts = new Map<number, number>([
      [1, 3],
      [2, 1],
    ]);
    const e = new PortEntropy();
    e.change(0, 3);
    e.change(0, 1);
    e.change(0, big);
    e.change(big, 0);
    // The caller's protocol (SourceWindow): after each change, resum when it is due.
    for (let i = 0; i < 200; i++) {
      const before = counts.get(2) ?? 0;
      const after = i % 2 === 0 ? before + 1 : before - 1;
      counts.set(2, after);
      e.change(before, after);
      if (e.needsExactSum(counts.size)) e.resetSum(counts.values());
    }
    expect(e.bits()).toBeCloseTo(shannonBits([...counts.values()]), 12);
  });

  // The resum is due once the changes since the last exact sum outnumber the keys by 64: as
  // many changes as keys, so the O(keys) resum costs O(1) per change, and never every change.
  const schedule: Array<[string, number, number, boolean]> = [
    ['no keys, 64 changes: not due', 0, 64, false],
    ['no keys, 65 changes: due', 0, 65, true],
    ['100 keys, 164 changes: not due', 100, 164, false],
    ['100 keys, 165 changes: due', 100, 165, true],
    ['10 keys, 1 change: not due', 10, 1, false],
  ];
  it.each(schedule)('%s', (_name, keys, changes, due) => {
    const e = new PortEntropy();
    for (let i = 0; i < changes; i++) e.change(i % 2, 1 - (i % 2));
    expect(e.needsExactSum(keys)).toBe(due);
    e.resetSum([1]);
    expect(e.needsExactSum(keys)).toBe(false); // the count starts again after a resum
  });
});
