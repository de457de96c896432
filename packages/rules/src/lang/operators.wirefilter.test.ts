import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { compileError, evaluate } from './test-scheme.js';

/**
 * Operators, sets and patterns as wirefilter evaluates them (engine/src/ast/field_expr.rs tests,
 * engine/src/rhs_types/{ip,wildcard}.rs, engine/src/rhs_types/regex/imp_real.rs for the byte
 * regex configuration, and the `wildcard` crate wirefilter builds on). Each case names the
 * behaviour it checks.
 */
const CASES: Array<
  [behaviour: string, expression: string, fields: Record<string, FieldValue>, expected: boolean]
> = [
  // bitwise and (field_expr.rs test_bitwise_and)
  ['tcp.port & 1 is false for 80', 'tcp.dstport & 1', { 'tcp.dstport': 80 }, false],
  ['tcp.port & 1 is true for 443', 'tcp.dstport & 1', { 'tcp.dstport': 443 }, true],
  ['bitwise_and is the word for &', 'tcp.dstport bitwise_and 0x10', { 'tcp.dstport': 0x1f }, true],
  [
    '& is a comparison: it combines with and',
    'tcp.dstport & 2 and tcp.dstport gt 1',
    { 'tcp.dstport': 3 },
    true,
  ],
  ['& over 64-bit values (i64)', 'net.vni & 0x100000000', { 'net.vni': 2 ** 32 + 5 }, true],
  ["& with a negative value is two's complement", 'net.vni & 1', { 'net.vni': -1 }, true],
  ['& of absent is false', 'tcp.dstport & 1', {}, false],
  ['not & of absent is true', 'not tcp.dstport & 1', {}, true],
  // integer sets (test_int_in)
  ['in { 80 443 2082..2083 }: 2082', 'tcp.dstport in { 80 443 2082..2083 }', { 'tcp.dstport': 2082 }, true],
  ['in { 80 443 2082..2083 }: 2081', 'tcp.dstport in { 80 443 2082..2083 }', { 'tcp.dstport': 2081 }, false],
  ['an empty set matches nothing', 'tcp.dstport in {}', { 'tcp.dstport': 1 }, false],
  ['not in an empty set', 'not tcp.dstport in {}', { 'tcp.dstport': 1 }, true],
  // bytes sets (test_bytes_in)
  [
    'in { "example.org" "example.com" }',
    'dns.fqdn in { "example.org" "example.com" }',
    { 'dns.fqdn': 'example.com' },
    true,
  ],
  ['set strings need no space between them', 'dns.fqdn in {"a""b"}', { 'dns.fqdn': 'b' }, true],
  ['bytes set miss', 'dns.fqdn in { "example.org" "example.com" }', { 'dns.fqdn': 'example.net' }, false],
  // IP sets (test_ip_in, rhs_types/ip.rs test_lex)
  ['a /24', 'ip.src in {12.34.56.0/24}', { 'ip.src': '12.34.56.78' }, true],
  ['a /24 miss', 'ip.src in {12.34.56.0/24}', { 'ip.src': '12.34.57.1' }, false],
  ['a /32 is one address', 'ip.src in {12.34.56.0/32}', { 'ip.src': '12.34.56.0' }, true],
  ['an IPv6 /10', 'ip.src in {::/10}', { 'ip.src': '::1' }, true],
  ['an IPv4-mapped /127', 'ip.src in {::ffff:12.34.56.78/127}', { 'ip.src': '::ffff:12.34.56.79' }, true],
  [
    'an explicit range 10.0.0.0..127.0.0.1',
    'ip.src in {10.0.0.0..127.0.0.1}',
    { 'ip.src': '64.1.2.3' },
    true,
  ],
  ['range end is inclusive', 'ip.src in {10.0.0.0..127.0.0.1}', { 'ip.src': '127.0.0.1' }, true],
  ['past the range end', 'ip.src in {10.0.0.0..127.0.0.1}', { 'ip.src': '127.0.0.2' }, false],
  ['an IPv6 range ::1..::2', 'ip.src in {::1..::2}', { 'ip.src': '::2' }, true],
  ['IPv6 range miss', 'ip.src in {::1..::2}', { 'ip.src': '::3' }, false],
  [
    'ranges, CIDRs and addresses together',
    'ip.dst in {10.0.0.0..10.0.255.255 192.168.0.0/16 1.2.3.4}',
    { 'ip.dst': '10.0.9.9' },
    true,
  ],
  ['an IPv4 value is not in an IPv6 range', 'ip.src in {::/0}', { 'ip.src': '1.2.3.4' }, false],
  // IP comparisons (test_ip_compare, strict_partial_cmp)
  ['ip <= an IPv6 address: ::1', 'ip.src <= 10:20:30:40:50:60:70:80', { 'ip.src': '::1' }, true],
  ['ip <= equal', 'ip.src <= 10:20:30:40:50:60:70:80', { 'ip.src': '10:20:30:40:50:60:70:80' }, true],
  ['ip <= greater', 'ip.src <= 10:20:30:40:50:60:70:80', { 'ip.src': '10:20:30:40:50:60:70:81' }, false],
  ['IPv4 and IPv6 are not ordered', 'ip.src <= 10:20:30:40:50:60:70:80', { 'ip.src': '127.0.0.1' }, false],
  ['only ne is true across families', 'ip.src ne 10:20:30:40:50:60:70:80', { 'ip.src': '127.0.0.1' }, true],
  ['eq is false across families', 'ip.src eq ::ffff:127.0.0.1', { 'ip.src': '127.0.0.1' }, false],
  // contains (test_contains_bytes, test_contains_str)
  ['contains a string', 'test.bytes contains "abc"', { 'test.bytes': 'xabcx' }, true],
  ['contains hex bytes', 'test.bytes contains 6F:72', { 'test.bytes': 'org' }, true],
  ['contains is case-sensitive', 'test.bytes contains "ABC"', { 'test.bytes': 'xabcx' }, false],
  ['contains the empty string', 'test.bytes contains ""', { 'test.bytes': 'x' }, true],
  // Bytes ordering compares bytes (test_bytes_compare)
  ['Bytes ordering', 'test.bytes lt "b"', { 'test.bytes': 'abc' }, true],
  [
    'UTF-8 byte order: an astral character is after U+FFFF',
    'test.bytes gt "\uffff"',
    { 'test.bytes': '\u{10000}' },
    true,
  ],
  [
    'UTF-8 byte order: U+E000 is before an astral character',
    'test.bytes lt "\u{10000}"',
    { 'test.bytes': '\ue000' },
    true,
  ],
  // wildcards (rhs_types/wildcard.rs; the wildcard crate on bytes, ? disabled)
  ['* matches any sequence', 'test.bytes wildcard "*foo*bar*"', { 'test.bytes': 'xfooybarz' }, true],
  ['a wildcard matches the whole value', 'test.bytes wildcard "foo*"', { 'test.bytes': 'xfoo' }, false],
  ['wildcard folds ASCII case', 'test.bytes wildcard "*.EVIL.com"', { 'test.bytes': 'a.evil.COM' }, true],
  ['wildcard folds ASCII only (bytes): É is not é', 'test.bytes wildcard "É*"', { 'test.bytes': 'é' }, false],
  [
    'strict wildcard does not fold case',
    'test.bytes strict wildcard "*.EVIL.com"',
    { 'test.bytes': 'a.evil.com' },
    false,
  ],
  [
    '? is an ordinary character (disabled metasymbol)',
    'test.bytes wildcard "a?c"',
    { 'test.bytes': 'abc' },
    false,
  ],
  ['? matches itself', 'test.bytes wildcard "a?c"', { 'test.bytes': 'a?c' }, true],
  ['\\* is a literal star', 'test.bytes strict wildcard r"a\\*"', { 'test.bytes': 'a*' }, true],
  ['\\\\ is a literal backslash', 'test.bytes strict wildcard r"a\\\\b"', { 'test.bytes': 'a\\b' }, true],
  [
    'any number of stars (no star limit by default)',
    'test.bytes wildcard "*_*_*_*_*_*"',
    { 'test.bytes': '_____' },
    true,
  ],
  // lower and upper map ASCII letters only, as wirefilter maps bytes
  ['lower of ASCII', 'lower(test.bytes) eq "abc"', { 'test.bytes': 'ABC' }, true],
  ['lower leaves É (non-ASCII bytes) as it is', 'lower(test.bytes) eq "é"', { 'test.bytes': 'É' }, false],
  ['upper leaves é as it is', 'upper(test.bytes) eq "Aé"', { 'test.bytes': 'aé' }, true],
  ['len counts UTF-8 bytes', 'len(test.bytes) eq 4', { 'test.bytes': 'aé.' }, true],
  // regexes match bytes, Unicode off (regex/imp_real.rs: unicode(false), utf8(false))
  ['. is one byte: é is two', 'test.bytes matches "^..$"', { 'test.bytes': 'é' }, true],
  ['. is not a whole character', 'test.bytes matches "^.$"', { 'test.bytes': 'é' }, false],
  ['a literal é in the pattern is its bytes', 'test.bytes matches "^é$"', { 'test.bytes': 'é' }, true],
  ['a repeated é repeats the whole character', 'test.bytes matches "^é+$"', { 'test.bytes': 'éé' }, true],
  ['\\xC3\\xA9 in the pattern is é', 'test.bytes matches "^\\xC3\\xA9$"', { 'test.bytes': 'é' }, true],
  [
    '[^a] matches one byte of a multi-byte character',
    'test.bytes matches "^[^a]{2}$"',
    { 'test.bytes': 'é' },
    true,
  ],
  ['\\w is ASCII', 'test.bytes matches "^\\w+$"', { 'test.bytes': 'é' }, false],
  ['(?i) folds ASCII', 'test.bytes matches "(?i)^abc$"', { 'test.bytes': 'ABC' }, true],
  ['matches searches anywhere', 'test.bytes matches "b"', { 'test.bytes': 'abc' }, true],
  ['. does not match a newline', 'test.bytes matches "^a.b$"', { 'test.bytes': 'a\nb' }, false],
];

const ERRORS: Array<[behaviour: string, expression: string, error: string]> = [
  [
    '& needs an integer',
    'tcp.dstport & "1"',
    '1:15: tcp.dstport is Int: expected an integer without quotes, found a string "1"',
  ],
  [
    '& is only for Int (UnsupportedOp)',
    'test.bytes & 1',
    '1:12: "bitwise_and" is not defined for test.bytes (Bytes); use one of eq, ne, lt, le, gt, ge, contains, matches, wildcard, strict wildcard, in',
  ],
  [
    'a prefix longer than the address (NetworkLengthTooLongError)',
    'ip.src in {10.0.0.0/100}',
    '1:12: prefix length 100 is longer than 32 bits in 10.0.0.0/100 (ip.src is Ip)',
  ],
  [
    'a bad prefix length (NetworkLengthParseError)',
    'ip.src in {::/.1}',
    '1:12: ".1" is not a prefix length (ip.src is Ip)',
  ],
  [
    'host bits must be zero (InvalidHostPart)',
    'ip.src in {10.0.0.1/8}',
    '1:12: the host part of 10.0.0.1/8 is not zero: write the network address, e.g. 10.0.0.0/8 (ip.src is Ip)',
  ],
  [
    'range ends of two families (IncompatibleRangeBounds)',
    'ip.src in {10.0.0.0..::1}',
    '1:12: incompatible range bounds in 10.0.0.0..::1: both ends must be of one family, the first not above the last (ip.src is Ip)',
  ],
  [
    'IPv6 then IPv4 (IncompatibleRangeBounds)',
    'ip.src in {::1..10.0.0.0}',
    '1:12: incompatible range bounds in ::1..10.0.0.0: both ends must be of one family, the first not above the last (ip.src is Ip)',
  ],
  [
    'a descending IPv4 range',
    'ip.src in {127.0.0.1..10.0.0.0}',
    '1:12: incompatible range bounds in 127.0.0.1..10.0.0.0: both ends must be of one family, the first not above the last (ip.src is Ip)',
  ],
  [
    'a descending IPv6 range',
    'ip.src in {::2..::1}',
    '1:12: incompatible range bounds in ::2..::1: both ends must be of one family, the first not above the last (ip.src is Ip)',
  ],
  [
    'five octets (AddrParseError)',
    'ip.src in {10.0.0.0.0/10}',
    '1:12: expected an IP address, CIDR or range, found "10.0.0.0.0/10" (ip.src is Ip)',
  ],
  [
    'leading zeros in an octet are ambiguous (difference: the cidr crate reads 01 as 1)',
    'ip.src in {1.1.1.01}',
    '1:12: expected an IP address, CIDR or range, found "1.1.1.01" (ip.src is Ip)',
  ],
  [
    'a CIDR is not an address for eq',
    'ip.src eq 10.0.0.0/8',
    '1:11: a CIDR or range (10.0.0.0/8) can only be used in a set: write ip.src in {10.0.0.0/8}',
  ],
  [
    'named lists (in $name) are not supported',
    'tcp.dstport in $even',
    '1:16: unexpected character "$"; did you mean a set in braces: named lists ("in $name") are not supported?',
  ],
  [
    'a double star (WildcardError::DoubleStar)',
    'test.bytes wildcard "*foo**bar*"',
    '1:21: invalid wildcard: wildcard contains a double star',
  ],
  [
    'strict wildcards reject a double star too',
    'test.bytes strict wildcard "a**"',
    '1:28: invalid wildcard: wildcard contains a double star',
  ],
  [
    '\\b is no wildcard escape (InvalidWildcard)',
    'test.bytes wildcard r"*foo\\bar*"',
    '1:21: invalid wildcard: "\\b" is not a wildcard escape; write \\\\* for a literal star and \\\\\\\\ for a backslash',
  ],
  [
    '\\? is no escape with ? disabled',
    'test.bytes wildcard r"a\\?"',
    '1:21: invalid wildcard: "\\?" is not a wildcard escape; write \\\\* for a literal star and \\\\\\\\ for a backslash',
  ],
  [
    'a trailing backslash',
    'test.bytes wildcard r"a\\"',
    '1:21: invalid wildcard: incomplete escape sequence at the end of the wildcard',
  ],
  [
    'Unicode classes do not exist with Unicode off',
    'test.bytes matches "\\pL"',
    '1:20: \\p (a Unicode class) is not available: wirefilter matches bytes with Unicode off',
  ],
  [
    'a non-ASCII character in a class',
    'test.bytes matches "[é]"',
    '1:20: "é" inside a character class: wirefilter classes hold bytes; write the character\'s bytes outside a class, e.g. (?:\\xC3\\xA9)',
  ],
  [
    '(?i) with non-ASCII bytes',
    'test.bytes matches "(?i)é"',
    '1:20: case-insensitive matching with non-ASCII bytes is not available: wirefilter folds ASCII letters only, RE2 would fold Latin-1 bytes too',
  ],
  [
    'a code point above \\xFF',
    'test.bytes matches "\\x{100}"',
    '1:20: \\x{100} is above \\xFF: wirefilter matches bytes, write the UTF-8 bytes',
  ],
];

describe('operators, sets and patterns behave as in wirefilter', () => {
  it.each(CASES)('%s: %s', (_behaviour, expression, fields, expected) => {
    expect(evaluate(expression, fields)).toBe(expected);
  });

  it.each(ERRORS)('%s: %s', (_behaviour, expression, error) => {
    expect(compileError(expression)).toBe(error);
  });
});
