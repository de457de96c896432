import { parseIPv4 } from '@glia/core';
import type { IndexHint } from '../lang/index-hint.js';
import { ipNumber } from '../lang/ip-literal.js';
import { asciiLower } from '../lang/text.js';
import { orInto, ruleBits, type RuleBits } from './candidate-bits.js';
import { IntervalTable } from './interval-table.js';

/** The rules that may match for one value of one indexed path (a field, a map key, lower(x), ...). */
export interface ValueIndex {
  /** ORs into `words` the rules whose hint the value satisfies; an absent value adds none. */
  collect(value: unknown, words: Uint32Array): void;
}

type Hinted<K extends IndexHint['kind']> = Array<{ rule: number; hint: Extract<IndexHint, { kind: K }> }>;

/** One index for all the hints on one path, of one kind. */
export function valueIndex(
  kind: IndexHint['kind'],
  hinted: Array<{ rule: number; hint: IndexHint }>,
): ValueIndex {
  switch (kind) {
    case 'int':
      return new IntIndex(hinted as Hinted<'int'>);
    case 'bytes':
      return new BytesIndex(hinted as Hinted<'bytes'>);
    case 'ip':
      return new IpIndex(hinted as Hinted<'ip'>);
    case 'suffix':
      return new SuffixIndex(hinted as Hinted<'suffix'>);
  }
}

/** Rules by exact key: every key's rules as bits. */
function byKey<T>(entries: Iterable<[T, number]>): Map<T, RuleBits> {
  const rules = new Map<T, Set<number>>();
  for (const [key, rule] of entries) {
    let set = rules.get(key);
    if (set === undefined) rules.set(key, (set = new Set()));
    set.add(rule);
  }
  return new Map([...rules].map(([k, set]) => [k, ruleBits(set)]));
}

class IntIndex implements ValueIndex {
  private readonly points: Map<number, RuleBits>;
  private readonly ranges: IntervalTable<number> | null;

  constructor(hinted: Hinted<'int'>) {
    const points: Array<[number, number]> = [];
    const ranges: Array<{ lo: number; hi: number; rule: number }> = [];
    for (const { rule, hint } of hinted) {
      for (const [lo, hi] of hint.ranges) {
        if (lo === hi) points.push([lo, rule]);
        else ranges.push({ lo, hi, rule });
      }
    }
    this.points = byKey(points);
    this.ranges = ranges.length === 0 ? null : new IntervalTable(ranges, (k) => k + 1);
  }

  collect(value: unknown, words: Uint32Array): void {
    if (typeof value !== 'number') return;
    orInto(words, this.points.get(value));
    if (this.ranges !== null) orInto(words, this.ranges.lookup(value));
  }
}

class BytesIndex implements ValueIndex {
  private readonly values: Map<string, RuleBits>;

  constructor(hinted: Hinted<'bytes'>) {
    this.values = byKey(
      hinted.flatMap(({ rule, hint }) => hint.values.map((v): [string, number] => [v, rule])),
    );
  }

  collect(value: unknown, words: Uint32Array): void {
    if (typeof value === 'string') orInto(words, this.values.get(value));
  }
}

class IpIndex implements ValueIndex {
  private readonly v4: IntervalTable<number>;
  private readonly v6: IntervalTable<bigint>;

  constructor(hinted: Hinted<'ip'>) {
    const v4: Array<{ lo: number; hi: number; rule: number }> = [];
    const v6: Array<{ lo: bigint; hi: bigint; rule: number }> = [];
    for (const { rule, hint } of hinted) {
      for (const r of hint.ranges) {
        if (r.family === 4) v4.push({ lo: r.lo, hi: r.hi, rule });
        else v6.push({ lo: r.lo, hi: r.hi, rule });
      }
    }
    this.v4 = new IntervalTable(v4, (k) => k + 1);
    this.v6 = new IntervalTable(v6, (k) => k + 1n);
  }

  collect(value: unknown, words: Uint32Array): void {
    if (typeof value !== 'string') return;
    if (!value.includes(':')) {
      const v4 = parseIPv4(value);
      if (v4 !== null) orInto(words, this.v4.lookup(v4));
      return;
    }
    const n = ipNumber(value);
    if (n !== null && n.family === 6) orInto(words, this.v6.lookup(n.value));
  }
}

/**
 * Values ending with a suffix (`*.evil.com`, `ends_with(x, ".corp")`). A suffix T = A.K (split at
 * its first dot) can only be a suffix of a value whose part after its (d + 1)-th last dot is K,
 * where d is the number of dots in K; so the index keys K by d and a lookup is one map probe per
 * distinct d. Suffixes without a dot are not indexed (their rules are always evaluated).
 */
class SuffixIndex implements ValueIndex {
  private readonly caseless: boolean;
  private readonly byDots: Array<{ dots: number; keys: Map<string, RuleBits> }>;

  constructor(hinted: Hinted<'suffix'>) {
    this.caseless = hinted[0]?.hint.caseless ?? false;
    const entries = new Map<number, Array<[string, number]>>();
    for (const { rule, hint } of hinted) {
      for (const suffix of hint.suffixes) {
        const key = suffixKey(suffix);
        if (key === null) throw new Error(`suffix ${suffix} cannot be indexed`);
        const dots = countDots(key);
        let list = entries.get(dots);
        if (list === undefined) entries.set(dots, (list = []));
        list.push([this.caseless ? asciiLower(key) : key, rule]);
      }
    }
    this.byDots = [...entries].map(([dots, list]) => ({ dots, keys: byKey(list) }));
  }

  collect(value: unknown, words: Uint32Array): void {
    if (typeof value !== 'string') return;
    const v = this.caseless ? asciiLower(value) : value;
    for (const { dots, keys } of this.byDots) {
      let at = v.length;
      for (let d = 0; d <= dots && at >= 0; d++) at = at === 0 ? -1 : v.lastIndexOf('.', at - 1);
      if (at >= 0) orInto(words, keys.get(v.slice(at + 1)));
    }
  }
}

/** The part of a suffix after its first dot, or null when it has none (not indexable). */
export function suffixKey(suffix: string): string | null {
  const dot = suffix.indexOf('.');
  return dot < 0 ? null : suffix.slice(dot + 1);
}

function countDots(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 46) n++;
  return n;
}
