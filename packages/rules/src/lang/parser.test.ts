import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from './limits.js';
import { parseExpression } from './parser.js';
import { compileError } from './test-scheme.js';

/** Parse errors where they go wrong, with the text users see (line:column: expected ..., found ...). */
describe('parse errors (named)', () => {
  const cases: Array<[string, string, string]> = [
    [
      'a word left over after a comparison',
      'tcp.dstport == 80 foo',
      '1:19: expected "and", "or", "xor" or end of input after "80", found "foo"',
    ],
    [
      'a second operator after a comparison',
      'tcp.dstport == 80 == 81',
      '1:19: expected a field or function before the operator after "80", found "=="',
    ],
    [
      'a word operator after a comparison',
      'tcp.dstport == 80 eq 81',
      '1:19: expected a field or function before the operator after "80", found "eq"',
    ],
    [
      '"in" after a comparison',
      'tcp.dstport == 80 in {80}',
      '1:19: expected a field or function before the operator after "80", found "in"',
    ],
    [
      'a quantifier left open',
      'any(test.flag',
      '1:14: expected ")" to close any( after "test.flag", found end of input',
    ],
    [
      'a quantifier with two arguments',
      'any(test.flag, test.flag)',
      '1:14: any() takes 1 argument after "test.flag", found ","',
    ],
    [
      '"strict" not followed by "wildcard"',
      'ip.proto strict matches "t"',
      '1:17: expected "wildcard" after "strict", found "matches"',
    ],
    [
      'an operator inside a set',
      'tcp.dstport in {80 ==}',
      '1:20: expected a value or "}" to close the set opened at 1:16 after "80", found "=="',
    ],
    ['an index closed by ")"', 'test.ports[0) == 1', '1:13: expected "]" after "0", found ")"'],
    [
      'a comma where a function argument should be',
      'lower(,) == "a"',
      '1:7: expected a field, a function or a value as argument after "(", found ","',
    ],
    [
      'a word after a string is not reported as following the string',
      'ip.proto == "tcp" foo',
      '1:19: expected "and", "or", "xor" or end of input, found "foo"',
    ],
  ];
  it.each(cases)('%s', (_name, expression, expected) => {
    expect(compileError(expression)).toBe(expected);
  });

  it('a call with no arguments parses, and is refused by the type checker', () => {
    expect(parseExpression('lower() == "a"')).toMatchObject({
      kind: 'compare',
      lhs: { head: { kind: 'call', name: 'lower', args: [] } },
    });
  });
});

describe('nesting depth counts only open levels (named)', () => {
  const many = (part: string): string =>
    Array(MAX_NESTING_DEPTH + 1)
      .fill(part)
      .join(' and ');
  it.each([
    ['closed quantifiers', 'any(test.flag)'],
    ['closed calls with an argument', 'lower(ip.proto) == "a"'],
    ['closed calls with no argument', 'lower() == "a"'],
  ])('%s side by side do not nest', (_name, part) => {
    expect(() => parseExpression(many(part))).not.toThrow();
  });
});

describe('quantifier arguments (named)', () => {
  it.each([
    ['a value on its own', 'any(test.bools)', true],
    ['a value in parentheses', 'any((test.bools))', false],
    ['a logical expression starting with a value', 'any(test.flag and test.flag)', false],
    ['a comparison', 'any(test.ports[*] == 1)', false],
  ])('%s: argIsValue is %s', (_name, expression, argIsValue) => {
    expect(parseExpression(expression)).toMatchObject({ kind: 'quantifier', argIsValue });
  });
});
