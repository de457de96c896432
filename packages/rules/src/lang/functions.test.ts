import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from './ast.js';
import { compileError } from './test-scheme.js';

describe('functions (named)', () => {
  it('are the ones the README documents', () => {
    expect([...FUNCTIONS].sort()).toEqual([
      'all',
      'any',
      'ends_with',
      'len',
      'lower',
      'starts_with',
      'upper',
    ]);
  });
  it.each([
    ['starts_with of an Int', 'starts_with(tcp.dstport, "a")', '1:1: starts_with() takes Bytes, found Int'],
    ['ends_with of an Int', 'ends_with(tcp.dstport, "a")', '1:1: ends_with() takes Bytes, found Int'],
    [
      'a keyed index inside a call argument is named with its key',
      'len(test.headers["a"]) == "x"',
      '1:27: len(test.headers["a"]) is Int: expected an integer without quotes, found a string "x"',
    ],
    [
      'a value after [*] is named with [*]',
      'dns.fqdns[*][0] == "a"',
      '1:14: dns.fqdns[*] is Bytes: only Map and Array values can be indexed',
    ],
  ])('%s', (_name, expression, expected) => {
    expect(compileError(expression)).toBe(expected);
  });
});
