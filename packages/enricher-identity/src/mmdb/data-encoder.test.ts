import { describe, expect, it } from 'vitest';
import { ByteSink, encodeValue, type MmdbValue } from './data-encoder.js';

const hex = (value: MmdbValue): string => {
  const out = new ByteSink();
  encodeValue(out, value);
  return Buffer.from(out.view()).toString('hex');
};

// Expected bytes follow the examples and rules of the MaxMind DB spec v2.0 ("Output Data Section").
describe('MMDB data encoding', () => {
  const cases: Array<[string, MmdbValue, string]> = [
    ['empty string', '', '40'],
    ['short string', 'ab', '426162'],
    ['28-byte string fits the control byte', 'x'.repeat(28), '5c' + '78'.repeat(28)],
    ['80-byte string: size 29 + 51 (spec example)', 'x'.repeat(80), '5d33' + '78'.repeat(80)],
    [
      '13 392-byte string: size 285 + 13 107 (spec example)',
      'x'.repeat(13_392),
      '5e3333' + '78'.repeat(13_392),
    ],
    ['UTF-8 counts bytes, not characters', 'é', '42c3a9'],
    ['true: extended type 14 (7 + 7), size 1, no payload', true, '0107'],
    ['false', false, '0007'],
    ['uint16 zero has no payload', { uint16: 0 }, 'a0'],
    ['uint16 2', { uint16: 2 }, 'a102'],
    ['uint32 in minimal bytes', { uint32: 0x0102 }, 'c20102'],
    ['plain non-negative number is a uint32', 4_294_967_295, 'c4ffffffff'],
    ['uint64 is extended type 9', { uint64: 1_700_000_000n }, '04026553f100'],
    ['plain number past 32 bits is a uint64 (six bytes)', 2 ** 40, '0602010000000000'],
    ["negative int32 in two's complement, four bytes", { int32: -1 }, '0401ffffffff'],
    ['int32 positive', { int32: 5 }, '010105'],
    ['double', 1.5, '683ff8000000000000'],
    ['map: size counts pairs', { a: 'b' }, 'e1416141 62'.replace(/ /g, '')],
    ['empty map', {}, 'e0'],
    ['array is extended type 11', ['a', true], '0204416101 07'.replace(/ /g, '')],
  ];
  it.each(cases)('%s', (_name, value, expected) => {
    expect(hex(value)).toBe(expected);
  });

  it('refuses integers that do not fit their type', () => {
    expect(() => hex({ uint16: 65_536 })).toThrow(/16-bit/);
    expect(() => hex({ uint32: -1 })).toThrow(/32-bit/);
    expect(() => hex({ int32: 2 ** 31 })).toThrow(/int32/);
  });
});
