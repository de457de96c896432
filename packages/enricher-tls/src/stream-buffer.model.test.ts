import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { MAX_RANGES, StreamBuffer } from './stream-buffer.js';

/**
 * StreamBuffer against a model that keeps one slot per stream offset: writes of pieces of a
 * reference stream at their offsets, in any order, overlapping, past the capacity; the contiguous
 * prefix is the run of written slots from 0, its bytes the reference's, and the overflow flag says
 * whether any write reached the capacity. While fewer than MAX_RANGES holes exist, nothing is
 * refused.
 */
describe('StreamBuffer against a slot-per-offset model', () => {
  it('contiguous prefix, its bytes and the overflow flag after every write', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.record({ offset: fc.nat({ max: 3200 }), length: fc.nat({ max: 700 }) }), {
          maxLength: 30,
        }),
        (capacity, writes) => {
          const reference = Uint8Array.from({ length: 4000 }, (_, i) => (i * 31 + 7) & 0xff);
          const buffer = new StreamBuffer(capacity);
          const written = new Array<boolean>(capacity).fill(false);
          let overflowed = false;
          for (const { offset, length } of writes) {
            buffer.write(offset, reference.subarray(offset, offset + length));
            if (offset + length > capacity) overflowed = true;
            for (let i = offset; i < Math.min(offset + length, capacity); i++) written[i] = true;
            let contiguous = 0;
            while (contiguous < capacity && written[contiguous]) contiguous++;
            expect(buffer.contiguous).toBe(contiguous);
            expect(Array.from(buffer.prefix())).toEqual(Array.from(reference.subarray(0, contiguous)));
            expect(buffer.overflowed).toBe(overflowed);
          }
        },
      ),
      propertyRuns('StreamBuffer vs slots', 300),
    );
  });

  it('the last write of a byte wins', () => {
    const buffer = new StreamBuffer(16);
    buffer.write(0, Uint8Array.from([1, 2, 3, 4]));
    buffer.write(2, Uint8Array.from([9, 9]));
    expect(Array.from(buffer.prefix())).toEqual([1, 2, 9, 9]);
  });

  it('refuses a write that would open a range past MAX_RANGES, and says so; one that touches a range is taken', () => {
    const buffer = new StreamBuffer(10_000);
    for (let i = 0; i < MAX_RANGES; i++) buffer.write(10 + i * 3, Uint8Array.from([i]));
    expect(buffer.overflowed).toBe(false);
    buffer.write(5000, Uint8Array.from([1]));
    expect(buffer.overflowed).toBe(true);
    buffer.write(0, Uint8Array.from(new Array(11).fill(7)));
    expect(buffer.contiguous).toBe(11);
  });

  it('ignores negative and fractional offsets', () => {
    const buffer = new StreamBuffer(16);
    buffer.write(-1, Uint8Array.from([1, 2]));
    buffer.write(0.5, Uint8Array.from([1, 2]));
    expect(buffer.contiguous).toBe(0);
    expect(buffer.overflowed).toBe(false);
  });
});

describe('StreamBuffer bounds (named)', () => {
  const one = (byte: number) => Uint8Array.of(byte);

  it('a write that fills the capacity exactly does not overflow', () => {
    const buffer = new StreamBuffer(16);
    buffer.write(0, new Uint8Array(16).fill(3));
    expect(buffer.overflowed).toBe(false);
    expect(buffer.contiguous).toBe(16);
  });

  it('empty writes open no range', () => {
    const buffer = new StreamBuffer(10_000);
    for (let i = 0; i < MAX_RANGES; i++) buffer.write(10 + i * 3, new Uint8Array(0));
    buffer.write(0, one(1));
    expect(buffer.overflowed).toBe(false);
    expect(buffer.contiguous).toBe(1);
  });

  // MAX_RANGES one-byte ranges at 10, 13, 16, …: a write that only abuts one still joins it.
  it.each([
    { name: 'ending where a range starts', offset: 9 },
    { name: 'starting where a range ends', offset: 11 },
  ])('at MAX_RANGES, a write $name is taken', ({ offset }) => {
    const buffer = new StreamBuffer(10_000);
    for (let i = 0; i < MAX_RANGES; i++) buffer.write(10 + i * 3, one(i));
    buffer.write(offset, one(99));
    expect(buffer.overflowed).toBe(false);
    // Fill [0, 14) around `offset`: the prefix runs through it only if that write was kept.
    buffer.write(0, new Uint8Array(offset).fill(7));
    buffer.write(offset + 1, new Uint8Array(13 - offset).fill(7));
    expect(buffer.contiguous).toBe(14);
    expect(buffer.prefix()[offset]).toBe(99);
  });

  it('at MAX_RANGES, a write before every range and apart from them is refused', () => {
    const buffer = new StreamBuffer(10_000);
    for (let i = 0; i < MAX_RANGES; i++) buffer.write(10 + i * 3, one(i));
    buffer.write(0, one(99));
    expect(buffer.overflowed).toBe(true);
    expect(buffer.contiguous).toBe(0);
  });

  it('a write before the ranges keeps those after it, once each', () => {
    const buffer = new StreamBuffer(10_000);
    // MAX_RANGES - 1 separate one-byte writes, each before all the earlier ones
    for (let i = MAX_RANGES - 1; i >= 1; i--) buffer.write(i * 3, one(i));
    buffer.write(5000, one(1)); // the last range allowed
    expect(buffer.overflowed).toBe(false);
    buffer.write(6000, one(1)); // one too many
    expect(buffer.overflowed).toBe(true);
    // Filling the holes between them (each write touching the range after it) joins them all:
    // no range was lost or doubled on the way.
    for (let i = 0; i < MAX_RANGES - 1; i++) buffer.write(3 * i + 1, Uint8Array.of(0, 0));
    buffer.write(0, one(0));
    expect(buffer.overflowed).toBe(true);
    expect(buffer.contiguous).toBe(3 * (MAX_RANGES - 1) + 1);
    expect(Array.from(buffer.prefix()).filter((_, at) => at % 3 === 0)).toEqual(
      Array.from({ length: MAX_RANGES }, (_, i) => i),
    );
  });
});
