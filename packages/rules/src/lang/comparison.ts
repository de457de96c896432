import type { FieldType } from '@glia/core';
import type { ComparisonOp, Literal } from './ast.js';
import type { IndexHint } from './index-hint.js';
import { compareIp, ipNumber, type IpNumber } from './ip-literal.js';
import { IpRangeSet } from './ip-set.js';
import type { LiteralReader } from './literal-value.js';
import { compileRegex } from './regex.js';
import { typeName } from './scheme.js';
import { compareUtf8 } from './text.js';
import { parseWildcard, wildcardMatcher } from './wildcard.js';

/** A test of one present value (absent values are decided by the caller). */
export type ValuePredicate = (value: unknown) => boolean;

/** What an index may learn from a comparison, before it is tied to the value compared. */
export type HintSpec = IndexHint extends infer H
  ? H extends IndexHint
    ? Omit<H, 'key' | 'read'>
    : never
  : never;

export interface Comparison {
  test: ValuePredicate;
  /** A plain comparison with a literal, which a rule set can generate inline. */
  fused?: { op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; lit: number | string };
  hint?: HintSpec;
}

type OrderedOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
const MAX_INT = Number.MAX_SAFE_INTEGER;
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  Int: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'bitwise_and'],
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
        ? `pick a value with ${subject}["key"], or use ${subject}[*] inside any(...) or all(...)`
        : `use ${subject}[0], or ${subject}[*] inside any(...) or all(...)`;
    return `${subject} is ${typeName(type)}: "${op}" needs a single value; ${hint}`;
  }
  const allowed = ALLOWED[type];
  if (!allowed.includes(op))
    return `"${op}" is not defined for ${subject} (${type}); use one of ${allowed.join(', ')}`;
  return undefined;
}

export function comparison(
  type: 'Int' | 'Bytes' | 'Ip',
  op: ComparisonOp,
  rhs: Literal,
  read: LiteralReader,
): Comparison {
  if (type === 'Int') {
    const lit = read.int(rhs);
    // A number with a fraction is not an Int: it has no bits (and BigInt would throw on it).
    if (op === 'bitwise_and') return { test: (v) => Number.isInteger(v) && bitwiseAnd(v as number, lit) };
    return { test: ordered(op, lit), fused: { op: op as OrderedOp, lit }, hint: intHint(op, lit) };
  }
  if (type === 'Ip') {
    const lit = read.ip(rhs);
    const n = ipNumber(lit) as IpNumber;
    const hint: HintSpec | undefined =
      op === 'eq'
        ? { kind: 'ip', ranges: [{ family: n.family, lo: n.value, hi: n.value } as never] }
        : undefined;
    return { test: ipComparison(op, lit, n), ...(hint === undefined ? {} : { hint }) };
  }
  switch (op) {
    case 'contains': {
      const lit = read.bytes(rhs);
      return { test: (v) => typeof v === 'string' && v.includes(lit) };
    }
    case 'matches': {
      const regex = compileRegex(read.regex(rhs));
      if ('error' in regex) read.fail(rhs, regex.error);
      const test = regex.test;
      return { test: (v) => typeof v === 'string' && test(v) };
    }
    case 'wildcard':
    case 'strict wildcard': {
      const segments = parseWildcard(read.wildcard(rhs));
      if (typeof segments === 'string') read.fail(rhs, `invalid wildcard: ${segments}`);
      const strict = op === 'strict wildcard';
      const match = wildcardMatcher(segments, strict);
      const tail = segments[segments.length - 1];
      const hint: HintSpec | undefined =
        segments.length === 1 && strict
          ? { kind: 'bytes', values: [tail] }
          : tail !== ''
            ? { kind: 'suffix', suffixes: [tail], caseless: !strict }
            : undefined;
      return { test: (v) => typeof v === 'string' && match(v), ...(hint === undefined ? {} : { hint }) };
    }
    default: {
      const lit = read.bytes(rhs);
      if (op === 'eq' || op === 'ne') {
        return {
          test: ordered(op, lit),
          fused: { op, lit },
          ...(op === 'eq' ? { hint: { kind: 'bytes', values: [lit] } } : {}),
        };
      }
      return { test: bytesOrdering(op, lit) };
    }
  }
}

export function setComparison(
  type: 'Int' | 'Bytes' | 'Ip',
  items: readonly Literal[],
  read: LiteralReader,
): Comparison {
  if (type === 'Ip') {
    const ranges = items.map((item) => read.ipRange(item));
    const set = new IpRangeSet(ranges);
    return { test: (v) => typeof v === 'string' && set.has(v), hint: { kind: 'ip', ranges } };
  }
  if (type === 'Int') {
    const singles = new Set<number>();
    const ranges: Array<[number, number]> = [];
    const all: Array<[number, number]> = [];
    for (const item of items) {
      const r = read.intRange(item);
      all.push(r);
      if (r[0] === r[1]) singles.add(r[0]);
      else ranges.push(r);
    }
    const hint: HintSpec = { kind: 'int', ranges: all };
    if (ranges.length === 0) return { test: (v) => singles.has(v as number), hint };
    return {
      test: (v) => {
        if (typeof v !== 'number') return false;
        if (singles.has(v)) return true;
        for (let i = 0; i < ranges.length; i++) if (v >= ranges[i][0] && v <= ranges[i][1]) return true;
        return false;
      },
      hint,
    };
  }
  const values = items.map((item) => read.bytes(item));
  const strings = new Set(values);
  return { test: (v) => strings.has(v as string), hint: { kind: 'bytes', values } };
}

function intHint(op: ComparisonOp, lit: number): HintSpec | undefined {
  switch (op) {
    case 'eq':
      return { kind: 'int', ranges: [[lit, lit]] };
    case 'lt':
      return { kind: 'int', ranges: [[-MAX_INT, lit - 1]] };
    case 'le':
      return { kind: 'int', ranges: [[-MAX_INT, lit]] };
    case 'gt':
      return { kind: 'int', ranges: [[lit + 1, MAX_INT]] };
    case 'ge':
      return { kind: 'int', ranges: [[lit, MAX_INT]] };
    default:
      return undefined;
  }
}

/** `v & lit != 0` over 64-bit two's complement integers, as wirefilter's i64. */
function bitwiseAnd(v: number, lit: number): boolean {
  if (v >= -0x80000000 && v <= 0x7fffffff && lit >= -0x80000000 && lit <= 0x7fffffff) return (v & lit) !== 0;
  return (BigInt(v) & BigInt(lit)) !== 0n;
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

function bytesOrdering(op: ComparisonOp, lit: string): ValuePredicate {
  const accept = orderingAccept(op);
  return (v) => typeof v === 'string' && accept(compareUtf8(v, lit));
}

function orderingAccept(op: ComparisonOp): (c: number) => boolean {
  switch (op) {
    case 'lt':
      return (c) => c < 0;
    case 'le':
      return (c) => c <= 0;
    case 'gt':
      return (c) => c > 0;
    case 'ge':
      return (c) => c >= 0;
    default:
      throw new Error(`operator ${op} is not an ordering`);
  }
}

function ipComparison(op: ComparisonOp, lit: string, n: IpNumber): ValuePredicate {
  // IPv4 text that parses is canonical (parseIPv4 refuses leading zeros), so only IPv6 values
  // need normalizing before they are compared as text.
  const same = (v: string): boolean => {
    if (v === lit) return true;
    if (!v.includes(':')) return false;
    const value = ipNumber(v);
    return value !== null && compareIp(value, n) === 0;
  };
  if (op === 'eq') return (v) => typeof v === 'string' && same(v);
  // Addresses of different families are unordered: only ne is true between them (wirefilter).
  if (op === 'ne') return (v) => typeof v === 'string' && !same(v);
  const accept = orderingAccept(op);
  return (v) => {
    if (typeof v !== 'string') return false;
    const value = ipNumber(v);
    const c = value === null ? null : compareIp(value, n);
    return c !== null && accept(c);
  };
}
