import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { NameWalker } from './name-walk.js';
import { canonicalName } from './response-parser.js';

/**
 * NameWalker's dot flag and end offset against a model of the name as a list of labels: a name is
 * ambiguous ("dotted") when any byte of any label is '.', wherever in the label it is; the walk of
 * a name written in full ends after its root byte, and one that ends in a pointer to an earlier
 * copy of its tail ends after the pointer.
 */
const DOT = 0x2e;
const encode = (labels: number[][]): number[] => [...labels.flatMap((l) => [l.length, ...l]), 0];

describe('NameWalker dot flag (named)', () => {
  const bytes = (...labels: string[]): Uint8Array =>
    Uint8Array.from([
      ...new Array<number>(12).fill(0),
      ...encode(labels.map((l) => [...Buffer.from(l, 'latin1')])),
    ]);
  const cases: Array<[string, Uint8Array, boolean]> = [
    ['a label ending in a dot is flagged', bytes('evil.', 'com'), true],
    ['a label starting with a dot is flagged', bytes('.evil', 'com'), true],
    ['a label that is only a dot is flagged', bytes('.', 'com'), true],
    ['a dot as the last byte of the last label is flagged', bytes('www', 'com.'), true],
    ['a one-byte label without a dot is not', bytes('a', 'b'), false],
    ['no dots, no flag', bytes('www', 'example', 'com'), false],
  ];
  it.each(cases)('%s', (_name, buf, dotted) => {
    const walker = new NameWalker();
    expect(walker.walk(buf, 12, buf.length)).toBeNull();
    expect(walker.dotted).toBe(dotted);
    expect(walker.end).toBe(buf.length);
  });
});

const labelByte = fc.oneof(
  fc.constant(DOT),
  fc.integer({ min: 0x61, max: 0x7a }),
  fc.integer({ min: 0, max: 255 }),
);
const labels = fc.array(fc.array(labelByte, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 });

describe('NameWalker properties', () => {
  it('the dot flag is "some byte of some label is a dot", for names in full', () => {
    fc.assert(
      fc.property(labels, fc.nat({ max: 40 }), (ls, lead) => {
        const buf = Uint8Array.from([...new Array<number>(lead).fill(7), ...encode(ls)]);
        const walker = new NameWalker();
        expect(walker.walk(buf, lead, buf.length)).toBeNull();
        expect(walker.dotted).toBe(ls.some((l) => l.includes(DOT)));
        expect(walker.end).toBe(buf.length);
      }),
      propertyRuns('NameWalker dot flag', 400),
    );
  });

  it('a name whose tail is a pointer to an earlier name is flagged by the labels of both parts', () => {
    fc.assert(
      fc.property(labels, labels, (head, tail) => {
        const earlier = encode(tail);
        const start = 12 + earlier.length;
        const name = [...head.flatMap((l) => [l.length, ...l]), 0xc0, 12];
        const buf = Uint8Array.from([...new Array<number>(12).fill(0), ...earlier, ...name]);
        const walker = new NameWalker();
        expect(walker.walk(buf, start, buf.length)).toBeNull();
        expect(walker.dotted).toBe([...head, ...tail].some((l) => l.includes(DOT)));
        expect(walker.end).toBe(buf.length);
      }),
      propertyRuns('NameWalker dot flag through a pointer', 400),
    );
  });
});

describe('canonicalName (named)', () => {
  const cases: Array<[string, string, string]> = [
    ['upper case folded', 'WWW.Example.COM', 'www.example.com'],
    ['the trailing dot of a fully qualified name dropped', 'example.com.', 'example.com'],
    ['only the trailing dot dropped', '.example.com', '.example.com'],
    ['the root is empty', '.', ''],
    ['the letters A and Z are the bounds', 'AZ', 'az'],
    ['a lone capital A is folded', 'xA', 'xa'],
    ['a lone capital Z is folded', 'xZ', 'xz'],
    ['@ and [ next to them stay', '@[`{', '@[`{'],
    ['upper case after other characters', 'a-B_c.D', 'a-b_c.d'],
    ['several runs of capitals', 'ABcDEfG', 'abcdefg'],
    ['non-ASCII letters are not folded (RFC 4343)', 'K\u212a', 'k\u212a'],
  ];
  it.each(cases)('%s', (_name, text, want) => expect(canonicalName(text)).toBe(want));
});
