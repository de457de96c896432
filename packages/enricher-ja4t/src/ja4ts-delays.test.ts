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
      name: 'a SYN-ACK stamped before the previous one (out of order): the negative delay is 0',
      times: [s(10), s(5), s(6)],
      rst: undefined,
      expected: '_0-1',
    },
    { name: 'a RST stamped before the last SYN-ACK: R0', times: [s(0), s(3)], rst: s(1), expected: '_3-R0' },
    { name: 'a delay of exactly 0 is 0', times: [s(4), s(4)], rst: s(4), expected: '_0-R0' },
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
