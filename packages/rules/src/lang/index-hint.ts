import type { IpRange } from './ip-literal.js';
import type { Derivation } from './typed-value.js';

/**
 * A necessary condition of an expression on one value, for rule indexes: when the expression is
 * true, the value (read as `read` says) is one of these. Only comparisons that are false for an
 * absent value give hints (eq, in, ordering, ends_with, wildcard with a literal tail).
 */
export type IndexHint =
  | { kind: 'int'; key: string; read: Derivation; ranges: Array<[number, number]> }
  | { kind: 'bytes'; key: string; read: Derivation; values: string[] }
  | { kind: 'ip'; key: string; read: Derivation; ranges: IpRange[] }
  /** The value ends with one of the suffixes (after ASCII lower-casing when caseless). */
  | { kind: 'suffix'; key: string; read: Derivation; suffixes: string[]; caseless: boolean };

/** One hint true when any of the hints is (an `or`), when they constrain the same value the same way. */
export function unionOfHints(hints: ReadonlyArray<IndexHint | undefined>): IndexHint | undefined {
  const first = hints[0];
  if (first === undefined) return undefined;
  for (const h of hints) {
    if (h === undefined || h.kind !== first.kind || h.key !== first.key) return undefined;
    if (h.kind === 'suffix' && first.kind === 'suffix' && h.caseless !== first.caseless) return undefined;
  }
  switch (first.kind) {
    case 'int':
      return { ...first, ranges: hints.flatMap((h) => (h as typeof first).ranges) };
    case 'bytes':
      return { ...first, values: hints.flatMap((h) => (h as typeof first).values) };
    case 'ip':
      return { ...first, ranges: hints.flatMap((h) => (h as typeof first).ranges) };
    case 'suffix':
      return { ...first, suffixes: hints.flatMap((h) => (h as typeof first).suffixes) };
  }
}
