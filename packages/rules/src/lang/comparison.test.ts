import type { FieldValue } from '@glia/core';
import { propertyRuns } from '@glia/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import type { IndexHint } from './index-hint.js';
import { evaluate, testScheme } from './test-scheme.js';

/**
 * Comparisons of one value with a literal: what each operator accepts (also for a value of another
 * type than the field's, which never matches), `&` over 64-bit integers against BigInt, and the
 * hint each comparison gives rule indexes, which must hold exactly the values the comparison
 * accepts (a narrower hint loses matches, a wider one wastes the index).
 */
const scheme = testScheme();
const MAX = Number.MAX_SAFE_INTEGER;

/** A hint without its reader, as plain data. */
function hintsOf(expression: string): unknown[] {
  return compileExpression(expression, scheme).hints.map((h: IndexHint) => {
    const { read: _read, ...rest } = h;
    return rest;
  });
}

const ip4 = (a: number, b: number, c: number, d: number): number =>
  ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

describe('the index hint of each comparison (named)', () => {
  const cases: Array<[string, string, unknown[]]> = [
    ['eq 80 is the port 80', 'tcp.dstport eq 80', [{ kind: 'int', key: 'tcp.dstport', ranges: [[80, 80]] }]],
    ['lt 80 is up to 79', 'tcp.dstport lt 80', [{ kind: 'int', key: 'tcp.dstport', ranges: [[-MAX, 79]] }]],
    ['le 80 is up to 80', 'tcp.dstport le 80', [{ kind: 'int', key: 'tcp.dstport', ranges: [[-MAX, 80]] }]],
    ['gt 80 is from 81', 'tcp.dstport gt 80', [{ kind: 'int', key: 'tcp.dstport', ranges: [[81, MAX]] }]],
    ['ge 80 is from 80', 'tcp.dstport ge 80', [{ kind: 'int', key: 'tcp.dstport', ranges: [[80, MAX]] }]],
    ['ne gives no hint (it accepts almost everything)', 'tcp.dstport ne 80', []],
    ['& gives no hint', 'tcp.dstport & 1', []],
    [
      'an integer set lists its items',
      'tcp.dstport in {22 80..90}',
      [
        {
          kind: 'int',
          key: 'tcp.dstport',
          ranges: [
            [22, 22],
            [80, 90],
          ],
        },
      ],
    ],
    [
      'ip eq is the one address',
      'ip.src eq 10.1.2.3',
      [{ kind: 'ip', key: 'ip.src', ranges: [{ family: 4, lo: ip4(10, 1, 2, 3), hi: ip4(10, 1, 2, 3) }] }],
    ],
    [
      'ip eq of an IPv6 address',
      'ip.src eq 2001:db8::1',
      [
        {
          kind: 'ip',
          key: 'ip.src',
          ranges: [{ family: 6, lo: (0x20010db8n << 96n) | 1n, hi: (0x20010db8n << 96n) | 1n }],
        },
      ],
    ],
    ['ip ne gives no hint', 'ip.src ne 10.1.2.3', []],
    ['ip lt gives no hint', 'ip.src lt 10.1.2.3', []],
    ['ip ge gives no hint', 'ip.src ge 10.1.2.3', []],
    [
      'bytes eq is the one string',
      'dns.fqdn eq "x.com"',
      [{ kind: 'bytes', key: 'dns.fqdn', values: ['x.com'] }],
    ],
    ['bytes ne gives no hint', 'dns.fqdn ne "x.com"', []],
    ['bytes lt gives no hint', 'dns.fqdn lt "x.com"', []],
    ['contains gives no hint', 'dns.fqdn contains "x"', []],
    ['matches gives no hint', 'dns.fqdn matches "x$"', []],
    [
      'a strict wildcard without a star is the one string',
      'dns.fqdn strict wildcard "x.Evil.com"',
      [{ kind: 'bytes', key: 'dns.fqdn', values: ['x.Evil.com'] }],
    ],
    [
      'a caseless wildcard without a star is a caseless suffix (any case of the string ends with it)',
      'dns.fqdn wildcard "x.Evil.com"',
      [{ kind: 'suffix', key: 'dns.fqdn', suffixes: ['x.Evil.com'], caseless: true }],
    ],
    [
      'a wildcard is a suffix: its tail after the last star',
      'dns.fqdn wildcard "*.evil.com"',
      [{ kind: 'suffix', key: 'dns.fqdn', suffixes: ['.evil.com'], caseless: true }],
    ],
    [
      'a strict wildcard with a star is a case-sensitive suffix',
      'dns.fqdn strict wildcard "a*.Evil.com"',
      [{ kind: 'suffix', key: 'dns.fqdn', suffixes: ['.Evil.com'], caseless: false }],
    ],
    ['a wildcard ending in a star gives no hint', 'dns.fqdn wildcard "x.*"', []],
    ['a strict wildcard ending in a star gives no hint', 'dns.fqdn strict wildcard "x.*"', []],
    [
      'a bytes set lists its strings',
      'dns.fqdn in {"a" "b"}',
      [{ kind: 'bytes', key: 'dns.fqdn', values: ['a', 'b'] }],
    ],
  ];
  it.each(cases)('%s', (_name, expression, hints) => {
    expect(hintsOf(expression)).toEqual(hints);
  });
});

type IntOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
/** The plain comparison each operator names. */
const INT_MODEL: Record<IntOp, (v: number, lit: number) => boolean> = {
  eq: (v, lit) => v === lit,
  ne: (v, lit) => v !== lit,
  lt: (v, lit) => v < lit,
  le: (v, lit) => v <= lit,
  gt: (v, lit) => v > lit,
  ge: (v, lit) => v >= lit,
};

describe('integer comparisons and their hints against plain comparisons', () => {
  it('a value is in the hint exactly when the comparison accepts it', () => {
    const op = fc.constantFrom<IntOp>('eq', 'lt', 'le', 'gt', 'ge');
    fc.assert(
      fc.property(
        op,
        fc.integer({ min: -70_000, max: 70_000 }),
        fc.integer({ min: -3, max: 3 }),
        (o, lit, d) => {
          const expression = `net.vni ${o} ${lit}`;
          const [hint] = compileExpression(expression, scheme).hints;
          expect(hint.kind).toBe('int');
          const ranges = (hint as Extract<IndexHint, { kind: 'int' }>).ranges;
          for (const v of [lit + d, lit - 1, lit, lit + 1]) {
            const accepted = INT_MODEL[o](v, lit);
            expect(evaluate(expression, { 'net.vni': v })).toBe(accepted);
            expect(ranges.some(([lo, hi]) => lo <= v && v <= hi)).toBe(accepted);
          }
          // The open ends reach every integer glia has.
          expect(ranges.some(([lo, hi]) => lo <= -MAX && -MAX <= hi)).toBe(INT_MODEL[o](-MAX, lit));
          expect(ranges.some(([lo, hi]) => lo <= MAX && MAX <= hi)).toBe(INT_MODEL[o](MAX, lit));
        },
      ),
      propertyRuns('integer comparison hints', 300),
    );
  });
});

describe('a value of another type than the field never matches (named)', () => {
  const cases: Array<[string, string, FieldValue, boolean]> = [
    ['a string port is not below 100', 'tcp.dstport lt 100', '5', false],
    ['true is not below 100', 'tcp.dstport lt 100', true, false],
    ['a string port is not at most 100', 'tcp.dstport le 100', '5', false],
    ['a string port is not above 1', 'tcp.dstport gt 1', '5', false],
    ['true is not at least 1', 'tcp.dstport ge 1', true, false],
    ['a string port is not other than 80 (ne)', 'tcp.dstport ne 80', '5', false],
    ['a string port has no bits', 'tcp.dstport & 1', '1', false],
    ['a number with a fraction is no Int: 1.5 has no bits', 'net.vni & 1', 1.5, false],
    [
      'a number with a fraction past 32 bits has no bits (and does not throw)',
      'net.vni & 0x100000000',
      2 ** 32 + 0.5,
      false,
    ],
    ['NaN has no bits', 'net.vni & -1', NaN, false],
    ['Infinity has no bits', 'net.vni & -1', Infinity, false],
    ['a number is not an address below 10.0.0.9', 'ip.src lt 10.0.0.9', 5, false],
    ['a number is not an address at least 0.0.0.0', 'ip.src ge 0.0.0.0', 0, false],
    ['a number is not an address other than 10.0.0.1', 'ip.src ne 10.0.0.1', 5, false],
    ['a number is not a name after "a"', 'test.bytes gt "a"', 5, false],
    ['a number contains nothing', 'test.bytes contains "5"', 5, false],
    ['text that is no address is not below one', 'ip.src lt 10.0.0.9', 'ten', false],
  ];
  it.each(cases)('%s', (_name, expression, value, expected) => {
    const field = expression.split(' ')[0];
    expect(evaluate(expression, { [field]: value })).toBe(expected);
  });
});

describe('orderings at the equal value (named)', () => {
  const cases: Array<[string, string, FieldValue, boolean]> = [
    ['bytes gt is false for the same string', 'test.bytes gt "abc"', 'abc', false],
    ['bytes ge is true for the same string', 'test.bytes ge "abc"', 'abc', true],
    ['bytes lt is false for the same string', 'test.bytes lt "abc"', 'abc', false],
    ['bytes le is true for the same string', 'test.bytes le "abc"', 'abc', true],
    ['bytes gt is true one byte further', 'test.bytes gt "abc"', 'abd', true],
    ['ip gt is false for the same address', 'ip.src gt 10.0.0.1', '10.0.0.1', false],
    ['ip ge is true for the same address', 'ip.src ge 10.0.0.1', '10.0.0.1', true],
    ['ip gt is true for the next address', 'ip.src gt 10.0.0.1', '10.0.0.2', true],
    [
      'ip gt is false for the same IPv6 address written otherwise',
      'ip.src gt 2001:db8::1',
      '2001:DB8:0::1',
      false,
    ],
    [
      'ip le is true for the same IPv6 address written otherwise',
      'ip.src le 2001:db8::1',
      '2001:DB8:0::1',
      true,
    ],
    ['ip eq: the same IPv6 address written otherwise', 'ip.src eq 2001:db8::1', '2001:db8:0:0::1', true],
    ['ip eq: an IPv4 value is not the mapped IPv6 literal', 'ip.src eq ::ffff:10.0.0.1', '10.0.0.1', false],
    [
      'ip ne: an IPv4 value is other than the mapped IPv6 literal',
      'ip.src ne ::ffff:10.0.0.1',
      '10.0.0.1',
      true,
    ],
  ];
  it.each(cases)('%s', (_name, expression, value, expected) => {
    expect(evaluate(expression, { 'ip.src': value, 'test.bytes': value })).toBe(expected);
  });
});

/** `v & lit != 0` over 64-bit two's complement integers, the definition wirefilter's i64 gives. */
const bitwiseModel = (v: number, lit: number): boolean => (BigInt(v) & BigInt(lit)) !== 0n;

describe('& over 64-bit integers (named)', () => {
  const cases: Array<[string, number, number, boolean]> = [
    ['2^32 & 2^32 (both past 32 bits)', 2 ** 32, 2 ** 32, true],
    ['2^32 & -1 (all bits)', 2 ** 32, -1, true],
    ['-2^32 & -1', -(2 ** 32), -1, true],
    ['-1 & -2^32', -1, -(2 ** 32), true],
    ['-1 & 2^32', -1, 2 ** 32, true],
    ['2^32 & 1: no common bit', 2 ** 32, 1, false],
    ['2^31 & 2^31 (just past int32)', 2 ** 31, 2 ** 31, true],
    ['-2^31 - 1 & 2^31 (just below int32): no common bit', -(2 ** 31) - 1, 2 ** 31, false],
    ['-2^31 & -2^31', -(2 ** 31), -(2 ** 31), true],
    ['2^31 - 1 & 2^31 - 1', 2 ** 31 - 1, 2 ** 31 - 1, true],
    ['2^53 - 1 & 2^52', MAX, 2 ** 52, true],
    ['-(2^53 - 1) & 2^52: bit 52 is clear in its complement', -MAX, 2 ** 52, false],
    ['0 & -1', 0, -1, false],
  ];
  it.each(cases)('%s', (_name, v, lit, expected) => {
    expect(bitwiseModel(v, lit)).toBe(expected);
    expect(evaluate(`net.vni & ${lit}`, { 'net.vni': v })).toBe(expected);
  });
});

describe('& against BigInt', () => {
  it('agrees on integers around the 32-bit edges and across the safe range', () => {
    const edge = (e: number): fc.Arbitrary<number> => fc.integer({ min: -3, max: 3 }).map((d) => e + d);
    const int = fc.oneof(
      fc.integer({ min: -9, max: 9 }),
      edge(2 ** 31),
      edge(-(2 ** 31)),
      edge(2 ** 32),
      edge(-(2 ** 32)),
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
      fc.maxSafeInteger(),
    );
    fc.assert(
      fc.property(int, int, (v, lit) => {
        expect(evaluate(`net.vni & ${lit}`, { 'net.vni': v })).toBe(bitwiseModel(v, lit));
      }),
      propertyRuns('bitwise and against BigInt', 500),
    );
  });
});
