import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import { RuleSyntaxError } from './source-error.js';
import { testScheme } from './test-scheme.js';

const scheme = testScheme();

/** [expression, expected line:column, a fragment the message must contain] */
const INVALID: Array<[string, string, string]> = [
  // syntax
  ['', '1:1', 'expected a field, a function, "not" or "(", found end of input'],
  ['   ', '1:4', 'found end of input'],
  ['tcp.dstport eq', '1:15', 'expected a value after "eq", found end of input'],
  ['ip.proto eq   ', '1:15', 'expected a value after "eq", found end of input'],
  ['tcp.dstport ==', '1:15', 'expected a value after "==", found end of input'],
  [
    'tcp.dstport eq 22 and',
    '1:22',
    'expected a field, a function, "not" or "(" after "and", found end of input',
  ],
  ['tcp.dstport eq 22 or or tcp.dstport eq 1', '1:22', 'found "or"'],
  ['and tcp.dstport eq 22', '1:1', 'found "and"'],
  ['tcp.dstport eq 22 tcp.dstport eq 23', '1:19', 'expected "and", "or", "xor" or end of input'],
  ['(tcp.dstport eq 22', '1:19', 'expected ")" to close the "(" at 1:1'],
  ['tcp.dstport eq 22)', '1:18', 'expected "and", "or", "xor" or end of input'],
  ['()', '1:2', 'found ")"'],
  ['tcp.dstport 22', '1:13', 'expected an operator'],
  ['tcp.dstport = 22', '1:13', 'unexpected character "="; did you mean "==" or "eq"?'],
  ['tcp.dstport eq 22 & ip.proto eq "tcp"', '1:19', 'a single "&" is bitwise and'],
  ['tcp.dstport eq 22 | ip.proto eq "tcp"', '1:19', 'did you mean "||" or "or"?'],
  ['tcp.dstport eq 22 ^ ip.proto eq "tcp"', '1:19', 'did you mean "^^" or "xor"?'],
  ['tcp.dstport eq 22 $', '1:19', 'unexpected character "$"'],
  ['dns.fqdn eq "abc', '1:13', 'unterminated string'],
  ['dns.fqdn eq r#"abc"', '1:13', 'unterminated raw string: expected "#'],
  ['dns.fqdn eq "a\\qb"', '1:15', 'unknown escape "\\q" in a string: the escapes are'],
  ['dns.fqdn eq "\\x4"', '1:14', 'expected two hex digits after \\x'],
  ['dns.fqdn eq "\\xZZ"', '1:14', 'expected two hex digits after \\x, found "ZZ"'],
  ['tcp.dstport in 22', '1:16', 'expected "{" to start a set of values after "in", found "22"'],
  ['tcp.dstport in {22 80', '1:22', 'expected a value or "}" to close the set opened at 1:16'],
  ['tcp.dstport in {22, 80}', '1:19', 'separated by spaces, not commas'],
  ['dns.fqdn strict "a"', '1:17', 'expected "wildcard" after "strict"'],
  ['eq 22', '1:1', 'found "eq"'],
  ['"abc" eq dns.fqdn', '1:1', 'expected a field, a function, "not" or "(", found a string "abc"'],
  ['22 eq tcp.dstport', '1:1', 'found "22"'],
  ['identity.k8s.src_label["app" eq "x"', '1:30', 'expected "]"'],
  ['identity.k8s.src_label[] eq "x"', '1:24', 'expected a key in quotes, an index or "*" after "["'],
  ['lower(dns.fqdn eq "x"', '1:16', 'expected "," or ")" to close lower('],
  ['not', '1:4', 'found end of input'],
  ['tcp.dstport eq 22 and\n  (ip.proto eq', '2:15', 'expected a value after "eq", found end of input'],
  [
    'tcp.dstport eq 22\nand dns.fqdn eq foo',
    '2:17',
    'dns.fqdn is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "foo"',
  ],
  // fields
  ['ip.srcc eq 10.0.0.1', '1:1', 'unknown field ip.srcc; did you mean ip.src?'],
  ['nope eq 1', '1:1', 'unknown field nope'],
  ['tcp.dstport eq 22 and tcp.dsport eq 1', '1:23', 'did you mean tcp.dstport?'],
  ['foo(dns.fqdn) eq "x"', '1:1', 'unknown function foo()'],
  // types
  [
    'tcp.dstport eq "80"',
    '1:16',
    'tcp.dstport is Int: expected an integer without quotes, found a string "80"',
  ],
  ['tcp.dstport eq 80a', '1:16', 'expected an integer for tcp.dstport (Int): "80a" is not an integer'],
  ['tcp.dstport eq 99999999999999999999', '1:16', 'out of range'],
  ['ip.src contains "x"', '1:8', '"contains" is not defined for ip.src (Ip)'],
  ['ip.src matches "x"', '1:8', '"matches" is not defined for ip.src (Ip)'],
  ['tcp.dstport contains 1', '1:13', '"contains" is not defined for tcp.dstport (Int)'],
  ['tcp.dstport wildcard "8*"', '1:13', '"wildcard" is not defined for tcp.dstport (Int)'],
  ['ip.src eq "10.0.0.1"', '1:11', 'ip.src is Ip: expected an IP address without quotes'],
  ['ip.src eq 10.0.0.256', '1:11', 'expected an IP address for ip.src, found "10.0.0.256"'],
  [
    'ip.src eq 10.0.0.0/8',
    '1:11',
    'a CIDR or range (10.0.0.0/8) can only be used in a set: write ip.src in {10.0.0.0/8}',
  ],
  ['ip.dst in {10.0.0.0/8 10.0.0.0/33}', '1:23', 'prefix length 33 is longer than 32 bits in 10.0.0.0/33'],
  ['ip.dst in {10.0.0.0/8 "10.1.0.0/16"}', '1:23', 'expected an IP address, CIDR or range without quotes'],
  ['tcp.dstport in {22 9000..8000}', '1:20', 'range 9000..8000 is empty'],
  ['tcp.dstport in {22 80..x}', '1:24', '"x" is not an integer'],
  ['tcp.dstport in {22 "80"}', '1:20', 'expected an integer without quotes'],
  [
    'conn.phase in {"syn" flow}',
    '1:22',
    'conn.phase is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "flow"',
  ],
  [
    'dns.fqdn eq 5',
    '1:13',
    'dns.fqdn is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "5"',
  ],
  [
    'edge.declared',
    '1:1',
    'edge.declared is Int, not Bool: compare it with an operator (e.g. edge.declared eq 1)',
  ],
  ['dns.fqdn and tcp.dstport eq 1', '1:1', 'dns.fqdn is Bytes, not Bool'],
  ['not ip.src', '1:5', 'ip.src is Ip, not Bool'],
  ['test.flag eq 1', '1:11', 'test.flag is Bool: it cannot be compared'],
  [
    'identity.k8s.src_label eq "x"',
    '1:24',
    'identity.k8s.src_label is Map(Bytes): "eq" needs a single value; pick a value with identity.k8s.src_label["key"]',
  ],
  ['identity.k8s.src_label[app] eq "x"', '1:24', 'expected a key in quotes, found "app"'],
  ['identity.k8s.src_label[0] eq "x"', '1:24', 'expected a key in quotes'],
  ['dns.fqdn["x"] eq "y"', '1:10', 'dns.fqdn is Bytes: only Map and Array values can be indexed'],
  ['dns.fqdns["x"] eq "y"', '1:11', 'expected an index (0, 1, ...) or *'],
  ['dns.fqdns eq "a"', '1:11', 'dns.fqdns is Array(Bytes): "eq" needs a single value'],
  [
    'dns.fqdns[*] eq "a"',
    '1:1',
    'this is an Array(Bool) (it compares [*] elements): wrap it in any(...) or all(...)',
  ],
  ['any(dns.fqdns[*] eq "a") and dns.fqdns[*] eq "b"', '1:26', '"and" combines a Bool with an Array(Bool)'],
  ['any(dns.fqdn eq "a")', '1:1', 'any() needs an Array(Bool): a comparison over [*] elements'],
  ['all(dns.fqdns[*] eq "a", dns.fqdns[*] eq "b")', '1:24', 'all() takes 1 argument'],
  ['lower(tcp.dstport) eq "x"', '1:1', 'lower() takes Bytes, found Int'],
  ['lower(dns.fqdn) eq 1', '1:20', 'lower(dns.fqdn) is Bytes: expected a string in quotes or hex bytes'],
  ['lower(dns.fqdn, "x") eq "a"', '1:1', 'lower() takes 1 argument, found 2'],
  ['lower("x") eq "x"', '1:7', 'the first argument of lower() must be a field or a function, not a literal'],
  ['len(ip.src) gt 3', '1:1', 'len() takes Bytes, a Map or an Array, found Ip'],
  ['len(dns.fqdn) gt "3"', '1:18', 'len(dns.fqdn) is Int: expected an integer without quotes'],
  ['starts_with(dns.fqdn) ', '1:1', 'starts_with() takes 2 arguments, found 1'],
  ['starts_with(dns.fqdn, 5)', '1:23', 'the second argument of starts_with() must be a string literal'],
  ['starts_with(dns.fqdn, "a") eq 1', '1:28', 'starts_with(dns.fqdn, "a") is Bool: it cannot be compared'],
  ['len(dns.fqdn)', '1:1', 'len(dns.fqdn) is Int, not Bool'],
  // regexes and wildcards
  [
    'dns.fqdn matches "a("',
    '1:18',
    'invalid regular expression (RE2 syntax): error parsing regexp: missing closing )',
  ],
  ['dns.fqdn matches "(?<=a)b"', '1:18', 'invalid regular expression'],
  ['dns.fqdn matches "a{2,1}"', '1:18', 'invalid regular expression'],
  ['dns.fqdn ~ "\\1"', '1:12', 'invalid regular expression'],
  ['dns.fqdn wildcard "a\\\\qb"', '1:19', 'invalid wildcard: "\\q" is not a wildcard escape'],
];

describe('invalid expressions are rejected where they go wrong', () => {
  it('has at least 50 cases', () => expect(INVALID.length).toBeGreaterThanOrEqual(50));

  it.each(INVALID)('%j at %s: %s', (expression, position, fragment) => {
    let error: unknown;
    try {
      compileExpression(expression, scheme);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleSyntaxError);
    const e = error as RuleSyntaxError;
    expect(`${e.line}:${e.column}`).toBe(position);
    expect(e.message).toContain(fragment);
    expect(e.message.startsWith(`${position}: `)).toBe(true);
  });
});
