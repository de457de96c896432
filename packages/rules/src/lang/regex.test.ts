import { describe, expect, it } from 'vitest';
import { compileError, evaluate } from './test-scheme.js';

/**
 * Where a regular expression's translation for RE2 decides something: which escapes name a
 * non-ASCII byte (so that case-insensitive matching must be refused: RE2 would fold Latin-1 letters,
 * wirefilter folds ASCII only), which flag groups turn case-insensitivity on, and where a character
 * class ends (a `]` first in the class, after `[` or `[^`, is a literal; `[:alpha:]` is a POSIX
 * class inside one), since a non-ASCII character inside a class is an error and outside one is
 * its bytes.
 */
const raw = String.raw;
const CASELESS =
  '1:20: case-insensitive matching with non-ASCII bytes is not available: wirefilter folds ASCII letters only, RE2 would fold Latin-1 bytes too';
const IN_CLASS =
  '1:20: "é" inside a character class: wirefilter classes hold bytes; write the character\'s bytes outside a class, e.g. (?:\\xC3\\xA9)';

describe('regex translation: errors and what compiles (named)', () => {
  const cases: Array<[string, string, string]> = [
    [
      '\\P is a Unicode class too',
      raw`test.bytes matches "\PL"`,
      '1:20: \\P (a Unicode class) is not available: wirefilter matches bytes with Unicode off',
    ],
    [
      'a trailing backslash is left to RE2',
      raw`test.bytes matches r"a\"`,
      '1:20: invalid regular expression (RE2 syntax): error parsing regexp: trailing backslash at end of expression',
    ],
    ['(?i) with \\xC3 (a byte above \\x7F)', raw`test.bytes matches "(?i)\xC3"`, CASELESS],
    ['(?i) with \\x80, the first byte above ASCII', raw`test.bytes matches "(?i)a\x80"`, CASELESS],
    ['(?i) with \\x7F, the last ASCII byte, compiles', raw`test.bytes matches "(?i)\x7F"`, 'ok'],
    ['(?i) with \\x{e9} (braced)', raw`test.bytes matches "(?i)\x{e9}"`, CASELESS],
    ['(?i) with \\x{7f} (braced, ASCII) compiles', raw`test.bytes matches "(?i)\x{7f}"`, 'ok'],
    [
      '(?i) with \\x{ff}, the last byte, is refused for folding, not for size',
      raw`test.bytes matches "(?i)\x{ff}"`,
      CASELESS,
    ],
    ['\\x{ff} compiles', raw`test.bytes matches "\x{ff}"`, 'ok'],
    ['(?i) with octal \\303', raw`test.bytes matches "(?i)\303"`, CASELESS],
    ['(?i) with octal \\200, the first above ASCII', raw`test.bytes matches "(?i)\200"`, CASELESS],
    ['(?i) with octal \\177 compiles', raw`test.bytes matches "(?i)\177"`, 'ok'],
    ['(?im) turns folding on', raw`test.bytes matches "(?im)é"`, CASELESS],
    ['(?mi) turns folding on', raw`test.bytes matches "(?mi:é)"`, CASELESS],
    ['(?i) after other groups still counts', raw`test.bytes matches "(?P<n>a)(?i)é"`, CASELESS],
    ['(?-i) turns folding off: é is fine', raw`test.bytes matches "(?-i)é"`, 'ok'],
    ['(?m-i) turns folding off', raw`test.bytes matches "(?m-i)é"`, 'ok'],
    ['(?s) is not folding', raw`test.bytes matches "(?s)é"`, 'ok'],
    ['(?:i) is a group holding the letter i', raw`test.bytes matches "(?:i)é"`, 'ok'],
    ['(i) is a group holding the letter i', raw`test.bytes matches "(i)é"`, 'ok'],
    ['(ii) is a group holding two letters i (flags follow "(?" only)', raw`test.bytes matches "(ii)é"`, 'ok'],
    ['é inside a class after a POSIX class', raw`test.bytes matches "[[:alpha:]é]"`, IN_CLASS],
    [
      'a ] first in a class is a literal: é after it is still inside',
      raw`test.bytes matches "[]é]"`,
      IN_CLASS,
    ],
    ['a ] first in a negated class is a literal', raw`test.bytes matches "[^]é]"`, IN_CLASS],
    ['é after a class is outside it', raw`test.bytes matches "[a]é"`, 'ok'],
    [
      '[:x] without a closing colon is no POSIX class: the class ends at its ]',
      raw`test.bytes matches "[[:x]é]"`,
      'ok',
    ],
    ['(?i) with \\x{e9} before more pattern', raw`test.bytes matches "(?i)\x{e9}a"`, CASELESS],
    ['(?i) with \\x{e9} after a {2} repetition', raw`test.bytes matches "(?i)a{2}\x{e9}"`, CASELESS],
    [
      '\\x{0xe9} is not hex digits: left to RE2, not taken for a byte',
      raw`test.bytes matches "(?i)\x{0xe9}"`,
      '1:20: invalid regular expression (RE2 syntax): error parsing regexp: invalid escape sequence: `\\x{0x`',
    ],
    [
      '\\x{e9z} is not hex digits: left to RE2, not taken for a byte',
      raw`test.bytes matches "(?i)\x{e9z}"`,
      '1:20: invalid regular expression (RE2 syntax): error parsing regexp: invalid escape sequence: `\\x{e9z`',
    ],
    ['(?i) with U+0080, the first non-ASCII character', 'test.bytes matches "(?i)\u0080"', CASELESS],
    [
      'U+0080, the first non-ASCII character, inside a class',
      'test.bytes matches "[\u0080]"',
      '1:20: "\u0080" inside a character class: wirefilter classes hold bytes; write the character\'s bytes outside a class, e.g. (?:\\xC2\\x80)',
    ],
    [
      'a colon before ] does not keep a class open: é after [a:] is outside',
      raw`test.bytes matches "[a:]é"`,
      'ok',
    ],
    [
      '[ inside a class without a colon is a literal: é after [[a:] is outside',
      raw`test.bytes matches "[[a:]é"`,
      'ok',
    ],
    ['é after two letters of a class is still inside it', raw`test.bytes matches "[abé]"`, IN_CLASS],
    ['a?i is no flag group: é is fine', raw`test.bytes matches "a?ié"`, 'ok'],
  ];
  it.each(cases)('%s', (_name, expression, message) => {
    expect(compileError(expression)).toBe(message);
  });
});

describe('regex translation: what matches (named)', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['[[:alpha:]]+ is ASCII letters', raw`test.bytes matches "^[[:alpha:]]+$"`, 'abZ', true],
    ['[[:alpha:]] is not a digit', raw`test.bytes matches "^[[:alpha:]]$"`, '1', false],
    ['[]a] holds ] and a', raw`test.bytes matches "^[]a]+$"`, ']a]', true],
    ['[^]a] is neither ] nor a', raw`test.bytes matches "^[^]a]$"`, ']', false],
    ['[^]a] holds b', raw`test.bytes matches "^[^]a]$"`, 'b', true],
    ['[[:x]é] is one of [ : x, then é, then ]', raw`test.bytes matches "^[[:x]é]$"`, 'xé]', true],
    ['\\x{e9} is the byte E9, not é', raw`test.bytes matches "^\x{e9}$"`, 'é', false],
    ['\\xC3\\xA9 is é', raw`test.bytes matches "^\xC3\xA9$"`, 'é', true],
    [
      'é written outside a class is its two bytes, repeated as one',
      raw`test.bytes matches "^[a]é+$"`,
      'aéé',
      true,
    ],
  ];
  it.each(cases)('%s', (_name, expression, value, expected) => {
    expect(evaluate(expression, { 'test.bytes': value })).toBe(expected);
  });
});

describe('regex translation: octal escapes from \\7 (named)', () => {
  // \7 followed by two octal digits is a code point from 0o700 (448): above a byte, refused as
  // \x{..} above \xFF is (values are matched byte by byte, so it could never match).
  const ABOVE = (octal: string): string =>
    `1:20: \\${octal} is above \\xFF: wirefilter matches bytes, write the UTF-8 bytes`;
  it.each([
    ['\\701', raw`test.bytes matches "\701"`, ABOVE('701')],
    ['\\400, the first above \\377', raw`test.bytes matches "\400"`, ABOVE('400')],
    ['\\377, the last byte', raw`test.bytes matches "\377"`, 'ok'],
  ])('%s', (_name, expression, message) => {
    expect(compileError(expression)).toBe(message);
  });
  it('(?i) with octal \\701 does not compile', () => {
    expect(compileError(raw`test.bytes matches "(?i)\701"`)).not.toBe('ok');
  });
  it('\\303\\251 are the bytes C3 A9: é', () => {
    expect(evaluate(raw`test.bytes matches "^\303\251$"`, { 'test.bytes': 'é' })).toBe(true);
  });
});
