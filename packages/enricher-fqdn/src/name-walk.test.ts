import { describe, expect, it } from 'vitest';
import { MAX_POINTER_HOPS, NameWalker, type MalformedReason } from './name-walk.js';

const label = (text: string): number[] => [text.length, ...Buffer.from(text, 'latin1')];
const ptr = (offset: number): number[] => [0xc0 | (offset >> 8), offset & 0xff];
/** Twelve filler bytes, like a DNS header, so that offsets look like real ones. */
const HEADER = new Array<number>(12).fill(0);

/** A chain of `hops` pointers each pointing at the one before, ending at "a." at offset 12. */
function pointerChain(hops: number): { bytes: number[]; start: number } {
  const bytes = [...HEADER, ...label('a'), 0];
  let previous = 12;
  for (let i = 0; i < hops; i++) {
    const at = bytes.length;
    bytes.push(...ptr(previous));
    previous = at;
  }
  return { bytes, start: previous };
}

interface Case {
  name: string;
  bytes: number[];
  offset: number;
  limit?: number;
  want: MalformedReason | null;
  end?: number;
  dotted?: boolean;
}

const deepOk = pointerChain(MAX_POINTER_HOPS);
const tooDeep = pointerChain(MAX_POINTER_HOPS + 1);

const cases: Case[] = [
  {
    name: 'plain name',
    bytes: [...HEADER, ...label('www'), ...label('example'), ...label('com'), 0],
    offset: 12,
    want: null,
    end: 29,
  },
  { name: 'root', bytes: [...HEADER, 0], offset: 12, want: null, end: 13 },
  {
    name: 'label then pointer back',
    bytes: [...HEADER, ...label('example'), ...label('com'), 0, ...label('www'), ...ptr(12)],
    offset: 25,
    want: null,
    end: 31,
  },
  { name: 'pointer to itself is a loop', bytes: [...HEADER, ...ptr(12)], offset: 12, want: 'pointer_loop' },
  {
    name: 'pointer into its own labels is a loop',
    bytes: [...HEADER, ...label('abc'), ...ptr(12)],
    offset: 12,
    want: 'pointer_loop',
  },
  {
    name: 'two names pointing at each other is a loop',
    // at 12: "x" then pointer to 18; at 18: "y" then pointer to 12
    bytes: [...HEADER, ...label('x'), ...ptr(18), 0, 0, ...label('y'), ...ptr(12)],
    offset: 18,
    want: 'pointer_loop',
  },
  {
    name: 'forward pointer to unvisited data',
    bytes: [...HEADER, ...ptr(14), ...label('a'), 0],
    offset: 12,
    want: 'forward_pointer',
  },
  {
    name: 'a pointer forward of its own segment but before the name is forward, not a loop',
    // at 12: pointer to 14; at 14: "a" and root; at 17 the name: pointer to 12
    bytes: [...HEADER, ...ptr(14), ...label('a'), 0, ...ptr(12)],
    offset: 17,
    want: 'forward_pointer',
  },
  {
    name: `chain of ${MAX_POINTER_HOPS} pointers is allowed`,
    bytes: deepOk.bytes,
    offset: deepOk.start,
    want: null,
    end: deepOk.start + 2,
  },
  {
    name: `chain of ${MAX_POINTER_HOPS + 1} pointers is too deep`,
    bytes: tooDeep.bytes,
    offset: tooDeep.start,
    want: 'pointer_chain_too_deep',
  },
  {
    name: 'name of 255 wire bytes is allowed',
    bytes: [
      ...HEADER,
      ...label('a'.repeat(63)),
      ...label('b'.repeat(63)),
      ...label('c'.repeat(63)),
      ...label('d'.repeat(61)),
      0,
    ],
    offset: 12,
    want: null,
    end: 12 + 255,
  },
  {
    name: 'name of 256 wire bytes is too long',
    bytes: [
      ...HEADER,
      ...label('a'.repeat(63)),
      ...label('b'.repeat(63)),
      ...label('c'.repeat(63)),
      ...label('d'.repeat(62)),
      0,
    ],
    offset: 12,
    want: 'name_too_long',
  },
  {
    name: 'name too long through a pointer',
    bytes: [
      ...HEADER,
      ...label('a'.repeat(63)),
      ...label('b'.repeat(63)),
      0,
      ...label('c'.repeat(63)),
      ...label('d'.repeat(63)),
      ...ptr(12),
    ],
    offset: 141,
    want: 'name_too_long',
  },
  {
    name: 'a long name whose last label runs one byte past the limit is truncated, not too long',
    bytes: [
      ...HEADER,
      ...label('a'.repeat(63)),
      ...label('b'.repeat(63)),
      ...label('c'.repeat(63)),
      ...label('d'.repeat(63)),
      0,
    ],
    offset: 12,
    limit: 12 + 4 * 64 - 1,
    want: 'truncated',
  },
  {
    name: 'a long name whose last label ends right at the limit is too long (the wire length is known)',
    bytes: [
      ...HEADER,
      ...label('a'.repeat(63)),
      ...label('b'.repeat(63)),
      ...label('c'.repeat(63)),
      ...label('d'.repeat(63)),
      0,
    ],
    offset: 12,
    limit: 12 + 4 * 64,
    want: 'name_too_long',
  },
  {
    name: 'a label of length 46 (the code of ".") is not a dot',
    bytes: [...HEADER, ...label('x'.repeat(46)), 0],
    offset: 12,
    want: null,
    dotted: false,
  },
  {
    name: 'a dot just before the name is not in it',
    bytes: [...HEADER.slice(1), 0x2e, ...label('x'), 0],
    offset: 12,
    want: null,
    dotted: false,
  },
  { name: 'extended label type 0x40', bytes: [...HEADER, 0x41, 0x61, 0], offset: 12, want: 'bad_label' },
  { name: 'reserved label type 0x80', bytes: [...HEADER, 0x81, 0x61, 0], offset: 12, want: 'bad_label' },
  { name: 'label runs past the end', bytes: [...HEADER, 5, 0x61, 0x62], offset: 12, want: 'truncated' },
  { name: 'no root label', bytes: [...HEADER, ...label('abc')], offset: 12, want: 'truncated' },
  { name: 'pointer cut in half', bytes: [...HEADER, 0, 0xc0], offset: 13, want: 'truncated' },
  { name: 'empty input at offset', bytes: [...HEADER], offset: 12, want: 'truncated' },
  {
    name: 'name must end by the limit (rdata end)',
    bytes: [...HEADER, ...label('abc'), 0],
    offset: 12,
    limit: 15,
    want: 'truncated',
  },
  {
    name: 'pointed-to labels may lie beyond the limit',
    bytes: [...HEADER, ...label('abc'), 0, ...ptr(12), 0xff, 0xff],
    offset: 17,
    limit: 19,
    want: null,
    end: 19,
  },
  {
    name: 'a dot inside a label is flagged',
    bytes: [...HEADER, ...label('evil.com'), 0],
    offset: 12,
    want: null,
    dotted: true,
  },
  {
    name: 'a dot inside a pointed-to label is flagged',
    bytes: [...HEADER, ...label('a.b'), 0, ...label('x'), ...ptr(12)],
    offset: 17,
    want: null,
    dotted: true,
  },
];

describe('NameWalker', () => {
  it.each(cases)('$name', ({ bytes, offset, limit, want, end, dotted }) => {
    const walker = new NameWalker();
    const buf = Uint8Array.from(bytes);
    expect(walker.walk(buf, offset, limit ?? buf.length)).toBe(want);
    if (end !== undefined) expect(walker.end).toBe(end);
    if (want === null) expect(walker.dotted).toBe(dotted ?? false);
  });

  it('refuses a 64 KiB message made of one pointer chain, every time it is walked', () => {
    const chain = pointerChain(30_000);
    const buf = Uint8Array.from(chain.bytes);
    const walker = new NameWalker();
    for (let i = 0; i < 10_000; i++)
      expect(walker.walk(buf, chain.start, buf.length)).toBe('pointer_chain_too_deep');
  });
});
