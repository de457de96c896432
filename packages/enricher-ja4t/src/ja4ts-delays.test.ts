import { describe, expect, it } from 'vitest';
import { ja4tsDelaySuffix } from './ja4ts-delays.js';

const s = (seconds: number) => BigInt(Math.round(seconds * 1e9));

describe('ja4tsDelaySuffix', () => {
  it.each([
    { name: 'no SYN-ACK', times: [], rst: undefined, expected: '' },
    { name: 'one SYN-ACK: no suffix', times: [s(5)], rst: undefined, expected: '' },
    { name: 'one SYN-ACK then RST: still no suffix', times: [s(5)], rst: s(9), expected: '' },
    {
      name: 'exponential backoff',
      times: [s(0), s(1), s(3), s(7), s(15)],
      rst: undefined,
      expected: '_1-2-4-8',
    },
    { name: 'rounded to whole seconds', times: [s(0), s(1.4), s(3.0)], rst: undefined, expected: '_1-2' },
    { name: 'half rounds up', times: [s(0), s(0.5)], rst: undefined, expected: '_1' },
    { name: 'retransmits then RST', times: [s(0), s(1), s(3)], rst: s(9), expected: '_1-2-R6' },
    {
      name: 'at most 10 SYN-ACK times',
      times: Array.from({ length: 14 }, (_, i) => s(i)),
      rst: undefined,
      expected: '_1-1-1-1-1-1-1-1-1',
    },
  ])('$name', ({ times, rst, expected }) => {
    expect(ja4tsDelaySuffix(times, rst)).toBe(expected);
  });
});
