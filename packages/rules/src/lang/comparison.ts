import { CidrSet, normalizeIp, parseIPv4, parseIPv6, type FieldType } from '@glia/core';
import { RE2JS } from 're2js';
import type { ComparisonOp, Literal } from './ast.js';
import type { FieldGetter } from './typed-value.js';
import type { LiteralReader } from './literal-value.js';
import { typeName } from './scheme.js';
import { parseWildcard, wildcardMatcher } from './wildcard.js';

/** A test of one present value; absent values never reach it (a comparison with absent is false). */
export type ValuePredicate = (value: unknown) => boolean;

const ORDERING: ReadonlySet<ComparisonOp> = new Set(['lt', 'le', 'gt', 'ge']);
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  Int: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in'],
  Ip: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in'],
  Bytes: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'matches', 'wildcard', 'strict wildcard', 'in'],
};

/** Why `op` cannot apply to a value of this type, or undefined when it can. */
export function operatorProblem(
  type: FieldType,
  op: ComparisonOp | 'in',
  subject: string,
): string | undefined {
  if (type === 'Bool')
    return `${subject} is Bool: it cannot be compared; use it on its own (${subject}) or negated (not ${subject})`;
  if (typeof type !== 'string') {
    const hint =
      type.kind === 'map'
        ? `pick a value with ${subject}["key"]`
        : `use ${subject}[0], or ${subject}[*] inside any(...) or all(...)`;
    return `${subject} is ${typeName(type)}: "${op}" needs a single value; ${hint}`;
  }
  const allowed = ALLOWED[type];
  if (!allowed.includes(op))
    return `"${op}" is not defined for ${subject} (${type}); use one of ${allowed.join(', ')}`;
  return undefined;
}

export function comparisonPredicate(
  type: FieldType,
  op: ComparisonOp,
  rhs: Literal,
  read: LiteralReader,
): ValuePredicate {
  if (type === 'Int') return ordered(op, read.int(rhs));
  if (type === 'Ip') return ipComparison(op, read.ip(rhs));
  const lit = read.bytes(rhs, op === 'matches' ? 'regex' : 'bytes');
  switch (op) {
    case 'contains':
      return (v) => typeof v === 'string' && v.includes(lit);
    case 'matches': {
      let regex: RE2JS;
      try {
        regex = RE2JS.compile(lit);
      } catch (error) {
        read.fail(
          rhs,
          `invalid regular expression (RE2 syntax): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return (v) => typeof v === 'string' && regex.test(v);
    }
    case 'wildcard':
    case 'strict wildcard': {
      const segments = parseWildcard(lit);
      if (typeof segments === 'string') read.fail(rhs, `invalid wildcard: ${segments}`);
      const match = wildcardMatcher(segments, op === 'strict wildcard');
      return (v) => typeof v === 'string' && match(v);
    }
    default:
      return ordered(op, lit);
  }
}

function ordered<T extends number | string>(op: ComparisonOp, lit: T): ValuePredicate {
  const kind = typeof lit;
  switch (op) {
    case 'eq':
      return (v) => v === lit;
    case 'ne':
      return (v) => typeof v === kind && v !== lit;
    case 'lt':
      return (v) => typeof v === kind && (v as T) < lit;
    case 'le':
      return (v) => typeof v === kind && (v as T) <= lit;
    case 'gt':
      return (v) => typeof v === kind && (v as T) > lit;
    case 'ge':
      return (v) => typeof v === kind && (v as T) >= lit;
    default:
      throw new Error(`operator ${op} reached ordered()`);
  }
}

function ipComparison(op: ComparisonOp, lit: string): ValuePredicate {
  // IPv4 text that parses is canonical (parseIPv4 refuses leading zeros), so only IPv6 values
  // need normalizing before they are compared as strings.
  const same = (v: string): boolean => v === lit || (v.includes(':') && normalizeIp(v) === lit);
  if (op === 'eq') return (v) => typeof v === 'string' && same(v);
  if (op === 'ne') return (v) => typeof v === 'string' && !same(v);
  if (!ORDERING.has(op)) throw new Error(`operator ${op} reached ipComparison()`);
  const litKey = ipKey(lit) as number[];
  const accept = (c: number): boolean =>
    op === 'lt' ? c < 0 : op === 'le' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0;
  return (v) => {
    if (typeof v !== 'string') return false;
    const key = ipKey(v);
    // Addresses of different families are not ordered against each other.
    if (key === null || key.length !== litKey.length) return false;
    for (let i = 0; i < key.length; i++) if (key[i] !== litKey[i]) return accept(key[i] - litKey[i]);
    return accept(0);
  };
}

function ipKey(text: string): number[] | null {
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes === null ? null : Array.from(bytes);
  }
  const v4 = parseIPv4(text);
  return v4 === null ? null : [v4];
}

export function setPredicate(
  type: FieldType,
  items: readonly Literal[],
  read: LiteralReader,
): ValuePredicate {
  if (type === 'Ip') {
    const set = CidrSet.from(items.map((item) => read.cidr(item)));
    return (v) => typeof v === 'string' && set.has(v);
  }
  if (type === 'Int') {
    const singles = new Set<number>();
    const ranges: Array<[number, number]> = [];
    for (const item of items) {
      const r = read.intRange(item);
      if (typeof r === 'number') singles.add(r);
      else ranges.push(r);
    }
    if (ranges.length === 0) return (v) => singles.has(v as number);
    return (v) => {
      if (typeof v !== 'number') return false;
      if (singles.has(v)) return true;
      for (let i = 0; i < ranges.length; i++) if (v >= ranges[i][0] && v <= ranges[i][1]) return true;
      return false;
    };
  }
  const strings = new Set(items.map((item) => read.bytes(item)));
  return (v) => strings.has(v as string);
}

/**
 * eq/ne/lt/le/gt/ge of a plain field against an Int or Bytes literal as one closure (the field
 * read and the test fused), since these are most comparisons of most rule sets.
 */
export function fusedFieldComparison(
  op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge',
  name: string,
  slot: number,
  lit: number | string,
): (get: FieldGetter) => boolean {
  const kind = typeof lit;
  switch (op) {
    case 'eq':
      return (g) => g(name, slot) === lit;
    case 'ne':
      return (g) => {
        const v = g(name, slot);
        return typeof v === kind && v !== lit;
      };
    case 'lt':
      return (g) => {
        const v = g(name, slot);
        return typeof v === kind && (v as typeof lit) < lit;
      };
    case 'le':
      return (g) => {
        const v = g(name, slot);
        return typeof v === kind && (v as typeof lit) <= lit;
      };
    case 'gt':
      return (g) => {
        const v = g(name, slot);
        return typeof v === kind && (v as typeof lit) > lit;
      };
    case 'ge':
      return (g) => {
        const v = g(name, slot);
        return typeof v === kind && (v as typeof lit) >= lit;
      };
  }
}
