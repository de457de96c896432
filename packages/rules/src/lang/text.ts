/**
 * wirefilter's Bytes semantics over glia's text values. Bytes are compared as UTF-8 bytes; for
 * valid UTF-8 that is code point order, which differs from JavaScript's code unit order only
 * between astral characters (surrogate pairs) and U+E000..U+FFFF. Case mapping is ASCII only, as
 * wirefilter's lower()/upper() and case-insensitive wildcards map bytes.
 */

/** Negative, zero or positive as a is before, equal to or after b in UTF-8 byte order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // A surrogate (a code point above U+FFFF) sorts after any other non-equal BMP code unit at
    // or above U+E000; below U+D800 the code unit order is already the code point order.
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** A-Z to a-z; every other character as it is. */
export function asciiLower(s: string): string {
  return mapAscii(s, 65, 90, (t) => t.toLowerCase());
}

/** a-z to A-Z; every other character as it is. */
export function asciiUpper(s: string): string {
  return mapAscii(s, 97, 122, (t) => t.toUpperCase());
}

/**
 * Changes the case of the ASCII letters from..to of s. When s is all ASCII, JavaScript's own case
 * mapping does exactly that (and fast); otherwise the letters are mapped one run at a time.
 */
function mapAscii(s: string, from: number, to: number, map: (t: string) => string): string {
  let letters = false;
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= from && c <= to) letters = true;
    else if (c >= 0x80) ascii = false;
  }
  if (!letters) return s;
  if (ascii) return map(s);
  return s.replace(from === 65 ? /[A-Z]+/g : /[a-z]+/g, map);
}

/**
 * The value as a string of its UTF-8 bytes, one character (U+0000..U+00FF) per byte, so a regex
 * engine over characters matches bytes, as wirefilter's (Unicode off) does. ASCII stays as it is.
 */
export function byteString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return Buffer.from(s, 'utf8').toString('latin1');
  }
  return s;
}
