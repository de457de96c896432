import { propertyRuns } from '@glia/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from './test-scheme.js';
import { parseWildcard, wildcardMatcher } from './wildcard.js';

/**
 * Wildcard matching against a model that shares nothing with the matcher: the pattern as a list
 * of tokens (a star, or one literal character) matched by plain backtracking, character by
 * character, with ASCII letters folded when the match is caseless.
 */
type PatternToken = { star: true } | { star: false; c: string };

const fold = (c: string): string => (c >= 'A' && c <= 'Z' ? c.toLowerCase() : c);

function modelMatch(tokens: readonly PatternToken[], value: string, caseSensitive: boolean): boolean {
  const same = (a: string, b: string): boolean => (caseSensitive ? a === b : fold(a) === fold(b));
  const at = (i: number, j: number): boolean => {
    if (i === tokens.length) return j === value.length;
    const t = tokens[i];
    if (t.star) {
      for (let k = j; k <= value.length; k++) if (at(i + 1, k)) return true;
      return false;
    }
    return j < value.length && same(value[j], t.c) && at(i + 1, j + 1);
  };
  return at(0, 0);
}

/** The pattern text of the tokens: `*` for a star, `\*` and `\\` for a literal star and backslash. */
const patternText = (tokens: readonly PatternToken[]): string =>
  tokens.map((t) => (t.star ? '*' : t.c === '*' || t.c === '\\' ? `\\${t.c}` : t.c)).join('');

describe('wildcard matching (named)', () => {
  const cases: Array<[string, string, string, boolean, boolean]> = [
    // [name, pattern, value, case-sensitive, matches]
    ['a pattern without a star is the whole value: "ab" is not "abab"', 'ab', 'abab', true, false],
    ['caseless, a pattern without a star is the whole value: "ab" is not "ABAB"', 'ab', 'ABAB', false, false],
    ['a pattern without a star matches itself', 'ab', 'ab', true, true],
    ['caseless, a pattern without a star matches any case of itself', 'aB', 'Ab', false, true],
    ['"aba" is not "ababa" (the pattern is not a head and a tail)', 'aba', 'ababa', true, false],
    ['head and tail do not overlap: "ab*ba" is not "aba"', 'ab*ba', 'aba', true, false],
    ['head and tail meet: "ab*ba" is "abba"', 'ab*ba', 'abba', true, true],
    ['a middle segment does not run into the tail: "*b*bc" is not "xbc"', '*b*bc', 'xbc', true, false],
    ['a middle segment before the tail: "*b*bc" is "bbc"', '*b*bc', 'bbc', true, true],
    ['middle segments do not overlap: "*ab*ba*" is not "abax"', '*ab*ba*', 'abax', true, false],
    ['middle segments one after the other: "*ab*ba*" is "abbax"', '*ab*ba*', 'abbax', true, true],
    ['a later occurrence of a middle segment is found', '*a*bc*d', 'xabxbcd', true, true],
    ['a star alone matches the empty value', '*', '', true, true],
    ['stars around nothing: "a*" is "a"', 'a*', 'a', true, true],
  ];
  it.each(cases)('%s', (_name, pattern, value, caseSensitive, expected) => {
    const segments = parseWildcard(pattern);
    if (typeof segments === 'string') throw new Error(segments);
    expect(wildcardMatcher(segments, caseSensitive)(value)).toBe(expected);
    const op = caseSensitive ? 'strict wildcard' : 'wildcard';
    expect(evaluate(`test.bytes ${op} "${pattern}"`, { 'test.bytes': value })).toBe(expected);
  });
});

const literal = fc.constantFrom('a', 'b', 'A', 'B', '*', '\\', 'é');
const tokens = fc
  .array(
    fc.oneof(
      fc.constant<PatternToken>({ star: true }),
      literal.map((c): PatternToken => ({ star: false, c })),
    ),
    {
      maxLength: 8,
    },
  )
  // A double star is an error (below), not a pattern.
  .filter((ts) => ts.every((t, i) => !(t.star && ts[i + 1]?.star === true)));
const value = fc
  .array(fc.constantFrom('a', 'b', 'A', 'B', '*', '\\', 'é', 'É'), { maxLength: 10 })
  .map((cs) => cs.join(''));

describe('wildcard properties', () => {
  it('the matcher agrees with backtracking over the pattern, case-sensitive and caseless', () => {
    fc.assert(
      fc.property(
        tokens,
        fc.array(value, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (ts, values, caseSensitive) => {
          const segments = parseWildcard(patternText(ts));
          expect(Array.isArray(segments)).toBe(true);
          const match = wildcardMatcher(segments as string[], caseSensitive);
          // Values built from the pattern's own literals as well, so that matches are common.
          const own = ts.map((t) => (t.star ? 'b' : t.c)).join('');
          for (const v of [...values, own, own.toUpperCase()])
            expect(match(v)).toBe(modelMatch(ts, v, caseSensitive));
        },
      ),
      propertyRuns('wildcard against backtracking', 500),
    );
  });

  it('a double star anywhere is an error', () => {
    fc.assert(
      fc.property(tokens, tokens, (a, b) => {
        expect(parseWildcard(`${patternText(a)}**${patternText(b)}`)).toBe('wildcard contains a double star');
      }),
      propertyRuns('wildcard double star', 200),
    );
  });
});
