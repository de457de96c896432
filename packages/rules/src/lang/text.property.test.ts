import { propertyRuns } from '@glia/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiLower, asciiUpper, byteString, compareUtf8 } from './text.js';

/**
 * Bytes semantics over text against direct models: the order of the UTF-8 encodings (TextEncoder,
 * compared byte by byte), ASCII-only case mapping character by character, and the byte string as
 * one character per encoded byte. Characters are drawn around the places where UTF-16 and UTF-8
 * orders part: ASCII, the surrogate range, U+E000..U+FFFF and astral code points.
 */
const ENCODER = new TextEncoder();

function utf8Order(a: string, b: string): number {
  const x = ENCODER.encode(a);
  const y = ENCODER.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign(x[i] - y[i]);
  return Math.sign(x.length - y.length);
}

const char = fc.oneof(
  fc.constantFrom('a', 'b', 'A', 'Z', 'z', '@', '[', '`', '{', 'é', 'É', '\u007f', '\u0080'),
  fc.integer({ min: 0xd7f0, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xe000, max: 0xe00f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xfff0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
const text = fc.array(char, { maxLength: 5 }).map((cs) => cs.join(''));

describe('text against direct models', () => {
  it('compareUtf8 orders as the UTF-8 bytes do', () => {
    fc.assert(
      fc.property(text, text, text, (prefix, a, b) => {
        expect(Math.sign(compareUtf8(prefix + a, prefix + b))).toBe(utf8Order(prefix + a, prefix + b));
        expect(Math.sign(compareUtf8(a, a))).toBe(0);
      }),
      propertyRuns('compareUtf8 against UTF-8 bytes', 1000),
    );
  });

  it('asciiLower and asciiUpper change A-Z / a-z only', () => {
    const lower = (s: string): string =>
      Array.from(s, (c) => (c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : c)).join('');
    const upper = (s: string): string =>
      Array.from(s, (c) => (c >= 'a' && c <= 'z' ? String.fromCharCode(c.charCodeAt(0) - 32) : c)).join('');
    fc.assert(
      fc.property(text, (s) => {
        expect(asciiLower(s)).toBe(lower(s));
        expect(asciiUpper(s)).toBe(upper(s));
      }),
      propertyRuns('ASCII case mapping', 500),
    );
  });

  it('byteString is one character per UTF-8 byte', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(byteString(s)).toBe(Array.from(ENCODER.encode(s), (b) => String.fromCharCode(b)).join(''));
      }),
      propertyRuns('byteString', 500),
    );
  });
});

describe('text edges (named)', () => {
  const order: Array<[string, string, string, number]> = [
    ['U+D7FF is before U+E000 (both three bytes)', '\ud7ff', '\ue000', -1],
    ['U+E000 is before an astral character (UTF-16 says after)', '\ue000', '\u{10000}', -1],
    ['U+FFFF is before an astral character', '\uffff', '\u{10000}', -1],
    ['an astral character is after U+E000', '\u{10000}', '\ue000', 1],
    ['U+D7FF is before an astral character, as in UTF-16', '\ud7ff', '\u{10000}', -1],
    ['a shorter string is before its extensions', 'ab', 'abc', -1],
    ['é (C3 A9) is after z', 'é', 'z', 1],
    ['U+F000 is after U+E000, as in UTF-16', '\uf000', '\ue000', 1],
    ['a lone low surrogate U+DFFF (encoded as U+FFFD) is after U+E000', '\udfff', '\ue000', 1],
    ['U+E000 is before a lone low surrogate U+DFFF (encoded as U+FFFD)', '\ue000', '\udfff', -1],
  ];
  it.each(order)('%s', (_name, a, b, sign) => {
    expect(Math.sign(compareUtf8(a, b))).toBe(sign);
  });

  it.each([
    ['lower of letters mixed with non-ASCII', 'ÀBÇd', 'ÀbÇd'],
    ['lower of only non-ASCII is the same string', 'ÉÀ', 'ÉÀ'],
    ['lower of @[`{ (around the letters) leaves them', '@[`{', '@[`{'],
    ['lower of a letter before non-ASCII leaves the non-ASCII', 'AÉ', 'aÉ'],
  ])('%s', (_name, s, expected) => {
    expect(asciiLower(s)).toBe(expected);
  });
});
