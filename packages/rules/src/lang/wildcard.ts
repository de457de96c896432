import { asciiLower } from './text.js';

/**
 * wirefilter wildcards (the `wildcard` crate with `?` disabled): `*` matches any sequence,
 * including none; `\*` is a literal star and `\\` a literal backslash; any other escape, a
 * trailing backslash and a double star (`**`) are errors. The pattern must match the whole value.
 * Returns the literal segments between stars, or why the pattern is invalid.
 */
export function parseWildcard(pattern: string): string[] | string {
  const segments: string[] = [];
  let current = '';
  let lastWasStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (lastWasStar) return 'wildcard contains a double star';
      segments.push(current);
      current = '';
      lastWasStar = true;
      continue;
    }
    lastWasStar = false;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return 'incomplete escape sequence at the end of the wildcard';
      if (next !== '*' && next !== '\\') {
        return `"\\${next}" is not a wildcard escape; write \\\\* for a literal star and \\\\\\\\ for a backslash`;
      }
      current += next;
      i++;
    } else current += c;
  }
  segments.push(current);
  return segments;
}

/**
 * A matcher over the segments. Case-insensitive matching folds ASCII letters only, as the
 * wildcard crate does on bytes. With `*` the only metacharacter, placing each middle segment at
 * its leftmost occurrence is exact and linear.
 */
export function wildcardMatcher(
  segments: readonly string[],
  caseSensitive: boolean,
): (value: string) => boolean {
  const parts = caseSensitive ? [...segments] : segments.map(asciiLower);
  if (parts.length === 1) {
    const exact = parts[0];
    return caseSensitive ? (v) => v === exact : (v) => v.length === exact.length && asciiLower(v) === exact;
  }
  const head = parts[0];
  const tail = parts[parts.length - 1];
  // Never empty: parseWildcard refuses a double star.
  const middle = parts.slice(1, -1);
  const minLength = parts.reduce((n, p) => n + p.length, 0);
  return (input) => {
    if (input.length < minLength) return false;
    const v = caseSensitive ? input : asciiLower(input);
    if (!v.startsWith(head) || !v.endsWith(tail)) return false;
    let at = head.length;
    const limit = v.length - tail.length;
    for (const m of middle) {
      const found = v.indexOf(m, at);
      if (found < 0 || found + m.length > limit) return false;
      at = found + m.length;
    }
    return true;
  };
}
