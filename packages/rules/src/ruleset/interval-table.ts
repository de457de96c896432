import { lastAtOrBelow } from '../lang/typed-value.js';
import { ruleBits, type RuleBits } from './candidate-bits.js';

/**
 * Ranges of numbers (or bigints), each of one rule, cut into disjoint elementary segments: looking
 * a value up is one binary search and gives the rules of every range that holds it. Built once
 * per rule set (ports and integer ranges, IPv4 and IPv6 ranges).
 */
export class IntervalTable<K extends number | bigint> {
  /** Segment i covers starts[i] up to (not including) starts[i + 1]. */
  private readonly starts: K[] = [];
  private readonly rules: Array<RuleBits | undefined> = [];

  constructor(ranges: ReadonlyArray<{ lo: K; hi: K; rule: number }>, next: (k: K) => K) {
    const events = new Map<K, Array<[rule: number, delta: number]>>();
    const add = (k: K, rule: number, delta: number): void => {
      const list = events.get(k);
      if (list === undefined) events.set(k, [[rule, delta]]);
      else list.push([rule, delta]);
    };
    for (const r of ranges) {
      add(r.lo, r.rule, 1);
      add(next(r.hi), r.rule, -1);
    }
    const keys = [...events.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const active = new Map<number, number>();
    for (const k of keys) {
      for (const [rule, delta] of events.get(k) ?? []) {
        const n = (active.get(rule) ?? 0) + delta;
        if (n === 0) active.delete(rule);
        else active.set(rule, n);
      }
      this.starts.push(k);
      this.rules.push(active.size === 0 ? undefined : ruleBits(active.keys()));
    }
  }

  /** The rules of the ranges holding the value, or undefined when there are none. */
  lookup(value: K): RuleBits | undefined {
    const i = lastAtOrBelow(this.starts, value);
    return i < 0 ? undefined : this.rules[i];
  }
}
