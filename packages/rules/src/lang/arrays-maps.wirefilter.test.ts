import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { compileError, evaluate } from './test-scheme.js';

const map = (entries: Record<string, FieldValue>): ReadonlyMap<string, FieldValue> =>
  new Map(Object.entries(entries));

/**
 * Arrays and maps as wirefilter has them (engine/src/ast/index_expr.rs, field_expr.rs map-each
 * tests, function_expr.rs map-each over function arguments, logical_expr.rs for Array(Bool) logic
 * and any/all). Each case names the behaviour it checks.
 */
const CASES: Array<
  [behaviour: string, expression: string, fields: Record<string, FieldValue>, expected: boolean]
> = [
  // index access (test_array_indices, test_map_access)
  ['array index', 'dns.fqdns[1] eq "b"', { 'dns.fqdns': ['a', 'b'] }, true],
  ['array index in hex', 'dns.fqdns[0x1] eq "b"', { 'dns.fqdns': ['a', 'b'] }, true],
  [
    'array index in octal: [010] is 8',
    'dns.fqdns[010] eq "i"',
    { 'dns.fqdns': ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] },
    true,
  ],
  ['a missing index is absent', 'dns.fqdns[5] eq "b"', { 'dns.fqdns': ['a', 'b'] }, false],
  [
    'map key',
    'identity.k8s.src_label["app"] eq "web"',
    { 'identity.k8s.src_label': map({ app: 'web' }) },
    true,
  ],
  [
    'a map key in escapes',
    'identity.k8s.src_label["\\x61pp"] eq "web"',
    { 'identity.k8s.src_label': map({ app: 'web' }) },
    true,
  ],
  // chained access (test_map_each_nested, test_flatten)
  [
    'm["k"][0]',
    'test.headers["accept"][0] eq "json"',
    { 'test.headers': map({ accept: ['json', 'xml'] }) },
    true,
  ],
  [
    'any(m["k"][*] ...)',
    'any(test.headers["accept"][*] eq "xml")',
    { 'test.headers': map({ accept: ['json', 'xml'] }) },
    true,
  ],
  [
    'm[*][*] flattens every value of every key',
    'any(test.headers[*][*] eq "gzip")',
    { 'test.headers': map({ accept: ['json'], encoding: ['br', 'gzip'] }) },
    true,
  ],
  [
    'm[*][0] takes the first of each',
    'any(test.headers[*][0] eq "br")',
    { 'test.headers': map({ accept: ['json'], encoding: ['br', 'gzip'] }) },
    true,
  ],
  [
    'm[*][0] is not the second of each',
    'any(test.headers[*][0] eq "gzip")',
    { 'test.headers': map({ accept: ['json'], encoding: ['br', 'gzip'] }) },
    false,
  ],
  [
    'a[*][*] over an Array(Array(Bytes))',
    'any(test.parts[*][*] eq "[5][5]")',
    { 'test.parts': [['x'], ['y', '[5][5]']] },
    true,
  ],
  ['a[1][*]', 'all(test.parts[1][*] ne "x")', { 'test.parts': [['x'], ['y', 'z']] }, true],
  [
    'a[*][1]: elements without index 1 are left out',
    'all(test.parts[*][1] eq "z")',
    { 'test.parts': [['x'], ['y', 'z']] },
    true,
  ],
  // functions over [*] elements give arrays (test_map_each_on_array_with_function, ..._len_function)
  [
    'lower(x[*])[*]: compare the lowered elements',
    'any(lower(dns.fqdns[*])[*] contains "evil")',
    { 'dns.fqdns': ['ok.com', 'EVIL.org'] },
    true,
  ],
  [
    'len(x[*])[*] > 3: lengths of each',
    'any(len(dns.fqdns[*])[*] gt 3)',
    { 'dns.fqdns': ['one', 'two', 'three'] },
    true,
  ],
  [
    'len(x[*])[*] > 5: none that long',
    'any(len(dns.fqdns[*])[*] gt 5)',
    { 'dns.fqdns': ['one', 'two', 'three'] },
    false,
  ],
  [
    'len(lower(x[*])) is the number of elements',
    'len(lower(dns.fqdns[*])) eq 3',
    { 'dns.fqdns': ['one', 'two', 'three'] },
    true,
  ],
  [
    'lower(x[*])[1] is the second lowered element',
    'lower(dns.fqdns[*])[1] eq "two"',
    { 'dns.fqdns': ['ONE', 'TWO'] },
    true,
  ],
  [
    'functions map over map values',
    'any(upper(identity.k8s.dst_label[*])[*] eq "DB")',
    { 'identity.k8s.dst_label': map({ tier: 'db' }) },
    true,
  ],
  [
    'starts_with(x[*], s) is an Array(Bool)',
    'any(starts_with(dns.fqdns[*], "api"))',
    { 'dns.fqdns': ['www', 'api.x'] },
    true,
  ],
  [
    'all over starts_with(x[*], s)',
    'all(ends_with(dns.fqdns[*], ".com"))',
    { 'dns.fqdns': ['a.com', 'b.com'] },
    true,
  ],
  [
    'functions nest: lower(upper(x[*])[*])',
    'any(lower(upper(dns.fqdns[*])[*])[*] eq "ab")',
    { 'dns.fqdns': ['aB'] },
    true,
  ],
  // Array(Bool) and element-wise logic (logical_expr.rs test)
  ['any(at): [true, false, true]', 'any(test.bools)', { 'test.bools': [true, false, true] }, true],
  ['all(at): [true, false, true]', 'all(test.bools)', { 'test.bools': [true, false, true] }, false],
  ['any of an empty Array(Bool)', 'any(test.bools)', { 'test.bools': [] }, false],
  ['all of an empty Array(Bool) is true', 'all(test.bools)', { 'test.bools': [] }, true],
  [
    'at and af element by element: [F, F, T]',
    'any(test.bools and test.bools2)',
    { 'test.bools': [true, false, true], 'test.bools2': [false, false, true] },
    true,
  ],
  [
    'at and af: not all',
    'all(test.bools or test.bools2)',
    { 'test.bools': [true, false, true], 'test.bools2': [false, false, true] },
    false,
  ],
  [
    'at xor af: [T, F, F]',
    'any(test.bools xor test.bools2)',
    { 'test.bools': [true, false, true], 'test.bools2': [false, false, true] },
    true,
  ],
  [
    'element-wise logic stops at the shorter array',
    'all(test.bools and test.bools2)',
    { 'test.bools': [true, true, false], 'test.bools2': [true, true] },
    true,
  ],
  ['not at: [F, T, F]', 'any(not test.bools)', { 'test.bools': [true, false, true] }, true],
  ['!!at', 'all(!!test.bools)', { 'test.bools': [true, true] }, true],
  [
    'comparisons combine element by element',
    'any(dns.fqdns[*] contains "a" and dns.fqdns[*] contains "b")',
    { 'dns.fqdns': ['a', 'b', 'ab'] },
    true,
  ],
  [
    'element-wise and is per element, not per array',
    'any(dns.fqdns[*] contains "a" and dns.fqdns[*] contains "b")',
    { 'dns.fqdns': ['a', 'b'] },
    false,
  ],
  ['at[*] compares each Bool', 'any(test.bools[*])', { 'test.bools': [false, true] }, true],
  ['at[0] is one Bool', 'test.bools[0]', { 'test.bools': [true] }, true],
  // any/all over missing arrays (logical_expr.rs test, field_expr.rs test_any_all_functions_with_missing_arrays)
  [
    'any(m["missing"]) over a value is false',
    'any(test.flags_by_key["missing"])',
    { 'test.flags_by_key': map({}) },
    false,
  ],
  [
    'all(m["missing"]) over a value is false',
    'all(test.flags_by_key["missing"])',
    { 'test.flags_by_key': map({}) },
    false,
  ],
  [
    'any(m["missing"][*] matches ...) is false',
    'any(test.headers["missing"][*] matches "bar")',
    { 'test.headers': map({}) },
    false,
  ],
  [
    'all(m["missing"][*] matches ...) is true',
    'all(test.headers["missing"][*] matches "bar")',
    { 'test.headers': map({}) },
    true,
  ],
  ["all over an absent field's [*] is true", 'all(dns.fqdns[*] eq "x")', {}, true],
  ["any over an absent field's [*] is false", 'any(dns.fqdns[*] eq "x")', {}, false],
  ['all over an empty array is true', 'all(dns.fqdns[*] eq "x")', { 'dns.fqdns': [] }, true],
  ['any(f(absent[*])) over a function value is false', 'any(starts_with(dns.fqdns[*], "a"))', {}, false],
  ['all(f(absent[*])) over a function value is false', 'all(starts_with(dns.fqdns[*], "a"))', {}, false],
  ['any() of an Int array set', 'any(test.ports[*] in {22 2222})', { 'test.ports': [80, 2222] }, true],
  [
    'any() of IP array elements in a CIDR',
    'any(test.ips[*] in {10.0.0.0/8})',
    { 'test.ips': ['192.168.1.1', '10.1.2.3'] },
    true,
  ],
  [
    'glia accepts a logical expression in any() without extra parentheses',
    'any(dns.fqdns[*] eq "a" or dns.fqdns[*] eq "b")',
    { 'dns.fqdns': ['b'] },
    true,
  ],
];

const ERRORS: Array<[behaviour: string, expression: string, error: string]> = [
  [
    '[*] on Bytes (InvalidIndexAccess)',
    'test.bytes[*] eq "three"',
    '1:12: test.bytes is Bytes: only Map and Array values can be indexed',
  ],
  ['[*] on an Ip', 'ip.src[*] eq 127.0.0.1', '1:8: ip.src is Ip: only Map and Array values can be indexed'],
  ['[*] on a Bool', 'test.flag[*]', '1:11: test.flag is Bool: only Map and Array values can be indexed'],
  [
    '[*] on an Int',
    'tcp.dstport[*] eq 80',
    '1:13: tcp.dstport is Int: only Map and Array values can be indexed',
  ],
  [
    'a map key must be a string',
    'identity.k8s.src_label[0] eq "x"',
    '1:24: identity.k8s.src_label is Map(Bytes): expected a key in quotes, found "0"',
  ],
  [
    'an array index must be an integer',
    'dns.fqdns["x"] eq "y"',
    '1:11: dns.fqdns is Array(Bytes): expected an index (0, 1, ...) or *',
  ],
  [
    'an array index is not negative (u32)',
    'dns.fqdns[-1] eq "y"',
    '1:11: dns.fqdns is Array(Bytes): expected an index (0, 1, ...) or *',
  ],
  [
    'a mapped function result is an array: compare it with [*]',
    'any(lower(dns.fqdns[*]) contains "evil")',
    '1:25: lower(dns.fqdns[*]) is Array(Bytes): "contains" needs a single value; use lower(dns.fqdns[*])[0], or lower(dns.fqdns[*])[*] inside any(...) or all(...)',
  ],
  [
    'len(x[*]) is an Array(Int)',
    'len(dns.fqdns[*]) gt 3',
    '1:19: len(dns.fqdns[*]) is Array(Int): "gt" needs a single value; use len(dns.fqdns[*])[0], or len(dns.fqdns[*])[*] inside any(...) or all(...)',
  ],
  [
    'an Array(Bool) is no filter (TypeMismatch)',
    'test.bools',
    '1:1: this is an Array(Bool) (it compares [*] elements): wrap it in any(...) or all(...)',
  ],
  [
    'Bool and Array(Bool) do not combine (TypeMismatch)',
    'test.flag and test.bools',
    '1:11: "and" combines a Bool with an Array(Bool) (a comparison over [*] elements); wrap the [*] side in any(...) or all(...)',
  ],
  [
    'Array(Bool) and Bool do not combine (TypeMismatch)',
    'any(test.bools or test.flag)',
    '1:16: "or" combines a Bool with an Array(Bool) (a comparison over [*] elements); wrap the [*] side in any(...) or all(...)',
  ],
  [
    'any() of a Bool (TypeMismatch)',
    'any(test.flag)',
    '1:1: any() needs an Array(Bool): a comparison over [*] elements, e.g. any(dns.fqdns[*] eq "x")',
  ],
  [
    'a Bytes array is no Bool',
    'any(dns.fqdns)',
    '1:5: dns.fqdns is Array(Bytes), not Bool: use dns.fqdns[*] inside any(...) or all(...)',
  ],
];

describe('arrays and maps behave as in wirefilter', () => {
  it.each(CASES)('%s: %s', (_behaviour, expression, fields, expected) => {
    expect(evaluate(expression, fields)).toBe(expected);
  });

  it.each(ERRORS)('%s: %s', (_behaviour, expression, error) => {
    expect(compileError(expression)).toBe(error);
  });
});
