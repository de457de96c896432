import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import type { IndexHint } from './index-hint.js';
import { testScheme } from './test-scheme.js';

/**
 * The hints of `and`, `or`, `xor` and `not`: an `and` holds every necessary condition of its
 * parts; an `or` has one only when every part constrains the same value the same way (then the
 * union); `xor` and `not` have none (a false part can make them true).
 */
const scheme = testScheme();

/** A key that orders plain data (bigints included). */
const order = (x: unknown): string =>
  JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
const sorted = <T>(list: readonly T[]): T[] => [...list].sort((a, b) => order(a).localeCompare(order(b)));

/** The hints as plain data, without their readers; the order of parts (cheapest first) is left out. */
function hintsOf(expression: string): unknown[] {
  return sorted(
    compileExpression(expression, scheme).hints.map((h: IndexHint) => {
      const { read: _read, ...rest } = h;
      switch (rest.kind) {
        case 'int':
        case 'ip':
          return { ...rest, ranges: sorted<unknown>(rest.ranges) };
        case 'bytes':
          return { ...rest, values: sorted(rest.values) };
        case 'suffix':
          return { ...rest, suffixes: sorted(rest.suffixes) };
      }
    }),
  );
}

const port = (key: string, ...values: number[]) => ({ kind: 'int', key, ranges: values.map((v) => [v, v]) });

describe('hints of logical expressions (named)', () => {
  const cases: Array<[string, string, unknown[]]> = [
    [
      'or of one port and another: both ports',
      'tcp.dstport eq 22 or tcp.dstport eq 23',
      [port('tcp.dstport', 22, 23)],
    ],
    [
      'or of three parts: all three',
      'tcp.dstport eq 22 or tcp.dstport eq 23 or tcp.dstport in {80}',
      [port('tcp.dstport', 22, 23, 80)],
    ],
    ['or over two fields: none', 'tcp.dstport eq 22 or udp.dstport eq 53', []],
    ['or over two kinds of hint on different fields: none', 'tcp.dstport eq 22 or ip.src eq 10.0.0.1', []],
    [
      'or of an exact string and a suffix of the same value: none (two kinds of lookup)',
      'dns.fqdn eq "a" or dns.fqdn wildcard "*.b"',
      [],
    ],
    ['or with a part that has no hint: none', 'tcp.dstport eq 22 or tcp.dstport ne 5', []],
    ['or with a part that has no hint first: none', 'tcp.dstport ne 5 or tcp.dstport eq 22', []],
    [
      'or of a caseless and a case-sensitive suffix: none',
      'dns.fqdn wildcard "*.a" or dns.fqdn strict wildcard "*.b"',
      [],
    ],
    [
      'or of two caseless suffixes: both',
      'dns.fqdn wildcard "*.a" or dns.fqdn wildcard "*.b"',
      [{ kind: 'suffix', key: 'dns.fqdn', suffixes: ['.a', '.b'], caseless: true }],
    ],
    [
      'or of two case-sensitive suffixes: both',
      'dns.fqdn strict wildcard "*.a" or dns.fqdn strict wildcard "*.b"',
      [{ kind: 'suffix', key: 'dns.fqdn', suffixes: ['.a', '.b'], caseless: false }],
    ],
    [
      'or of strings: all of them',
      'dns.fqdn eq "a" or dns.fqdn in {"b" "c"}',
      [{ kind: 'bytes', key: 'dns.fqdn', values: ['a', 'b', 'c'] }],
    ],
    [
      'or of addresses: every range',
      'ip.src eq 10.0.0.1 or ip.src in {10.0.0.3}',
      [
        {
          kind: 'ip',
          key: 'ip.src',
          ranges: [
            { family: 4, lo: 0x0a000001, hi: 0x0a000001 },
            { family: 4, lo: 0x0a000003, hi: 0x0a000003 },
          ],
        },
      ],
    ],
    [
      'or with an and of two hints inside: none (which one would hold is unknown)',
      'tcp.dstport eq 22 or (tcp.dstport eq 23 and udp.dstport eq 53)',
      [],
    ],
    [
      'and keeps the hints of every part',
      'tcp.dstport eq 22 and udp.dstport eq 53',
      [port('tcp.dstport', 22), port('udp.dstport', 53)],
    ],
    [
      'ends_with is a case-sensitive suffix',
      'ends_with(dns.fqdn, ".Corp")',
      [{ kind: 'suffix', key: 'dns.fqdn', suffixes: ['.Corp'], caseless: false }],
    ],
    [
      'ends_with of lower() is a suffix of the lowered value',
      'ends_with(lower(dns.fqdn), ".corp")',
      [{ kind: 'suffix', key: 'lower(dns.fqdn)', suffixes: ['.corp'], caseless: false }],
    ],
    ['starts_with: none', 'starts_with(dns.fqdn, "www.")', []],
    ['not ends_with: none', 'not ends_with(dns.fqdn, ".corp")', []],
    ['xor: none', 'tcp.dstport eq 22 xor tcp.dstport eq 23', []],
    ['not: none', 'not tcp.dstport eq 22', []],
  ];
  it.each(cases)('%s', (_name, expression, hints) => {
    expect(hintsOf(expression)).toEqual(hints);
  });
});
