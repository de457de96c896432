import { describe, expect, it } from 'vitest';
import { parseIntLiteral, parseIntRange } from './int-literal.js';

/** Integer literals and ranges at their edges; values worked out by hand from wirefilter's rules. */
describe('parseIntLiteral (named)', () => {
  const cases: Array<[string, string, { value: number } | { error: string }]> = [
    ['0 alone is zero, not octal', '0', { value: 0 }],
    ['00 is octal zero', '00', { value: 0 }],
    ['07 is octal 7', '07', { value: 7 }],
    ['0777 is 511', '0777', { value: 511 }],
    ['0x0 is zero', '0x0', { value: 0 }],
    ['0xff is 255', '0xff', { value: 255 }],
    ['0x1F is 31', '0x1F', { value: 31 }],
    ['2^53 - 1 is the largest', '9007199254740991', { value: 9007199254740991 }],
    ['-(2^53 - 1) is the smallest', '-9007199254740991', { value: -9007199254740991 }],
    [
      '-2^53 is out of range',
      '-9007199254740992',
      { error: "integer -9007199254740992 is out of range: glia's integers are at most 2^53 - 1 in size" },
    ],
    ['a minus sign alone is no integer', '-', { error: '"-" is not an integer' }],
    ['a hex number cannot be negative', '-0x1', { error: '"-0x1" is not an integer' }],
    ['two minus signs', '--1', { error: '"--1" is not an integer' }],
    ['0xg is no hex', '0xg', { error: '"0xg" is not a hexadecimal integer' }],
    ['a bad hex digit first is no hex', '0xg1', { error: '"0xg1" is not a hexadecimal integer' }],
    ['a bad hex digit last is no hex', '0x1g', { error: '"0x1g" is not a hexadecimal integer' }],
    [
      'an 8 after octal digits is no octal',
      '078',
      {
        error:
          '"078" is not an octal integer: a leading 0 makes an integer octal (0123 is 83), as in wirefilter',
      },
    ],
    [
      '0X is no hex prefix (then no octal either)',
      '0X1',
      {
        error:
          '"0X1" is not an octal integer: a leading 0 makes an integer octal (0123 is 83), as in wirefilter',
      },
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(parseIntLiteral(text)).toEqual(expected);
  });
});

describe('parseIntRange (named)', () => {
  const cases: Array<[string, string, { lo: number; hi: number } | { error: string; at: number }]> = [
    ['a single integer is a range of one', '7', { lo: 7, hi: 7 }],
    ['equal ends are a range of one', '5..5', { lo: 5, hi: 5 }],
    ['octal and hex ends', '010..0x10', { lo: 8, hi: 16 }],
    ['negative ends', '-3..-1', { lo: -3, hi: -1 }],
    ['a bad single integer is located at its start', 'x', { error: '"x" is not an integer', at: 0 }],
    ['a bad start is located at the start', 'x..5', { error: '"x" is not an integer', at: 0 }],
    ['a bad end is located after the dots', '5..x', { error: '"x" is not an integer', at: 3 }],
    ['a missing end', '12..', { error: '"" is not an integer', at: 4 }],
    ['a missing start', '..1', { error: '"" is not an integer', at: 0 }],
    ['a third dot belongs to the end', '1...2', { error: '".2" is not an integer', at: 3 }],
    [
      'a decreasing range is empty',
      '6..5',
      { error: 'range 6..5 is empty: its start is greater than its end', at: 0 },
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(parseIntRange(text)).toEqual(expected);
  });
});
