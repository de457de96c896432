import { propertyRuns } from '@glia/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IpRange } from './ip-literal.js';
import { IpRangeSet } from './ip-set.js';

/**
 * IpRangeSet (sorted, merged ranges and a binary search) against a naive loop over the ranges as
 * given: an address is in the set when some range holds it. Ranges are drawn in a small space so
 * that they overlap, nest, touch and leave gaps; addresses are probed at every range's edges and
 * their neighbours.
 */
const v4Text = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const v6Text = (n: bigint): string => {
  const words: string[] = [];
  for (let i = 7; i >= 0; i--) words.push(((n >> BigInt(16 * i)) & 0xffffn).toString(16));
  return words.join(':');
};

const BASE4 = 0x0a000000; // 10.0.0.0
const BASE6 = 0x20010db8n << 96n; // 2001:db8::
const range4 = fc
  .tuple(fc.nat({ max: 60 }), fc.nat({ max: 20 }))
  .map(([lo, len]): IpRange => ({ family: 4, lo: BASE4 + lo, hi: BASE4 + lo + len }));
const range6 = fc
  .tuple(fc.nat({ max: 60 }), fc.nat({ max: 20 }))
  .map(([lo, len]): IpRange => ({ family: 6, lo: BASE6 + BigInt(lo), hi: BASE6 + BigInt(lo + len) }));

describe('IpRangeSet against a loop over its ranges', () => {
  it('membership of every edge, neighbour and probe, IPv4 and IPv6', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(range4, range6), { maxLength: 8 }),
        fc.array(fc.nat({ max: 90 }), { maxLength: 10 }),
        (ranges, probes) => {
          const set = new IpRangeSet(ranges);
          const offsets = new Set(probes);
          for (const r of ranges) {
            const lo = Number(r.family === 4 ? r.lo - BASE4 : r.lo - BASE6);
            const hi = Number(r.family === 4 ? r.hi - BASE4 : r.hi - BASE6);
            for (const x of [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1]) if (x >= 0) offsets.add(x);
          }
          for (const x of offsets) {
            const in4 = ranges.some((r) => r.family === 4 && r.lo <= BASE4 + x && BASE4 + x <= r.hi);
            const in6 = ranges.some(
              (r) => r.family === 6 && r.lo <= BASE6 + BigInt(x) && BASE6 + BigInt(x) <= r.hi,
            );
            expect(set.has(v4Text(BASE4 + x))).toBe(in4);
            expect(set.has(v6Text(BASE6 + BigInt(x)))).toBe(in6);
          }
        },
      ),
      propertyRuns('IpRangeSet against a loop', 400),
    );
  });
});

describe('IpRangeSet (named)', () => {
  const set = new IpRangeSet([
    { family: 4, lo: BASE4, hi: BASE4 + 10 },
    { family: 4, lo: BASE4 + 2, hi: BASE4 + 3 },
    { family: 6, lo: BASE6, hi: BASE6 + 10n },
  ]);
  it.each([
    ['a range nested in an earlier one keeps the outer end', '10.0.0.9', true],
    ['one past the outer end', '10.0.0.11', false],
    ['an IPv4-mapped IPv6 address is not the IPv4 address', '::ffff:10.0.0.1', false],
    ['the IPv6 range in full form', '2001:db8:0:0:0:0:0:a', true],
    ['the IPv6 range written short', '2001:db8::a', true],
    ['text that is no address', '10.0.0', false],
    ['IPv6 text that is no address', '2001:db8::g', false],
    ['an IPv6 address with a zone is not an address here', '2001:db8::1%eth0', false],
  ] as const)('%s: %s', (_name, ip, expected) => {
    expect(set.has(ip)).toBe(expected);
  });

  it('text that is no address is not in a set starting at 0.0.0.0 or ::', () => {
    const all = new IpRangeSet([
      { family: 4, lo: 0, hi: 0xffffffff },
      { family: 6, lo: 0n, hi: (1n << 128n) - 1n },
    ]);
    expect(['10.0.0', 'x', '', '::g', '1:2:3'].map((t) => all.has(t))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(
      ['0.0.0.0', '255.255.255.255', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'].map((t) => all.has(t)),
    ).toEqual([true, true, true, true]);
  });

  it('an empty set has no address', () => {
    expect(new IpRangeSet([]).has('10.0.0.1')).toBe(false);
    expect(new IpRangeSet([]).has('::1')).toBe(false);
  });
});
