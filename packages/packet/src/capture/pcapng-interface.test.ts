import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { readInterface, splitTimestamp, type PcapngInterface } from './pcapng-interface.js';

/**
 * Interface Description Block bodies written byte by byte from the pcapng spec
 * (draft-ietf-opsawg-pcapng §4.2: link type, reserved, snap length, then options of code, length,
 * value padded to 32 bits; if_name 2, if_tsresol 9, if_tsoffset 14, opt_endofopt 0), in both byte
 * orders, and timestamps split against plain BigInt arithmetic.
 */
const u16 = (v: number, le: boolean): number[] => (le ? [v & 255, v >> 8] : [v >> 8, v & 255]);
const u32 = (v: number, le: boolean): number[] =>
  le
    ? [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24]
    : [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
/** A 64-bit value as the section writes it: as one integer in its byte order. */
const u64 = (v: bigint, le: boolean): number[] => {
  const hi = Number((v >> 32n) & 0xffffffffn);
  const lo = Number(v & 0xffffffffn);
  return le ? [...u32(lo, le), ...u32(hi, le)] : [...u32(hi, le), ...u32(lo, le)];
};
const option = (code: number, value: number[], le: boolean, length = value.length): number[] => [
  ...u16(code, le),
  ...u16(length, le),
  ...value,
  ...new Array<number>((4 - (value.length % 4)) % 4).fill(0),
];
const text = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const header = (linkType: number, snaplen: number, le: boolean): number[] => [
  ...u16(linkType, le),
  0,
  0,
  ...u32(snaplen, le),
];

const DEFAULTS: PcapngInterface = {
  linkType: 1,
  snaplen: 262144,
  name: undefined,
  unitsPerSecond: 1_000_000,
  offsetSeconds: 0,
};

const cases: Array<{ name: string; options: (le: boolean) => number[]; want: Partial<PcapngInterface> }> = [
  { name: 'no options', options: () => [], want: {} },
  { name: 'if_name', options: (le) => option(2, text('eth0'), le), want: { name: 'eth0' } },
  {
    name: 'if_name of 9 bytes: the padding is not part of it',
    options: (le) => option(2, text('enp0s31f6'), le),
    want: { name: 'enp0s31f6' },
  },
  {
    name: 'if_name with NULs inside its length',
    options: (le) => option(2, [...text('wlan0'), 0, 0, 0], le),
    want: { name: 'wlan0' },
  },
  { name: 'if_name of one byte', options: (le) => option(2, text('x'), le), want: { name: 'x' } },
  {
    name: 'an empty if_name ending the block: the name is empty',
    options: (le) => option(2, [], le),
    want: { name: '' },
  },
  { name: 'if_tsresol 9: nanoseconds', options: (le) => option(9, [9], le), want: { unitsPerSecond: 1e9 } },
  { name: 'if_tsresol 0: seconds', options: (le) => option(9, [0], le), want: { unitsPerSecond: 1 } },
  {
    name: 'if_tsresol 0x86: 2^6 per second',
    options: (le) => option(9, [0x86], le),
    want: { unitsPerSecond: 64 },
  },
  {
    name: 'if_tsresol 0x80: 2^0 per second',
    options: (le) => option(9, [0x80], le),
    want: { unitsPerSecond: 1 },
  },
  { name: 'if_tsresol of length 0 is ignored', options: (le) => option(9, [], le), want: {} },
  {
    name: 'if_tsresol 127: 10^127 per second',
    options: (le) => option(9, [0x7f], le),
    want: { unitsPerSecond: 1e127 },
  },
  {
    name: 'if_tsresol 0xff: 2^127 per second',
    options: (le) => option(9, [0xff], le),
    want: { unitsPerSecond: 2 ** 127 },
  },
  {
    name: 'if_tsoffset of -5 s',
    options: (le) => option(14, u64(0xfffffffffffffffbn, le), le),
    want: { offsetSeconds: -5 },
  },
  {
    name: 'if_tsoffset of 2^32 + 7 s',
    options: (le) => option(14, u64(0x100000007n, le), le),
    want: { offsetSeconds: 4294967303 },
  },
  {
    name: 'if_tsoffset shorter than 8 bytes is ignored',
    options: (le) => option(14, u32(7, le), le),
    want: {},
  },
  {
    name: 'an unknown option is skipped with its padding',
    options: (le) => [...option(3, text('uplink'), le), ...option(2, text('eth1'), le)],
    want: { name: 'eth1' },
  },
  {
    name: 'every option, after a comment',
    options: (le) => [
      ...option(1, text('c'), le),
      ...option(9, [6], le),
      ...option(14, u64(100n, le), le),
      ...option(2, text('lo'), le),
    ],
    want: { name: 'lo', unitsPerSecond: 1e6, offsetSeconds: 100 },
  },
  {
    name: 'opt_endofopt ends the options',
    options: (le) => [...option(9, [3], le), ...option(0, [], le), ...option(2, text('eth2'), le)],
    want: { unitsPerSecond: 1000 },
  },
  {
    name: 'an option running past the block ends the options, earlier ones kept',
    options: (le) => [...option(2, text('eth3'), le), ...option(9, [9], le, 40)],
    want: { name: 'eth3' },
  },
  {
    name: 'an if_name 4 bytes longer than what is left of the block is not read',
    options: (le) => [...option(9, [9], le), ...option(2, text('eth4'), le, 8)],
    want: { unitsPerSecond: 1e9 },
  },
  {
    name: 'a cut option header ends the options',
    options: (le) => [...option(9, [9], le), ...u16(2, le)],
    want: { unitsPerSecond: 1e9 },
  },
];

describe('readInterface', () => {
  for (const le of [true, false]) {
    it.each(cases)(`$name (${le ? 'little' : 'big'}-endian)`, ({ options, want }) => {
      const body = Uint8Array.from([0xee, 0xee, ...header(1, 262144, le), ...options(le), 0xee, 0xee, 0xee]);
      // The body sits at offset 2 of a larger buffer; `end` excludes the bytes after it.
      expect(readInterface(body, 2, body.length - 3, le)).toEqual({ ...DEFAULTS, ...want });
    });
  }

  it('reads link type and snap length in either byte order', () => {
    for (const le of [true, false]) {
      const body = Uint8Array.from(header(0x0171, 0x01020304, le));
      expect(readInterface(body, 0, body.length, le)).toEqual({
        ...DEFAULTS,
        linkType: 0x0171,
        snaplen: 0x01020304,
      });
    }
  });
});

/** The split by the definition: units = hi·2^32 + lo; whole seconds, and the rest in nanoseconds, rounded down. */
function modelSplit(hi: number, lo: number, ups: number, offset: number): { sec: number; nsec: number } {
  const units = (BigInt(hi) << 32n) + BigInt(lo);
  const u = BigInt(ups);
  return { sec: Number(units / u) + offset, nsec: Number(((units % u) * 1_000_000_000n) / u) };
}

describe('splitTimestamp', () => {
  const resolutions = [
    ...Array.from({ length: 13 }, (_, k) => 10 ** k),
    ...Array.from({ length: 41 }, (_, k) => 2 ** k),
  ];

  it('matches whole-number arithmetic for every resolution, small and large timestamps', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat({ max: 0x1fffff }),
          fc.integer({ min: 0x1ffff0, max: 0x200010 }),
          fc.nat({ max: 0xffffffff }),
        ),
        fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 0xffffffff)),
        fc.constantFrom(...resolutions),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
        (hi, lo, ups, offset) => {
          const out = { sec: -1, nsec: -1 };
          splitTimestamp(hi, lo, { ...DEFAULTS, unitsPerSecond: ups, offsetSeconds: offset }, out);
          expect(out).toEqual(modelSplit(hi, lo, ups, offset));
        },
      ),
      propertyRuns('splitTimestamp vs BigInt', 2000),
    );
  });

  it.each([
    { name: 'microseconds', hi: 0, lo: 1_500_001, ups: 1e6, want: { sec: 1, nsec: 500_001_000 } },
    { name: 'nanoseconds', hi: 0, lo: 2_000_000_007, ups: 1e9, want: { sec: 2, nsec: 7 } },
    { name: 'units of 2^-6 s', hi: 0, lo: 65, ups: 64, want: { sec: 1, nsec: 15_625_000 } },
    { name: 'picoseconds: nanoseconds rounded down', hi: 0, lo: 1_999, ups: 1e12, want: { sec: 0, nsec: 1 } },
    // rem · 10^9 is past 2^53 here: a double rounds it, and the quotient, below the true one.
    {
      name: '10^10 per second: the nanoseconds of the exact quotient',
      hi: 980368,
      lo: 847716722,
      ups: 1e10,
      want: { sec: 421064, nsec: 934576165 },
    },
    {
      name: '10^11 per second: the nanoseconds of the exact quotient',
      hi: 1241705,
      lo: 2419109020,
      ups: 1e11,
      want: { sec: 53330, nsec: 847853887 },
    },
    // 2^53 µs and beyond: past what a double holds exactly.
    {
      name: 'hi = 0x200000 in µs',
      hi: 0x200000,
      lo: 1,
      ups: 1e6,
      want: { sec: 9007199254, nsec: 740_993_000 },
    },
  ])('$name', ({ hi, lo, ups, want }) => {
    const out = { sec: -1, nsec: -1 };
    splitTimestamp(hi, lo, { ...DEFAULTS, unitsPerSecond: ups }, out);
    expect(out).toEqual(want);
  });
});
