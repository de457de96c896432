import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { evaluate } from './test-scheme.js';

type Fields = Record<string, FieldValue>;
const map = (entries: Record<string, FieldValue>): ReadonlyMap<string, FieldValue> =>
  new Map(Object.entries(entries));

/**
 * Absent values (wirefilter's nil: an optional field not set, a missing map key or array index, a
 * function without a result). Only `!=` depends on the rule set's `absent_not_equal` option, as
 * wirefilter's `set_nil_not_equal_behavior` (engine/src/scheme.rs); every other comparison with an
 * absent value is false. The first table is wirefilter's test_optional_fields
 * (engine/src/ast/field_expr.rs) with nil != x false, glia's default; each case is then run with
 * the option on, where only the results involving an absent `!=` change.
 */
const OPTIONAL_FIELDS: Array<[expression: string, fields: Fields, whenFalse: boolean, whenTrue: boolean]> = [
  ['(tcp.dstport != 80) or (udp.dstport != 80)', { 'tcp.dstport': 443 }, true, true],
  ['(tcp.dstport != 80) or (udp.dstport != 80)', { 'tcp.dstport': 80 }, false, true],
  ['(tcp.dstport != 80) or (udp.dstport != 80)', { 'udp.dstport': 53 }, true, true],
  ['(tcp.dstport != 80) or (udp.dstport != 80)', { 'udp.dstport': 80 }, false, true],
  ['(tcp.dstport != 80) or (udp.dstport != 80)', {}, false, true],
  ['(tcp.dstport != 80) and (udp.dstport != 80)', { 'tcp.dstport': 443 }, false, true],
  ['(tcp.dstport != 80) and (udp.dstport != 80)', { 'tcp.dstport': 80 }, false, false],
  ['(tcp.dstport != 80) and (udp.dstport != 80)', {}, false, true],
  [
    '(tcp.srcport == 1337) or ((tcp.dstport != 80) or (udp.dstport != 80))',
    { 'tcp.srcport': 1234, 'tcp.dstport': 80 },
    false,
    true,
  ],
  [
    '(tcp.srcport == 1337) or ((tcp.dstport != 80) or (udp.dstport != 80))',
    { 'tcp.srcport': 1234, 'tcp.dstport': 443 },
    true,
    true,
  ],
  [
    '(tcp.srcport == 1337) or ((tcp.dstport != 80) or (udp.dstport != 80))',
    { 'udp.dstport': 80 },
    false,
    true,
  ],
  [
    '(tcp.srcport == 1337) or ((tcp.dstport != 80) or (udp.dstport != 80))',
    { 'udp.dstport': 444 },
    true,
    true,
  ],
  ['(tcp.srcport == 1337) or ((tcp.dstport != 80) or (udp.dstport != 80))', {}, false, true],
  [
    '(tcp.srcport == 1337) and ((tcp.dstport != 80) or (udp.dstport != 80))',
    { 'tcp.srcport': 1337, 'tcp.dstport': 80 },
    false,
    true,
  ],
  [
    '(tcp.srcport == 1337) and ((tcp.dstport != 80) or (udp.dstport != 80))',
    { 'tcp.srcport': 1337, 'tcp.dstport': 443 },
    true,
    true,
  ],
  [
    '(tcp.srcport == 1337) and ((tcp.dstport != 80) or (udp.dstport != 80))',
    { 'udp.dstport': 444 },
    false,
    false,
  ],
  [
    '(tcp.srcport == 1337) or ((tcp.dstport != 80) and (udp.dstport != 80))',
    { 'tcp.srcport': 1234, 'tcp.dstport': 443 },
    false,
    true,
  ],
  [
    '(tcp.srcport == 1337) or ((tcp.dstport != 80) and (udp.dstport != 80))',
    { 'udp.dstport': 444 },
    false,
    true,
  ],
  [
    '(tcp.srcport == 1337) and ((tcp.dstport != 80) and (udp.dstport != 80))',
    { 'tcp.srcport': 1337, 'tcp.dstport': 443 },
    false,
    true,
  ],
  [
    '(tcp.srcport == 1337) and ((tcp.dstport != 80) and ((test.flag) or (udp.dstport != 80)))',
    { 'tcp.srcport': 1337, 'tcp.dstport': 443, 'test.flag': true },
    true,
    true,
  ],
  [
    '(tcp.srcport == 1337) and ((tcp.dstport != 80) and ((test.flag) or (udp.dstport != 80)))',
    { 'tcp.srcport': 1337, 'tcp.dstport': 443, 'test.flag': false },
    false,
    true,
  ],
  [
    '(tcp.srcport == 1337) and ((tcp.dstport != 80) and ((test.flag) or (udp.dstport != 80)))',
    { 'tcp.srcport': 1337, 'tcp.dstport': 80, 'test.flag': true },
    false,
    false,
  ],
  ['test.flag', {}, false, false],
  ['not test.flag', {}, true, true],
  ['not (not test.flag)', {}, false, false],
  ['not (tcp.dstport eq 80)', {}, true, true],
  ['not (tcp.dstport ne 80)', {}, true, false],
  ['not (tcp.dstport ne 80)', { 'tcp.dstport': 443 }, false, false],
];

/** Missing map keys and array indices are nil too (test_missing_*_value_*, test_nil_not_equal_behavior_*). */
const MISSING: Array<
  [behaviour: string, expression: string, fields: Fields, whenFalse: boolean, whenTrue: boolean]
> = [
  ['missing array index ==', 'dns.fqdns[0] == "example.org"', { 'dns.fqdns': [] }, false, false],
  ['missing array index !=', 'dns.fqdns[0] != "example.org"', { 'dns.fqdns': [] }, false, true],
  [
    'missing map key ==',
    'identity.k8s.src_label["missing"] == "example.org"',
    { 'identity.k8s.src_label': map({}) },
    false,
    false,
  ],
  [
    'missing map key !=',
    'identity.k8s.src_label["missing"] != "example.org"',
    { 'identity.k8s.src_label': map({}) },
    false,
    true,
  ],
  ['arr[0] != "" over an empty array', 'dns.fqdns[0] != ""', { 'dns.fqdns': [] }, false, true],
  [
    'map[""] != "" over an empty map',
    'identity.k8s.src_label[""] != ""',
    { 'identity.k8s.src_label': map({}) },
    false,
    true,
  ],
  ['an absent IP != an address', 'ip.src ne 10.0.0.1', {}, false, true],
  ['a function of an absent value != x', 'lower(dns.fqdn) ne "a"', {}, false, true],
  ['len of an absent value != 0', 'len(dns.fqdn) ne 0', {}, false, true],
  ['in of absent stays false', 'tcp.dstport in {1..65535}', {}, false, false],
  ['not in of absent stays true', 'not tcp.dstport in {1..65535}', {}, true, true],
  ['lt of absent stays false', 'tcp.dstport lt 80', {}, false, false],
  ['contains of absent stays false', 'dns.fqdn contains "a"', {}, false, false],
  ['matches of absent stays false', 'dns.fqdn matches ".*"', {}, false, false],
  ['wildcard of absent stays false', 'dns.fqdn wildcard "*"', {}, false, false],
  ['& of absent stays false', 'tcp.dstport & 1', {}, false, false],
  ['starts_with of absent stays false', 'starts_with(dns.fqdn, "a")', {}, false, false],
  [
    '!= over [*] elements is per element; an absent array has none',
    'any(dns.fqdns[*] != "a")',
    {},
    false,
    false,
  ],
  ['a present value that differs is != either way', 'dns.fqdn ne "a"', { 'dns.fqdn': 'b' }, true, true],
  ['a present equal value is not != either way', 'dns.fqdn ne "a"', { 'dns.fqdn': 'a' }, false, false],
];

describe("absent values: absent_not_equal false (glia's default) and true (wirefilter's default)", () => {
  it.each(OPTIONAL_FIELDS)('%s with %j', (expression, fields, whenFalse, whenTrue) => {
    expect(evaluate(expression, fields, { absentNotEqual: false })).toBe(whenFalse);
    expect(evaluate(expression, fields, { absentNotEqual: true })).toBe(whenTrue);
  });

  it.each(MISSING)('%s: %s', (_behaviour, expression, fields, whenFalse, whenTrue) => {
    expect(evaluate(expression, fields)).toBe(whenFalse);
    expect(evaluate(expression, fields, { absentNotEqual: true })).toBe(whenTrue);
  });
});
