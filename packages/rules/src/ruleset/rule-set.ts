import type { RuleAction } from '@glia/core';
import type { CompiledExpression } from '../lang/compile.js';
import {
  boundChunksRunner,
  boundRuleSetFunction,
  CHUNK_RULES,
  ruleSetFunction,
  type BoundChunkMatcher,
  type ChunkMatcher,
  type FieldReader,
} from '../lang/rule-set-function.js';
import type { FieldGetter } from '../lang/typed-value.js';
import { candidateFunction } from './candidate-function.js';
import { bestHint, RuleIndex } from './rule-index.js';

export interface CompiledRule {
  id: string;
  action: RuleAction;
  expression: CompiledExpression;
  source?: string;
  description?: string;
  ttl?: number;
  /** False when the rule itself says `enforce: false`. */
  enforce: boolean;
}

/** What the rules decided about one observation. Shared between observations: do not mutate. */
export interface RuleDecision {
  readonly action: RuleAction;
  /** The matching rules of the winning action, in rule order. */
  readonly ruleIds: readonly string[];
  /** `action|id,id,...`: the decision's part of a dedup key. */
  readonly key: string;
  readonly enforce: boolean;
  /** The source of the first winning rule. */
  readonly source?: string;
  /** The longest ttl among the winning rules that set one. */
  readonly ttl?: number;
}

export interface RuleSetOptions {
  /** false: evaluate the closures instead of generated functions (tests; hosts without code generation). */
  generate?: boolean;
  /** false: evaluate every rule for every observation instead of the indexed candidates (tests). */
  index?: boolean;
  /** The rule set's absent_not_equal option, as its expressions were compiled. */
  absentNotEqual?: boolean;
}

/** A rule set bound to per-field readers of one kind of observation (see RuleSet.bind). */
export interface BoundRuleSet<O> {
  decide(observation: O, get: FieldGetter, enforce: boolean): RuleDecision | null;
}

const PRECEDENCE: readonly RuleAction[] = ['allow', 'drop', 'log'];
const MAX_CACHED_DECISIONS = 4096;
const TWO_31 = 2_147_483_648;

interface Chunk {
  matcher: ChunkMatcher | null;
  tests: Array<(get: FieldGetter) => boolean>;
}

/**
 * A compiled, immutable set of rules; allow beats drop beats log (DESIGN §6). Rules are indexed
 * by their deciding values (rule-index.ts), so an observation evaluates only the rules that can
 * match it; the verdict is the one evaluating every rule would give. Rules are evaluated in
 * chunks of 31 by generated functions, matches kept as bit masks, and each distinct outcome's
 * decision is built once, so deciding allocates nothing on the hot path. Inside, rules sharing
 * an index key sit side by side (`slots`), so an observation's candidates fall in few chunks.
 */
export class RuleSet {
  /** Every field some rule reads. */
  readonly fields: readonly string[];
  readonly absentNotEqual: boolean;
  readonly index: RuleIndex;
  /** The rules in evaluation order: position p of the chunks and bit words is slots[p]. */
  private readonly slots: readonly CompiledRule[];
  /** The file position of slots[p], to give the winners in rule order. */
  private readonly rank: Int32Array;
  private readonly chunks: Chunk[] = [];
  private readonly actionWords: Record<RuleAction, Uint32Array>;
  private readonly candidateWords: Uint32Array;
  private readonly matchedWords: Uint32Array;
  /** Chunks with a match in the current evaluation. */
  private readonly touched: Int32Array;
  private readonly cached = [
    new Map<number | string, RuleDecision>(),
    new Map<number | string, RuleDecision>(),
  ];
  private readonly generate: boolean;

  constructor(
    readonly rules: readonly CompiledRule[],
    options: RuleSetOptions = {},
  ) {
    this.fields = [...new Set(rules.flatMap((r) => r.expression.fields))];
    this.absentNotEqual = options.absentNotEqual === true;
    this.generate = options.generate !== false;
    const useIndex = options.index !== false;
    const order = evaluationOrder(rules, useIndex);
    this.slots = order.map((i) => rules[i]);
    this.rank = Int32Array.from(order);
    this.index = new RuleIndex(
      this.slots.map((r) => r.expression.hints),
      useIndex,
    );
    const words = Math.ceil(rules.length / CHUNK_RULES);
    this.candidateWords = new Uint32Array(words);
    this.matchedWords = new Uint32Array(words);
    this.touched = new Int32Array(words);
    this.actionWords = {
      allow: new Uint32Array(words),
      drop: new Uint32Array(words),
      log: new Uint32Array(words),
    };
    this.slots.forEach(
      (r, p) => (this.actionWords[r.action][Math.floor(p / CHUNK_RULES)] |= 1 << (p % CHUNK_RULES)),
    );
    for (let start = 0; start < this.slots.length; start += CHUNK_RULES) {
      const part = this.slots.slice(start, start + CHUNK_RULES);
      this.chunks.push({
        matcher: this.generate ? ruleSetFunction(part.map((r) => r.expression.plan)) : null,
        tests: part.map((r) => r.expression.test),
      });
    }
  }

  static empty(): RuleSet {
    return new RuleSet([]);
  }

  /** The decision for one observation whose fields `get` reads, or null when no rule matches. */
  decide(get: FieldGetter, enforce: boolean): RuleDecision | null {
    const words = this.candidateWords;
    const matched = this.matchedWords;
    const touched = this.touched;
    const paths = this.index.paths;
    words.set(this.index.always);
    for (let i = 0; i < paths.length; i++) {
      const { read, index } = paths[i];
      const raw = get(read.name, read.slot);
      index.collect(read.derive === null ? raw : read.derive(raw), words);
    }
    let n = 0;
    for (let c = 0; c < words.length; c++) {
      const candidates = words[c];
      if (candidates === 0) continue;
      const chunk = this.chunks[c];
      const m =
        chunk.matcher === null ? evaluate(chunk.tests, get, candidates) : chunk.matcher(get, candidates);
      if (m !== 0) {
        matched[c] = m;
        touched[n++] = c;
      }
    }
    return n === 0 ? null : this.decideWords(n, enforce);
  }

  /**
   * The rule set with each field read by a reader of its own (see boundRuleSetFunction), for one
   * kind of observation; `get` passed to decide must share the readers' memo. Falls back to
   * decide() where code generation is disabled.
   */
  bind<O>(readerOf: (name: string) => FieldReader<O> | undefined): BoundRuleSet<O> {
    const plans = this.slots.map((r) => r.expression.plan);
    const matchers: Array<BoundChunkMatcher<O> | null> = [];
    for (let start = 0; start < plans.length; start += CHUNK_RULES) {
      matchers.push(
        this.generate ? boundRuleSetFunction(plans.slice(start, start + CHUNK_RULES), readerOf) : null,
      );
    }
    if (matchers.some((m) => m === null)) return { decide: (_o, get, enforce) => this.decide(get, enforce) };
    const bound = matchers as Array<BoundChunkMatcher<O>>;
    const candidates = candidateFunction(this.index.paths, this.index.always, readerOf);
    const words = this.candidateWords;
    const matched = this.matchedWords;
    const touched = this.touched;
    if (bound.length === 1) {
      // Up to 31 rules: one chunk, one mask, decisions cached by the mask of the winners.
      const match = bound[0];
      return {
        decide: (observation, get, enforce) => {
          candidates(observation, words);
          const c = words[0];
          if (c === 0) return null;
          const m = match(observation, get, c);
          if (m === 0) return null;
          matched[0] = m;
          touched[0] = 0;
          // The winners' mask names the action too (each rule has one): the cache key as it is.
          const { allow, drop, log } = this.actionWords;
          let w = m & allow[0];
          if (w !== 0) return this.decisionFor('allow', w, 1, enforce);
          w = m & drop[0];
          return w !== 0
            ? this.decisionFor('drop', w, 1, enforce)
            : this.decisionFor('log', m & log[0], 1, enforce);
        },
      };
    }
    const runChunks = boundChunksRunner(bound);
    if (runChunks === null) return { decide: (_o, get, enforce) => this.decide(get, enforce) };
    return {
      decide: (observation, get, enforce) => {
        candidates(observation, words);
        const n = runChunks(observation, get, words, matched, touched);
        return n === 0 ? null : this.decideWords(n, enforce);
      },
    };
  }

  /** The decision for the matches of the first `n` touched chunks. */
  private decideWords(n: number, enforce: boolean): RuleDecision | null {
    const matched = this.matchedWords;
    const touched = this.touched;
    for (const action of PRECEDENCE) {
      const actionWords = this.actionWords[action];
      let found = false;
      let key: number | string = 0;
      for (let t = 0; t < n; t++) {
        const c = touched[t];
        const w = (matched[c] & actionWords[c]) >>> 0;
        if (w === 0) continue;
        if (!found) {
          found = true;
          key = c * TWO_31 + w;
        } else key = `${key}|${c * TWO_31 + w}`;
      }
      if (found) return this.decisionFor(action, key, n, enforce);
    }
    return null;
  }

  private decisionFor(action: RuleAction, key: number | string, n: number, enforce: boolean): RuleDecision {
    const cache = this.cached[enforce ? 1 : 0];
    let decision = cache.get(key);
    if (decision === undefined) {
      const actionWords = this.actionWords[action];
      const positions: number[] = [];
      for (let t = 0; t < n; t++) {
        const c = this.touched[t];
        for (let w = this.matchedWords[c] & actionWords[c]; w !== 0; w &= w - 1) {
          positions.push(c * CHUNK_RULES + 31 - Math.clz32(w & -w));
        }
      }
      const winners = positions.sort((a, b) => this.rank[a] - this.rank[b]).map((p) => this.slots[p]);
      decision = decisionOf(winners, enforce);
      if (cache.size < MAX_CACHED_DECISIONS) cache.set(key, decision);
    }
    return decision;
  }
}

/**
 * Rule positions for evaluation: rules always evaluated first, then the indexed ones grouped by
 * the value they are indexed by (path, then first value), each group in file order.
 */
function evaluationOrder(rules: readonly CompiledRule[], useIndex: boolean): number[] {
  const order = rules.map((_, i) => i);
  if (!useIndex) return order;
  const keys = rules.map((r) => {
    const hint = bestHint(r.expression.hints);
    if (hint === undefined) return '';
    const first =
      hint.kind === 'bytes'
        ? hint.values[0]
        : hint.kind === 'suffix'
          ? hint.suffixes[0]
          : hint.kind === 'int'
            ? String(hint.ranges[0]?.[0])
            : String(hint.ranges[0]?.lo);
    return `${hint.kind}|${hint.key}|${first}`;
  });
  return order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
}

function evaluate(
  tests: ReadonlyArray<(get: FieldGetter) => boolean>,
  get: FieldGetter,
  candidates: number,
): number {
  let mask = 0;
  for (let i = 0; i < tests.length; i++) if ((candidates >>> i) & 1 && tests[i](get)) mask |= 1 << i;
  return mask >>> 0;
}

/** Winners all share one action. */
function decisionOf(winners: readonly CompiledRule[], enforce: boolean): RuleDecision {
  const ruleIds = winners.map((r) => r.id);
  const ttls = winners.flatMap((r) => (r.ttl === undefined ? [] : [r.ttl]));
  return {
    action: winners[0].action,
    ruleIds,
    key: `${winners[0].action}|${ruleIds.join(',')}`,
    enforce: enforce && winners.some((r) => r.enforce),
    ...(winners[0].source === undefined ? {} : { source: winners[0].source }),
    ...(ttls.length === 0 ? {} : { ttl: Math.max(...ttls) }),
  };
}
