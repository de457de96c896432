/**
 * Integers as wirefilter reads them: `0x1F` is hexadecimal, a leading `0` makes the number octal
 * (`0123` is 83, `08` is an error), a `-` is followed by decimal digits (`-012` is -12). glia's
 * integers are JavaScript numbers, so values past ±(2^53 − 1) are an error rather than i64.
 */
export function parseIntLiteral(text: string): { value: number } | { error: string } {
  let digits: string;
  let radix: number;
  let negative = false;
  if (text.startsWith('0x')) {
    digits = text.slice(2);
    radix = 16;
    if (!/^[0-9a-fA-F]+$/.test(digits)) return { error: `"${text}" is not a hexadecimal integer` };
  } else if (text.startsWith('0') && text.length > 1) {
    digits = text.slice(1);
    radix = 8;
    if (!/^[0-7]+$/.test(digits)) {
      return {
        error: `"${text}" is not an octal integer: a leading 0 makes an integer octal (0123 is 83), as in wirefilter`,
      };
    }
  } else {
    negative = text.startsWith('-');
    digits = negative ? text.slice(1) : text;
    radix = 10;
    if (!/^[0-9]+$/.test(digits)) return { error: `"${text}" is not an integer` };
  }
  let value = 0;
  for (const d of digits) value = value * radix + parseInt(d, radix);
  if (negative) value = -value;
  if (!Number.isSafeInteger(value)) {
    return { error: `integer ${text} is out of range: glia's integers are at most 2^53 - 1 in size` };
  }
  return { value };
}

/** `a..b` (inclusive), or a single integer. */
export function parseIntRange(text: string): { lo: number; hi: number } | { error: string; at: number } {
  const dots = text.indexOf('..');
  if (dots < 0) {
    const single = parseIntLiteral(text);
    return 'error' in single ? { error: single.error, at: 0 } : { lo: single.value, hi: single.value };
  }
  const lo = parseIntLiteral(text.slice(0, dots));
  if ('error' in lo) return { error: lo.error, at: 0 };
  const hi = parseIntLiteral(text.slice(dots + 2));
  if ('error' in hi) return { error: hi.error, at: dots + 2 };
  if (lo.value > hi.value)
    return { error: `range ${text} is empty: its start is greater than its end`, at: 0 };
  return { lo: lo.value, hi: hi.value };
}
