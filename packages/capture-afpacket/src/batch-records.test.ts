import { describe, expect, it } from 'vitest';
import { readBatch, writeRecord } from './batch-records.js';

describe('batch records', () => {
  const frames = [
    Uint8Array.from([1, 2, 3]),
    new Uint8Array(0),
    Uint8Array.from([9, 8, 7, 6, 5]),
    new Uint8Array(64).fill(7),
  ];

  it('reads back what the binding writes, padding and all', () => {
    const buffer = new ArrayBuffer(1024);
    const bytes = new Uint8Array(buffer);
    let at = 0;
    frames.forEach(
      (f, i) => (at = writeRecord(bytes, at, f, 1_700_000_000 + i, 999_999_999 - i, f.length + 10)),
    );
    const seen: Array<[number[], number, number, number]> = [];
    const n = readBatch(
      bytes,
      new Uint32Array(buffer),
      frames.length,
      at,
      (b, offset, caplen, wire, sec, nsec) => {
        seen.push([[...b.subarray(offset, offset + caplen)], wire, sec, nsec]);
      },
    );
    expect(n).toBe(frames.length);
    expect(seen).toEqual(frames.map((f, i) => [[...f], f.length + 10, 1_700_000_000 + i, 999_999_999 - i]));
  });

  it('stops at a record that runs past the bytes used (a corrupt batch), never past the buffer', () => {
    const buffer = new ArrayBuffer(256);
    const bytes = new Uint8Array(buffer);
    const end = writeRecord(bytes, 0, frames[0], 1, 2);
    const words = new Uint32Array(buffer);
    words[(end >>> 2) + 2] = 100_000; // second record claims 100 000 bytes
    let calls = 0;
    expect(readBatch(bytes, words, 2, end + 32, () => calls++)).toBe(1);
    expect(calls).toBe(1);
    expect(readBatch(bytes, words, 3, end, () => undefined)).toBe(1);
  });
});
