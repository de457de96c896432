import type { IndexHint } from '../lang/index-hint.js';
import { CHUNK_RULES } from '../lang/rule-set-function.js';
import type { Derivation } from '../lang/typed-value.js';
import { ruleBits } from './candidate-bits.js';
import { suffixKey, valueIndex, type ValueIndex } from './value-index.js';

/** A hint no better than this (the share of observations it lets through) is not worth indexing. */
const USEFUL = 0.25;
/**
 * A path is looked up for every observation: that costs about what testing one comparison does,
 * so a path is indexed only when it saves testing several rules.
 */
const MIN_RULES_PER_PATH = 3;

/** One indexed value: how to read it, and the rules it lets through. */
export interface IndexedPath {
  key: string;
  read: Derivation;
  index: ValueIndex;
}

/**
 * Which rules an observation can match, from each rule's most selective hint (a necessary
 * condition on one value: a port or port set, CIDRs, exact strings, a domain suffix). Rules with
 * no useful hint are candidates for every observation. The candidates are then evaluated in full,
 * so the index only ever saves work: it never decides a rule on its own.
 */
export class RuleIndex {
  /** Rules evaluated for every observation, as candidate words. */
  readonly always: Uint32Array;
  readonly paths: readonly IndexedPath[];
  /** The hint chosen for each rule (undefined: always evaluated). */
  readonly chosen: ReadonlyArray<IndexHint | undefined>;

  constructor(hintsPerRule: ReadonlyArray<readonly IndexHint[]>, enabled = true) {
    const words = Math.ceil(hintsPerRule.length / CHUNK_RULES);
    const best = hintsPerRule.map((hints) => (enabled ? bestHint(hints) : undefined));
    const groups = new Map<string, Array<{ rule: number; hint: IndexHint }>>();
    best.forEach((hint, rule) => {
      if (hint === undefined) return;
      const group = pathOf(hint);
      let list = groups.get(group);
      if (list === undefined) groups.set(group, (list = []));
      list.push({ rule, hint });
    });
    for (const [group, list] of groups) {
      if (list.length < MIN_RULES_PER_PATH) {
        groups.delete(group);
        for (const { rule } of list) best[rule] = undefined;
      }
    }
    this.chosen = best;
    const always = best.flatMap((hint, rule) => (hint === undefined ? [rule] : []));
    this.always = new Uint32Array(words);
    const bits = ruleBits(always);
    for (let i = 0; i < bits.length; i += 2) this.always[bits[i]] = bits[i + 1];
    this.paths = [...groups.values()].map((list) => ({
      key: list[0].hint.key,
      read: list[0].hint.read,
      index: valueIndex(list[0].hint.kind, list),
    }));
  }

  /** The candidate rules for the values of the indexed paths (`valueOf(i)` reads path i). */
  candidates(valueOf: (path: number) => unknown, words: Uint32Array): void {
    words.set(this.always);
    const paths = this.paths;
    for (let i = 0; i < paths.length; i++) paths[i].index.collect(valueOf(i), words);
  }
}

/** The indexed path a hint belongs to: its value and kind of lookup. */
function pathOf(hint: IndexHint): string {
  return `${hint.kind}|${hint.kind === 'suffix' && hint.caseless ? 'ci|' : ''}${hint.key}`;
}

/** The hint letting through the smallest estimated share of observations, if that is small enough. */
export function bestHint(hints: readonly IndexHint[]): IndexHint | undefined {
  let best: IndexHint | undefined;
  let bestShare = USEFUL;
  for (const hint of hints) {
    const share = estimatedShare(hint);
    if (share < bestShare) {
      best = hint;
      bestShare = share;
    }
  }
  return best;
}

/**
 * A rough share of observations a hint lets through, from its shape alone: an exact string or
 * port is rare, a 0/1 flag is not, a /8 holds most of a home network, a bare top-level domain
 * suffix most names. Only the order of the estimates matters.
 */
function estimatedShare(hint: IndexHint): number {
  switch (hint.kind) {
    case 'int':
      return hint.ranges.reduce(
        (sum, [lo, hi]) => sum + (lo === hi ? (lo === 0 || lo === 1 ? 0.5 : 0.01) : (hi - lo + 1) / 65_536),
        0,
      );
    case 'bytes':
      return hint.values.length * 0.01;
    case 'ip':
      return hint.ranges.reduce(
        (sum, r) =>
          sum +
          Math.max(0.001, r.family === 4 ? (r.hi - r.lo + 1) / 2 ** 24 : Number(r.hi - r.lo + 1n) / 2 ** 96),
        0,
      );
    case 'suffix':
      return hint.suffixes.reduce((sum, s) => {
        const key = suffixKey(s);
        return sum + (key === null ? 1 : key.includes('.') ? 0.01 : 0.5);
      }, 0);
  }
}
