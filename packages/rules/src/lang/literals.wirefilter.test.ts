import { describe, expect, it } from 'vitest';
import { compileError, evaluate } from './test-scheme.js';

/**
 * Literals as wirefilter lexes them (engine/src/rhs_types/{int,bytes,ip}.rs and
 * engine/src/rhs_types/regex/mod.rs and their unit tests). Each case names the behaviour.
 */
const MATCHES: Array<
  [behaviour: string, expression: string, fields: Record<string, string | number>, expected: boolean]
> = [
  // integers (rhs_types/int.rs: i64::lex)
  ['a leading 0 makes an integer octal: 0123 is 83', 'tcp.dstport eq 0123', { 'tcp.dstport': 83 }, true],
  ['0123 is not 123', 'tcp.dstport eq 0123', { 'tcp.dstport': 123 }, false],
  ['0 alone is zero', 'net.vni eq 0', { 'net.vni': 0 }, true],
  ['0x is hexadecimal: 0x1f5 is 501', 'tcp.dstport eq 0x1f5', { 'tcp.dstport': 501 }, true],
  ['hex digits in either case', 'tcp.dstport eq 0x1F5', { 'tcp.dstport': 501 }, true],
  ['a minus sign is followed by decimal digits: -12', 'net.vni eq -12', { 'net.vni': -12 }, true],
  ['-012 is decimal -12, not octal', 'net.vni eq -012', { 'net.vni': -12 }, true],
  [
    'ranges take octal and hex ends: 0123..0xef is 83..239',
    'tcp.dstport in {0123..0xef}',
    { 'tcp.dstport': 239 },
    true,
  ],
  ['octal range start', 'tcp.dstport in {0123..0xef}', { 'tcp.dstport': 82 }, false],
  ['negative ranges: -20..-10', 'net.vni in {-20..-10}', { 'net.vni': -15 }, true],
  ['set of integers and a range', 'tcp.dstport in { 80 443 2082..2083 }', { 'tcp.dstport': 2083 }, true],
  ['set misses past the range', 'tcp.dstport in { 80 443 2082..2083 }', { 'tcp.dstport': 2084 }, false],
  // quoted strings (rhs_types/bytes.rs: lex_quoted_string)
  ['\\" and \\\\ escapes', 'test.bytes eq "s\\\\t\\"r"', { 'test.bytes': 's\\t"r' }, true],
  ['\\xHH is one byte: \\x41 is A', 'test.bytes eq "\\x41\\x42"', { 'test.bytes': 'AB' }, true],
  ['\\OOO is one byte in octal: \\101 is A', 'test.bytes eq "\\101\\102"', { 'test.bytes': 'AB' }, true],
  ['\\000 is the NUL byte', 'test.bytes eq "a\\000b"', { 'test.bytes': 'a\u0000b' }, true],
  ['\\177 is DEL', 'test.bytes eq "\\177"', { 'test.bytes': '\u007f' }, true],
  ['escaped bytes form UTF-8: \\303\\251 is é', 'test.bytes eq "\\303\\251"', { 'test.bytes': 'é' }, true],
  [
    '\\xC3\\xA9 is é (bytes, not two Latin-1 characters)',
    'test.bytes eq "\\xC3\\xA9"',
    { 'test.bytes': 'é' },
    true,
  ],
  [
    'a literal é is its UTF-8 bytes',
    'len(test.bytes) eq 2 and test.bytes eq "é"',
    { 'test.bytes': 'é' },
    true,
  ],
  ['a newline inside quotes is part of the string', 'test.bytes eq "a\nb"', { 'test.bytes': 'a\nb' }, true],
  // raw strings (rhs_types/bytes.rs: lex_raw_string_as_str)
  ['r"..." takes backslashes literally', 'test.bytes eq r"a\\d"', { 'test.bytes': 'a\\d' }, true],
  ['r#"..."# may hold quotes', 'test.bytes eq r#"say "hi""#', { 'test.bytes': 'say "hi"' }, true],
  ['quotes and hashes inside: r##""a"#b"##', 'test.bytes eq r##""a"#b"##', { 'test.bytes': '"a"#b' }, true],
  ['r###"a###"##""### ends at "###', 'test.bytes eq r###"a###"##""###', { 'test.bytes': 'a###"##"' }, true],
  [
    '255 hashes are allowed',
    `test.bytes eq r${'#'.repeat(255)}"abc"${'#'.repeat(255)}`,
    { 'test.bytes': 'abc' },
    true,
  ],
  ['an empty raw string', 'test.bytes eq r""', { 'test.bytes': '' }, true],
  // unquoted hex bytes (rhs_types/bytes.rs: lex_byte_string)
  ['hex bytes with colons: 6F:72:67 is "org"', 'test.bytes eq 6F:72:67', { 'test.bytes': 'org' }, true],
  ['hex bytes with dots', 'test.bytes eq 6F.72.67', { 'test.bytes': 'org' }, true],
  ['hex bytes with dashes', 'test.bytes eq 6F-72-67', { 'test.bytes': 'org' }, true],
  ['mixed separators: 61:62-63.64', 'test.bytes eq 61:62-63.64', { 'test.bytes': 'abcd' }, true],
  ['lower-case hex digits', 'test.bytes eq 6f:72:67', { 'test.bytes': 'org' }, true],
  ['hex bytes in a set', 'test.bytes in {6F:72:67 "com"}', { 'test.bytes': 'org' }, true],
  ['hex bytes after contains', 'test.bytes contains 72:67', { 'test.bytes': 'org' }, true],
  [
    'hex bytes do not clash with IPv6-looking text',
    'test.bytes ge 10:20:30:40:50:60:70:71',
    { 'test.bytes': '\u0011' },
    true,
  ],
  // regular expressions (rhs_types/regex/mod.rs: lex_regex_from_literal)
  [
    'a quote inside a character class does not end a quoted regex',
    'test.bytes matches "[a-z\\"\\]]+"',
    { 'test.bytes': 'a"b]' },
    true,
  ],
  [
    'the class from wirefilter\'s test: "[a-z"\\]]+\\d{1,10}\\""',
    'test.bytes matches "[a-z"\\]]+\\d{1,10}\\""',
    { 'test.bytes': 'ab"]12"' },
    true,
  ],
  [
    '\\" outside a class is a quote',
    'test.bytes matches "^say \\"hi\\"$"',
    { 'test.bytes': 'say "hi"' },
    true,
  ],
  ['other escapes reach the regex engine: \\d', 'test.bytes matches "^\\d+$"', { 'test.bytes': '123' }, true],
  ['\\. is a literal dot for the regex', 'test.bytes matches "^a\\.b$"', { 'test.bytes': 'axb' }, false],
  ['a raw regex keeps every escape', 'test.bytes matches r"^[\\[\\]]+$"', { 'test.bytes': '[]' }, true],
  ['~ is matches, with the same lexing', 'test.bytes ~ "[\\"]"', { 'test.bytes': '"' }, true],
];

const ERRORS: Array<[behaviour: string, expression: string, error: string]> = [
  [
    '08 is not octal',
    'tcp.dstport eq 08',
    '1:16: expected an integer for tcp.dstport (Int): "08" is not an octal integer: a leading 0 makes an integer octal (0123 is 83), as in wirefilter',
  ],
  [
    '0x needs digits',
    'tcp.dstport eq 0x',
    '1:16: expected an integer for tcp.dstport (Int): "0x" is not a hexadecimal integer',
  ],
  [
    '10fe is not decimal',
    'tcp.dstport eq 10fe',
    '1:16: expected an integer for tcp.dstport (Int): "10fe" is not an integer',
  ],
  [
    'past 2^53 - 1 is out of range (glia; wirefilter: i64)',
    'net.vni eq 9007199254740992',
    "1:12: expected an integer for net.vni (Int): integer 9007199254740992 is out of range: glia's integers are at most 2^53 - 1 in size",
  ],
  [
    'a range must not be empty (IncompatibleRangeBounds)',
    'tcp.dstport in {10..0}',
    '1:17: expected an integer or range for tcp.dstport (Int): range 10..0 is empty: its start is greater than its end',
  ],
  [
    '\\n is not an escape (InvalidCharacterEscape)',
    'test.bytes eq "\\n"',
    '1:16: unknown escape "\\n" in a string: the escapes are \\" \\\\ \\xHH and \\OOO (octal); use r"..." for a raw string',
  ],
  ['\\x needs two hex digits', 'test.bytes eq "\\x3"', '1:16: expected two hex digits after \\x, found "3"'],
  [
    '\\OOO needs three octal digits',
    'test.bytes eq "\\01"',
    '1:16: expected three octal digits from \\000 to \\377 after \\, found "01"',
  ],
  [
    '\\400 is above a byte',
    'test.bytes eq "\\400"',
    '1:16: expected three octal digits from \\000 to \\377 after \\, found "400"',
  ],
  [
    'a missing closing quote (MissingEndingQuote)',
    'test.bytes eq "abcd\\"',
    '1:15: unterminated string: could not find the ending quote',
  ],
  [
    'raw string hashes must match (MissingEndingQuote)',
    'test.bytes eq r#"a"',
    '1:15: unterminated raw string: expected "#',
  ],
  [
    '256 hashes are too many (InvalidRawStringHashCount)',
    `test.bytes eq r${'#'.repeat(256)}"abc"${'#'.repeat(256)}`,
    '1:16: a raw string has 256 "#"s; there can\'t be more than 255',
  ],
  ['r# must be followed by " or #', 'test.bytes eq r#ab', '1:17: expected " after r# to start a raw string'],
  [
    'one hex byte is not a byte string (it needs a separator)',
    'test.bytes eq 01',
    '1:15: test.bytes is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "01"',
  ],
  [
    'hex bytes are two digits each',
    'test.bytes eq 01:4x',
    '1:15: test.bytes is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "01:4x"',
  ],
  [
    'a trailing separator',
    'test.bytes eq 01:',
    '1:15: test.bytes is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "01:"',
  ],
  [
    'a regex must be quoted (not hex bytes)',
    'test.bytes matches 61:62',
    '1:20: expected a regular expression in quotes or r"..." after "matches", found "61:62"',
  ],
  [
    'a wildcard must be quoted (not hex bytes)',
    'test.bytes wildcard 61:20:71',
    '1:21: expected a wildcard pattern in quotes or r"..." after "wildcard", found "61:20:71"',
  ],
  [
    'bytes that are not UTF-8 cannot equal a glia value (difference)',
    'test.bytes eq "\\xFF"',
    '1:15: these bytes are not valid UTF-8: glia compares Bytes fields as text, so they could never match (see "Differences from wirefilter")',
  ],
  [
    "wirefilter's own 10:..:80 ends in a lone 0x80: not UTF-8 (difference)",
    'test.bytes ge 10:20:30:40:50:60:70:80',
    '1:15: these bytes are not valid UTF-8: glia compares Bytes fields as text, so they could never match (see "Differences from wirefilter")',
  ],
  [
    'hex bytes that are not UTF-8 (difference)',
    'test.bytes eq C3:28',
    '1:15: these bytes are not valid UTF-8: glia compares Bytes fields as text, so they could never match (see "Differences from wirefilter")',
  ],
];

describe('literals lex as wirefilter lexes them', () => {
  it.each(MATCHES)('%s: %s', (_behaviour, expression, fields, expected) => {
    expect(evaluate(expression, fields)).toBe(expected);
  });

  it.each(ERRORS)('%s: %s', (_behaviour, expression, error) => {
    expect(compileError(expression)).toBe(error);
  });
});
