import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import { testScheme } from './test-scheme.js';

/**
 * The order in which `and` / `or` read their operands: a core field (computed from the
 * observation) before an enricher's, a plain value before a derived one (map key, function), an
 * opaque test (any/all) last, and the order written among equals. Seen from the outside as which
 * fields are read at all when the first operand read already decides (every field here is
 * present and makes its comparison false, so `and` stops at the first operand it reads).
 */
const scheme = testScheme();
const FIELDS: Record<string, FieldValue> = {
  'tcp.dstport': 1,
  'ip.proto': 'udp',
  'dns.fqdn': 'other',
  'tls.sni': 'other',
  'dns.fqdns': ['other'],
  'identity.k8s.src_label': new Map([['app', 'other']]),
};

function reads(expression: string): string[] {
  const read: string[] = [];
  compileExpression(expression, scheme).test((name) => {
    read.push(name);
    return FIELDS[name];
  });
  return read;
}

describe('cheap operands first (named)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a core field before an enricher field', 'dns.fqdn eq "x" and tcp.dstport eq 22', ['tcp.dstport']],
    [
      'a core field tested by a closure before an enricher field',
      'dns.fqdn eq "x" and ip.proto contains "tc"',
      ['ip.proto'],
    ],
    ['an enricher field before a function of one', 'lower(dns.fqdn) eq "x" and tls.sni eq "y"', ['tls.sni']],
    [
      'a function of a core field before an enricher field',
      'tls.sni eq "y" and len(ip.proto) eq 1',
      ['ip.proto'],
    ],
    ['an enricher field before an any()', 'any(dns.fqdns[*] eq "x") and tls.sni eq "y"', ['tls.sni']],
    ['a negated core field keeps its cost', 'dns.fqdn eq "x" and not tcp.dstport eq 1', ['tcp.dstport']],
    [
      'a negated any() keeps its cost: after an enricher field',
      'not any(dns.fqdns[*] eq "x") and tls.sni eq "y"',
      ['tls.sni'],
    ],
    [
      'a group costs its dearest operand',
      '(tcp.dstport eq 22 or any(dns.fqdns[*] eq "x")) and tls.sni eq "y"',
      ['tls.sni'],
    ],
    ['equals keep the written order', 'tls.sni eq "y" and dns.fqdn eq "x"', ['tls.sni']],
    ['equals keep the written order (reversed)', 'dns.fqdn eq "x" and tls.sni eq "y"', ['dns.fqdn']],
    [
      'a map value is a derived value: after a plain enricher field',
      'identity.k8s.src_label["app"] eq "x" and tls.sni eq "y"',
      ['tls.sni'],
    ],
    [
      'xor reads every operand as written',
      'dns.fqdn eq "x" xor tcp.dstport eq 22',
      ['dns.fqdn', 'tcp.dstport'],
    ],
    [
      'or stops at the first true operand, the cheap one',
      'dns.fqdn eq "other" or tcp.dstport eq 1',
      ['tcp.dstport'],
    ],
  ];
  it.each(cases)('%s', (_name, expression, expected) => {
    expect(reads(expression)).toEqual(expected);
  });
});
