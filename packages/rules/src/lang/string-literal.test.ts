import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeHexBytes } from './string-literal.js';
import { compileError, evaluate } from './test-scheme.js';
import type { StringToken } from './token.js';

/**
 * String, hex-byte and regex literals at their edges: the escapes that are errors and the
 * messages that say why, the octal range, where hex bytes must start and end, and which `\"` of a
 * quoted regex become quotes (those outside a character class) before RE2 sees the pattern. The
 * messages are the ones a rule author reads; RE2's own text quotes the pattern it was given.
 */
const raw = String.raw;

describe('string literal escapes and their errors (named)', () => {
  const cases: Array<[string, string, string]> = [
    [
      'a character below "0" after \\ is an unknown escape, not an octal one',
      raw`test.bytes eq "a\!"`,
      raw`1:17: unknown escape "\!" in a string: the escapes are \" \\ \xHH and \OOO (octal); use r"..." for a raw string`,
    ],
    [
      'a space after \\ is an unknown escape',
      raw`test.bytes eq "\ "`,
      raw`1:16: unknown escape "\ " in a string: the escapes are \" \\ \xHH and \OOO (octal); use r"..." for a raw string`,
    ],
    [
      'a 7 after \\ starts an octal escape (then out of range)',
      raw`test.bytes eq "\777"`,
      raw`1:16: expected three octal digits from \000 to \377 after \, found "777"`,
    ],
    [
      '\\400 is past \\377',
      raw`test.bytes eq "\400"`,
      raw`1:16: expected three octal digits from \000 to \377 after \, found "400"`,
    ],
    [
      '\\377 is in range: the byte 0xFF, which no UTF-8 text holds',
      raw`test.bytes eq "\377"`,
      '1:15: these bytes are not valid UTF-8: glia compares Bytes fields as text, so they could never match (see "Differences from wirefilter")',
    ],
    [
      'hex bytes must start with a hex digit',
      'test.bytes eq x61:62',
      '1:15: test.bytes is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "x61:62"',
    ],
    [
      'hex bytes must end with a hex digit',
      'test.bytes eq 61:62x',
      '1:15: test.bytes is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "61:62x"',
    ],
    [
      'a quote escaped inside a regex class reaches RE2 as \\" (its message quotes it)',
      raw`test.bytes matches "[a\"]("`,
      raw`1:20: invalid regular expression (RE2 syntax): error parsing regexp: missing closing ): ` +
        '`[a\\"](`',
    ],
    [
      'a quote escaped outside a regex class reaches RE2 as a quote',
      raw`test.bytes matches "\"("`,
      '1:20: invalid regular expression (RE2 syntax): error parsing regexp: missing closing ): `"(`',
    ],
  ];
  it.each(cases)('%s', (_name, expression, message) => {
    expect(compileError(expression)).toBe(message);
  });
});

describe('escapes that decode (named)', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['\\303\\277 is ÿ (octal escapes up to \\377 are bytes)', raw`test.bytes eq "\303\277"`, 'ÿ', true],
    ['hex bytes of two bytes', 'test.bytes eq 61:62', 'ab', true],
  ];
  it.each(cases)('%s', (_name, expression, value, expected) => {
    expect(evaluate(expression, { 'test.bytes': value })).toBe(expected);
  });

  it('hex bytes are a whole token: null for text around them', () => {
    expect(decodeHexBytes('', '61:62', 0)).toBe('ab');
    expect(decodeHexBytes('', 'x61:62', 0)).toBeNull();
    expect(decodeHexBytes('', '61:62x', 0)).toBeNull();
    expect(decodeHexBytes('', '61', 0)).toBeNull();
  });

  it('a string without escapes is its text as written, with no round trip through UTF-8', () => {
    const token = (body: string): StringToken => ({
      kind: 'string',
      raw: false,
      regex: false,
      body,
      bodyOffset: 1,
      offset: 0,
      end: body.length + 2,
    });
    expect(decodeBytes('', token('a\uD800b'))).toBe('a\uD800b');
    expect(decodeBytes('', token('plain é'))).toBe('plain é');
  });
});

describe('quotes in regular expressions (named)', () => {
  // \Q...\E makes RE2 take \" literally, so it shows whether \" was turned into a quote.
  const cases: Array<[string, string, string, boolean]> = [
    ['\\" after a class is a quote again', raw`test.bytes matches "^[a]\Q\"\E$"`, 'a"', true],
    [
      '\\" after a class is not a backslash and a quote',
      raw`test.bytes matches "^[a]\Q\"\E$"`,
      raw`a\"`,
      false,
    ],
    ['\\" at the start is a quote', raw`test.bytes matches "^\Q\"\E$"`, '"', true],
    ['a raw regex keeps \\" as written', raw`test.bytes matches r#"^\Q\"\E$"#`, raw`\"`, true],
    ['a raw regex does not turn \\" into a quote', raw`test.bytes matches r#"^\Q\"\E$"#`, '"', false],
  ];
  it.each(cases)('%s', (_name, expression, value, expected) => {
    expect(evaluate(expression, { 'test.bytes': value })).toBe(expected);
  });
});
