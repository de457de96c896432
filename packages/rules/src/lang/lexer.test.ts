import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer.js';
import { compileError, evaluate } from './test-scheme.js';

/** Lexing at its edges: which characters separate tokens, where words and raw strings end. */
describe('lexing (named)', () => {
  const errors: Array<[string, string, string]> = [
    ['tab, CR and LF separate tokens', 'tcp.dstport\teq\r\n22', 'ok'],
    ['a form feed is no space', 'tcp.dstport\feq 22', '1:12: unexpected character "\f"'],
    ['a word starting with r is a word, not a raw string', 'rx eq 1', '1:1: unknown field rx'],
    [
      'r alone is a word',
      'test.bytes eq r',
      '1:15: test.bytes is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "r"',
    ],
    [
      '256 hashes are one too many',
      `test.bytes eq r${'#'.repeat(256)}"a"${'#'.repeat(256)}`,
      '1:16: a raw string has 256 "#"s; there can\'t be more than 255',
    ],
    [
      'hashes must be followed by a quote',
      'test.bytes eq r#a',
      '1:17: expected " after r# to start a raw string',
    ],
    ['an unknown character without a hint', 'tcp.dstport eq 22 @', '1:19: unexpected character "@"'],
    [
      '$ is a named list, which glia does not have',
      'tcp.dstport eq 22 $',
      '1:19: unexpected character "$"; did you mean a set in braces: named lists ("in $name") are not supported?',
    ],
  ];
  it.each(errors)('%s', (_name, expression, expected) => {
    expect(compileError(expression)).toBe(expected);
  });

  it('an expression over several lines', () => {
    expect(evaluate('tcp.dstport\teq\r\n22', { 'tcp.dstport': 22 })).toBe(true);
  });
});

describe('token ends (named)', () => {
  it('a two-character operator ends two characters after it starts', () => {
    expect(tokenize('a == b')[1]).toEqual({ kind: 'punct', text: '==', offset: 2, end: 4 });
  });
  it('a raw string ends after its closing quote and hashes', () => {
    expect(tokenize('r#"x"# a')[0]).toMatchObject({
      kind: 'string',
      raw: true,
      body: 'x',
      offset: 0,
      end: 6,
    });
  });
});
