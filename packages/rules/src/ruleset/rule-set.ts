import type { RuleAction } from '@glia/core';
import type { CompiledExpression } from '../lang/compile.js';
import {
  boundRuleSetFunction,
  CHUNK_RULES,
  ruleSetFunction,
  type BoundChunkMatcher,
  type ChunkMatcher,
  type FieldReader,
} from '../lang/rule-set-function.js';
import type { FieldGetter } from '../lang/typed-value.js';
import { RuleIndex } from './rule-index.js';

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
const TWO_32 = 4_294_967_296;

interface Chunk {
  matcher: ChunkMatcher | null;
  tests: Array<(get: FieldGetter) => boolean>;
}

/**
 * A compiled, immutable set of rules; allow beats drop beats log (DESIGN §6). Rules are indexed
 * by their deciding values (rule-index.ts), so an observation evaluates only the rules that can
 * match it; the verdict is the one evaluating every rule would give. Rules are evaluated in
 * chunks of 32 by generated functions, matches kept as bit masks, and each distinct outcome's
 * decision is built once, so deciding allocates nothing on the hot path.
 */
export class RuleSet {
  /** Every field some rule reads. */
  readonly fields: readonly string[];
  readonly absentNotEqual: boolean;
  readonly index: RuleIndex;
  private readonly chunks: Chunk[] = [];
  private readonly actionWords: Record<RuleAction, Uint32Array>;
  private readonly candidateWords: Uint32Array;
  private readonly matchedWords: Uint32Array;
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
    this.index = new RuleIndex(
      rules.map((r) => r.expression.hints),
      options.index !== false,
    );
    const words = Math.ceil(rules.length / CHUNK_RULES);
    this.candidateWords = new Uint32Array(words);
    this.matchedWords = new Uint32Array(words);
    this.actionWords = {
      allow: new Uint32Array(words),
      drop: new Uint32Array(words),
      log: new Uint32Array(words),
    };
    rules.forEach((r, i) => (this.actionWords[r.action][i >>> 5] |= 1 << (i & 31)));
    for (let start = 0; start < rules.length; start += CHUNK_RULES) {
      const part = rules.slice(start, start + CHUNK_RULES);
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
    const paths = this.index.paths;
    words.set(this.index.always);
    for (let i = 0; i < paths.length; i++) {
      const { read, index } = paths[i];
      const raw = get(read.name, read.slot);
      index.collect(read.derive === null ? raw : read.derive(raw), words);
    }
    for (let c = 0; c < words.length; c++) {
      const candidates = words[c];
      if (candidates === 0) matched[c] = 0;
      else {
        const chunk = this.chunks[c];
        matched[c] =
          chunk.matcher === null ? evaluate(chunk.tests, get, candidates) : chunk.matcher(get, candidates);
      }
    }
    return this.decideWords(matched, enforce);
  }

  /**
   * The rule set with each field read by a reader of its own (see boundRuleSetFunction), for one
   * kind of observation; `get` passed to decide must share the readers' memo. Falls back to
   * decide() where code generation is disabled.
   */
  bind<O>(readerOf: (name: string) => FieldReader<O> | undefined): BoundRuleSet<O> {
    const plans = this.rules.map((r) => r.expression.plan);
    const matchers: Array<BoundChunkMatcher<O> | null> = [];
    for (let start = 0; start < plans.length; start += CHUNK_RULES) {
      matchers.push(
        this.generate ? boundRuleSetFunction(plans.slice(start, start + CHUNK_RULES), readerOf) : null,
      );
    }
    if (matchers.some((m) => m === null)) return { decide: (_o, get, enforce) => this.decide(get, enforce) };
    const bound = matchers as Array<BoundChunkMatcher<O>>;
    const pathReaders = this.index.paths.map(({ read }): FieldReader<O> | ((o: O) => unknown) => {
      const reader = readerOf(read.name);
      if (reader === undefined) return () => undefined;
      const derive = read.derive;
      return derive === null ? reader : (o: O) => derive(reader(o));
    });
    const indexes = this.index.paths.map((p) => p.index);
    const always = this.index.always;
    const words = this.candidateWords;
    const matched = this.matchedWords;
    return {
      decide: (observation, get, enforce) => {
        words.set(always);
        for (let i = 0; i < indexes.length; i++) indexes[i].collect(pathReaders[i](observation), words);
        for (let c = 0; c < words.length; c++) {
          const candidates = words[c];
          matched[c] = candidates === 0 ? 0 : bound[c](observation, get, candidates);
        }
        return this.decideWords(matched, enforce);
      },
    };
  }

  /** The decision for the matched rules (bit words), or null when none matched. */
  private decideWords(matched: Uint32Array, enforce: boolean): RuleDecision | null {
    for (const action of PRECEDENCE) {
      const actionWords = this.actionWords[action];
      let found = -1;
      let key: number | string = 0;
      for (let c = 0; c < matched.length; c++) {
        const w = (matched[c] & actionWords[c]) >>> 0;
        if (w === 0) continue;
        if (found < 0) {
          found = c;
          key = c * TWO_32 + w;
        } else key = `${key}|${c * TWO_32 + w}`;
      }
      if (found >= 0) return this.decisionFor(action, key, matched, enforce);
    }
    return null;
  }

  private decisionFor(
    action: RuleAction,
    key: number | string,
    matched: Uint32Array,
    enforce: boolean,
  ): RuleDecision {
    const cache = this.cached[enforce ? 1 : 0];
    let decision = cache.get(key);
    if (decision === undefined) {
      const actionWords = this.actionWords[action];
      const winners = this.rules.filter(
        (_, i) => ((matched[i >>> 5] & actionWords[i >>> 5]) >>> (i & 31)) & 1,
      );
      decision = decisionOf(winners, enforce);
      if (cache.size < MAX_CACHED_DECISIONS) cache.set(key, decision);
    }
    return decision;
  }
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
