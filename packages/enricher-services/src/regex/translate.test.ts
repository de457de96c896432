import { hasTool } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { printable, runPcre2test } from './pcre2test.fixture.js';
import { execPattern, translatePcre } from './translate.js';

/**
 * Constructs the nmap file may not use today, each with subjects that tell PCRE2 from a naive
 * translation; PCRE2 itself (pcre2test) is the oracle.
 */
const CASES: Array<{
  name: string;
  pattern: string;
  caseless?: boolean;
  dotall?: boolean;
  subjects: string[];
}> = [
  { name: 'dot excludes only LF', pattern: '^a.b', subjects: ['a\rb', 'a\nb', 'a\xffb'] },
  { name: 'dotall', pattern: '^a.b', dotall: true, subjects: ['a\nb'] },
  { name: '$ before a final LF', pattern: '^ab$', subjects: ['ab', 'ab\n', 'ab\n\n', 'ab\r\n'] },
  { name: '\\Z and \\z', pattern: '^a\\Z|^b\\z', subjects: ['a\n', 'b\n', 'b'] },
  { name: '\\s is not NBSP', pattern: '^a\\sb', subjects: ['a\xa0b', 'a\x0bb', 'a b'] },
  { name: '\\h and \\v classes', pattern: '^\\h\\v', subjects: ['\xa0\x85', '\t\n', ' \x0b', 'a\n'] },
  { name: '\\R', pattern: '^a\\Rb', subjects: ['a\r\nb', 'a\x85b', 'a\rb'] },
  { name: '] first in a class', pattern: '^[]a]+$', subjects: [']a]', 'b'] },
  { name: '] first in a negated class', pattern: '^[^]a]+$', subjects: ['bc', 'b]'] },
  { name: 'POSIX classes', pattern: '^[[:alpha:]][[:^digit:]][[:punct:]]', subjects: ['ab!', 'a1!', 'abc'] },
  { name: 'caseless folds ASCII only', pattern: '^\\xe9a', caseless: true, subjects: ['\xe9A', '\xc9a'] },
  { name: 'caseless class', pattern: '^[a-c]+x', caseless: true, subjects: ['AbCX', 'dx'] },
  { name: 'inline caseless scope', pattern: '^a(?i:b)c', subjects: ['aBc', 'aBC'] },
  { name: 'inline option rest of group and branches', pattern: '^(a(?i)b|c)', subjects: ['aB', 'C', 'c'] },
  { name: 'extended mode', pattern: '^(?x) a b c # to the end', subjects: ['abc', 'a b c'] },
  { name: 'atomic group', pattern: '^(?>a+)ab|^(a+)(b)', subjects: ['aaab'] },
  { name: 'possessive quantifiers', pattern: '^(\\w++)(\\d)|^(x*+)y', subjects: ['abc1', 'xxy'] },
  { name: 'lazy quantifier captures', pattern: '^(.*?)(\\d+)$', subjects: ['ab123'] },
  { name: 'hex escapes', pattern: '^\\x41\\x{42}\\x4', subjects: ['AB\x04', 'AB4'] },
  { name: 'octal and NUL', pattern: '^\\0\\01\\101\\0012', subjects: ['\0\x01A\x012'] },
  { name: 'control and escape letters', pattern: '^\\cA\\e\\a\\t', subjects: ['\x01\x1b\x07\t'] },
  { name: 'quoted text', pattern: '^\\Qa.b*\\E+', subjects: ['a.b**', 'axbb'] },
  { name: 'comment group', pattern: '^a(?#note)b', subjects: ['ab'] },
  {
    name: 'named group and reference',
    pattern: '^(?<w>\\w)(?P<x>-)\\k<w>(?P=x)',
    subjects: ['a-a-', 'a-b-'],
  },
  { name: 'relative reference', pattern: '^(a)(b)\\g{-1}\\g1', subjects: ['abba', 'abab'] },
  { name: 'lookbehind', pattern: '(?<=a)b(?<!cb)', subjects: ['ab', 'cb'] },
  { name: 'literal braces', pattern: '^a{,2}b{x}c{1}', subjects: ['a{,2}b{x}c'] },
  { name: 'word boundaries', pattern: '\\bfoo\\B', subjects: ['a foox', 'foo '] },
  { name: 'multiline anchors', pattern: '(?m)^b$', subjects: ['a\nb\nc', 'a\nb'] },
];

describe.skipIf(!hasTool('pcre2test'))('translatePcre against PCRE2, construct by construct', () => {
  const answers = runPcre2test(CASES.map((c) => ({ caseless: false, dotall: false, ...c })));
  it.each(CASES.map((c, i) => ({ ...c, i })))('$name', ({ pattern, caseless, dotall, subjects, i }) => {
    const real = answers[i];
    if ('compileError' in real) throw new Error(real.compileError);
    const t = translatePcre(pattern, { caseless, dotall });
    if (!t.ok) throw t.error;
    subjects.forEach((subject, s) => {
      const ours = execPattern(t.pattern, subject);
      const mine = ours === null ? null : ours.map((g) => (g === undefined ? null : printable(g)));
      while (mine !== null && mine.length > 1 && mine[mine.length - 1] === null) mine.pop();
      const answer = real[s];
      expect(mine, JSON.stringify(subject)).toEqual('match' in answer && answer.match ? answer.groups : null);
    });
  });
});

/** Errors at PCRE2's own offsets (pcre2test 10.42); unsupported constructs at their start. */
describe('translatePcre refuses what it cannot keep, with the offset', () => {
  it.each([
    { name: 'recursion', pattern: 'a(?R)?b', unsupported: true, offset: 1 },
    { name: 'conditional', pattern: '(a)?(?(1)b|c)', unsupported: true, offset: 4 },
    { name: '\\K', pattern: 'a\\Kb', unsupported: true, offset: 1 },
    { name: 'branch reset', pattern: '(?|(a)|(b))', unsupported: true, offset: 0 },
    { name: 'reference to a group that may be unset', pattern: '(a)?\\1', unsupported: true, offset: 0 },
    { name: 'reference inside its own group', pattern: '(a\\1)', unsupported: true, offset: 0 },
    { name: 'caseless back reference', pattern: '(a)\\1', caseless: true, unsupported: true, offset: 0 },
    { name: 'unmatched parenthesis', pattern: 'a)', unsupported: false, offset: 1 },
    { name: 'missing ]', pattern: '[ab', unsupported: false, offset: 3 },
    { name: 'class escape in a range', pattern: '[a-\\d]', unsupported: false, offset: 5 },
    { name: 'nothing to repeat', pattern: '*a', unsupported: false, offset: 0 },
    { name: 'reversed range', pattern: '[z-a]', unsupported: false, offset: 3 },
    { name: 'code point too large', pattern: '\\x{100}', unsupported: false, offset: 6 },
    { name: 'unknown escape', pattern: '\\y', unsupported: false, offset: 1 },
    { name: 'missing group name', pattern: '\\k<x>', unsupported: false, offset: 3 },
  ])('$name', ({ pattern, caseless, unsupported, offset }) => {
    const t = translatePcre(pattern, { caseless });
    expect(t.ok).toBe(false);
    if (t.ok) return;
    expect(t.error.unsupported).toBe(unsupported);
    expect(t.error.offset).toBe(offset);
  });
});
