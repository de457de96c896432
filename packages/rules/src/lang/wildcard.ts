/**
 * wirefilter wildcards: `*` matches any sequence (including none), `\*` is a literal star and
 * `\\` a literal backslash; the pattern must match the whole value. With only `*` as a
 * metacharacter, leftmost-first placement of each middle segment is exact and linear.
 */
export function parseWildcard(pattern: string): string[] | string {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        return `"\\${next ?? ''}" is not a wildcard escape; write \\\\* for a literal star and \\\\\\\\ for a backslash`;
      }
      current += next;
      i++;
    } else current += c;
  }
  segments.push(current);
  return segments;
}

export function wildcardMatcher(
  segments: readonly string[],
  caseSensitive: boolean,
): (value: string) => boolean {
  const parts = caseSensitive ? [...segments] : segments.map((s) => s.toLowerCase());
  if (parts.length === 1) {
    const exact = parts[0];
    return caseSensitive ? (v) => v === exact : (v) => v.toLowerCase() === exact;
  }
  const head = parts[0];
  const tail = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  const minLength = parts.reduce((n, p) => n + p.length, 0);
  return (input) => {
    const v = caseSensitive ? input : input.toLowerCase();
    if (v.length < minLength || !v.startsWith(head) || !v.endsWith(tail)) return false;
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
