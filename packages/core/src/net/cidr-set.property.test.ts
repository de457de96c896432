import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { CidrSet, parseCidr } from './cidr-set.js';

/**
 * CidrSet against a plain bit-by-bit model that shares no code with it: an address is an array of
 * 32 or 128 bits, a CIDR holds the address as written (host bits and all) with its prefix, and an
 * address is in the CIDR when its first `prefix` bits equal the CIDR's. Text is written here from
 * the bits (dotted quads; IPv6 in full, with a "::" run, in capitals, or as ::ffff:a.b.c.d), never
 * by the parser under test. CIDRs grow from a few anchors each, so that they nest, overlap and
 * touch; queries include each range's first and last address and their neighbours.
 */
type Bits = number[];
interface ModelCidr {
  v6: boolean;
  bits: Bits;
  prefix: number;
}

const width = (v6: boolean): number => (v6 ? 128 : 32);

function inCidr(c: ModelCidr, v6: boolean, bits: Bits): boolean {
  if (c.v6 !== v6) return false;
  for (let i = 0; i < c.prefix; i++) if (c.bits[i] !== bits[i]) return false;
  return true;
}

/** Bits with every host bit of the prefix set to `bit`: the range's first (0) or last (1) address. */
const edge = (c: ModelCidr, bit: number): Bits => c.bits.map((b, i) => (i < c.prefix ? b : bit));

/** The address one above (+1) or below (-1), or null past the end of the space. */
function step(bits: Bits, by: 1 | -1): Bits | null {
  const out = [...bits];
  for (let i = out.length - 1; i >= 0; i--) {
    const carry = by === 1 ? out[i] === 1 : out[i] === 0;
    out[i] = 1 - out[i];
    if (!carry) return out;
  }
  return null;
}

const number = (bits: Bits, from: number, count: number): number =>
  bits.slice(from, from + count).reduce((n, b) => n * 2 + b, 0);

/** Address text from bits; `style` picks among the spellings an operator may write. */
function text(v6: boolean, bits: Bits, style: number): string {
  const quad = (from: number): string => [0, 1, 2, 3].map((i) => number(bits, from + 8 * i, 8)).join('.');
  if (!v6) return quad(0);
  const words = Array.from({ length: 8 }, (_, i) => number(bits, 16 * i, 16));
  if (style % 4 === 3 && words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff)
    return `::ffff:${quad(96)}`;
  let hex = words.map((w) => w.toString(16));
  if (style % 4 === 1) hex = words.map((w) => w.toString(16).padStart(4, '0').toUpperCase());
  if (style % 4 === 2) {
    // "::" in place of the first run of zero words, whatever its length.
    const start = words.indexOf(0);
    if (start >= 0) {
      let end = start;
      while (end < 8 && words[end] === 0) end++;
      return `${hex.slice(0, start).join(':')}::${hex.slice(end).join(':')}`;
    }
  }
  return hex.join(':');
}

const bitsOf = (n: number): fc.Arbitrary<Bits> =>
  fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n });

/** A CIDR grown from an anchor: the anchor's first `shared` bits, then its own. */
const scenario = fc
  .record({
    anchors4: fc.array(bitsOf(32), { minLength: 1, maxLength: 3 }),
    anchors6: fc.array(bitsOf(128), { minLength: 1, maxLength: 3 }),
    cidrs: fc.array(
      fc.record({
        v6: fc.boolean(),
        anchor: fc.nat(),
        shared: fc.nat({ max: 128 }),
        prefix: fc.nat({ max: 128 }),
        own: bitsOf(128),
        style: fc.nat({ max: 3 }),
      }),
      { maxLength: 14 },
    ),
    probes: fc.array(
      fc.record({ v6: fc.boolean(), anchor: fc.nat(), shared: fc.nat({ max: 128 }), own: bitsOf(128) }),
      { maxLength: 20 },
    ),
  })
  .map(({ anchors4, anchors6, cidrs, probes }) => {
    const grow = (v6: boolean, anchor: number, shared: number, own: Bits): Bits => {
      const anchors = v6 ? anchors6 : anchors4;
      const base = anchors[anchor % anchors.length];
      return base.map((b, i) => (i < shared ? b : own[i]));
    };
    const model: Array<ModelCidr & { style: number }> = cidrs.map((c) => ({
      v6: c.v6,
      bits: grow(c.v6, c.anchor, c.shared, c.own),
      prefix: c.prefix % (width(c.v6) + 1),
      style: c.style,
    }));
    const queries: Array<{ v6: boolean; bits: Bits }> = probes.map((p) => ({
      v6: p.v6,
      bits: grow(p.v6, p.anchor, p.shared, p.own),
    }));
    for (const c of model) {
      for (const bits of [edge(c, 0), edge(c, 1)]) {
        queries.push({ v6: c.v6, bits });
        for (const by of [1, -1] as const) {
          const next = step(bits, by);
          if (next !== null) queries.push({ v6: c.v6, bits: next });
        }
      }
    }
    return { model, queries };
  });

describe('CidrSet against a bit-by-bit model', () => {
  it('membership of every probe, range edge and neighbour agrees with the model', () => {
    fc.assert(
      fc.property(scenario, ({ model, queries }) => {
        const set = CidrSet.parse(model.map((c) => `${text(c.v6, c.bits, c.style)}/${c.prefix}`));
        expect(set.size).toBe(model.length);
        for (const q of queries) {
          const want = model.some((c) => inCidr(c, q.v6, q.bits));
          const address = text(q.v6, q.bits, 0);
          expect(
            set.has(address),
            `${address} in ${JSON.stringify(model.map((c) => `${text(c.v6, c.bits, 0)}/${c.prefix}`))}`,
          ).toBe(want);
        }
      }),
      propertyRuns('CidrSet membership vs bit model', 150),
    );
  });

  it('parseCidr keeps the first prefix bits and clears exactly the rest', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        bitsOf(128),
        fc.nat({ max: 128 }),
        fc.nat({ max: 3 }),
        (v6, raw, p, style) => {
          const bits = raw.slice(0, width(v6));
          const prefix = p % (width(v6) + 1);
          const cidr = parseCidr(`${text(v6, bits, style)}/${prefix}`);
          expect(cidr).not.toBeNull();
          const got = Array.from(cidr?.address ?? []).flatMap((byte) =>
            Array.from({ length: 8 }, (_, i) => (byte >> (7 - i)) & 1),
          );
          expect(got).toEqual(edge({ v6, bits, prefix }, 0));
          expect(cidr?.prefix).toBe(prefix);
          expect(cidr?.family).toBe(v6 ? 6 : 4);
        },
      ),
      propertyRuns('parseCidr host bits', 300),
    );
  });
});

describe('CidrSet corner cases (named)', () => {
  it.each(['10.0.0.0/x8', '10.0.0.0/8x', '10.0.0.0/1234', '10.0.0.0/-1', '10.0.0.0/ 8', '::/1x'])(
    'rejects the prefix of %s',
    (text) => expect(parseCidr(text)).toBeNull(),
  );

  const cases: Array<[string, string[], string, boolean]> = [
    [
      'host bits in the written network are ignored: 10.200.0.0/8 has 10.1.2.3',
      ['10.200.0.0/8'],
      '10.1.2.3',
      true,
    ],
    [
      'host bits ignored at a non-octet prefix: 10.1.2.3/13 has 10.7.255.255',
      ['10.1.2.3/13'],
      '10.7.255.255',
      true,
    ],
    [
      'host bits ignored at a non-octet prefix: 10.1.2.3/13 lacks 10.8.0.0',
      ['10.1.2.3/13'],
      '10.8.0.0',
      false,
    ],
    [
      'IPv6 host bits ignored: 2001:db8:ffff::1/32 has 2001:db8::',
      ['2001:db8:ffff::1/32'],
      '2001:db8::',
      true,
    ],
    ['IPv6 /0 has everything', ['1::/0'], 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['IPv4 /0 has everything', ['1.2.3.4/0'], '0.0.0.0', true],
    [
      'a /128 inside a /64, then the /64 again: the wider one wins',
      ['2001:db8::5/128', '2001:db8::/64'],
      '2001:db8::ffff',
      true,
    ],
    [
      'a /64 then a /128 inside it: still the /64',
      ['2001:db8::/64', '2001:db8::5/128'],
      '2001:db8::ffff',
      true,
    ],
    [
      'a /48 then a /64 inside it then a later /64: all three reach',
      ['2001:db8::/48', '2001:db8:0:1::/64', '2001:db8:0:ffff::/64'],
      '2001:db8:0:ffff::1',
      true,
    ],
    ['a wide IPv6 range followed by a nested one keeps its end', ['fc00::/7', 'fd00::/16'], 'fdff::1', true],
    ['adjacent IPv4 ranges touch without a gap', ['10.0.0.0/25', '10.0.0.128/25'], '10.0.0.128', true],
    ['past adjacent IPv4 ranges', ['10.0.0.0/25', '10.0.0.128/25'], '10.0.1.0', false],
    ['IPv4 range ending at the top of the space', ['255.255.255.0/24'], '255.255.255.255', true],
    [
      'IPv6 range ending at the top of the space',
      ['ffff::/16'],
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      true,
    ],
    ['an IPv4 set says nothing of IPv6', ['0.0.0.0/0'], '::', false],
    ['an IPv6 set says nothing of IPv4', ['::/0'], '0.0.0.0', false],
  ];
  it.each(cases)('%s', (_name, entries, ip, want) => {
    expect(CidrSet.parse(entries).has(ip)).toBe(want);
  });
});
