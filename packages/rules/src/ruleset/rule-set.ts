import type { RuleAction, RuleEntry } from '@glia/core';
import { compileExpression, type CompiledExpression } from '../lang/compile.js';
import type { Scheme } from '../lang/scheme.js';
import { RuleSyntaxError } from '../lang/source-error.js';
import type { FieldGetter } from '../lang/typed-value.js';
import {
  boundRuleSetFunction,
  ruleSetFunction,
  type BoundMatcher,
  type FieldReader,
} from '../lang/rule-set-function.js';
import type { RuleProblem } from './problem.js';
import type { LocatedRule } from './rule-entries.js';

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

const PRECEDENCE: readonly RuleAction[] = ['allow', 'drop', 'log'];
/** Rule sets up to this size keep matches in a bit mask and reuse decisions per mask. */
const MASK_RULES = 31;
const MAX_CACHED_DECISIONS = 4096;

/**
 * A compiled, immutable set of rules. Every rule is evaluated for every observation; allow beats
 * drop beats log (DESIGN §6). For up to 31 rules the matches are a bit mask and each distinct
 * outcome's decision is built once, so deciding allocates nothing on the hot path.
 */
export class RuleSet {
  private readonly tests: Array<(get: FieldGetter) => boolean>;
  /** Bit mask of the matching rules, for up to 31 rules. */
  private readonly matchMask: ((get: FieldGetter) => number) | null;
  private readonly masks: Record<RuleAction, number> = { allow: 0, drop: 0, log: 0 };
  private readonly cached = [new Map<number, RuleDecision>(), new Map<number, RuleDecision>()];
  /** Every field some rule reads. */
  readonly fields: readonly string[];

  /** `generate: false` evaluates the closures directly instead of a generated function (for tests). */
  constructor(
    readonly rules: readonly CompiledRule[],
    options: { generate?: boolean } = {},
  ) {
    this.tests = rules.map((r) => r.expression.test);
    this.fields = [...new Set(rules.flatMap((r) => r.expression.fields))];
    if (rules.length <= MASK_RULES) rules.forEach((r, i) => (this.masks[r.action] |= 1 << i));
    this.matchMask =
      rules.length <= MASK_RULES
        ? options.generate === false
          ? null
          : ruleSetFunction(rules.map((r) => r.expression.plan))
        : null;
  }

  static empty(): RuleSet {
    return new RuleSet([]);
  }

  /** The decision for one observation, or null when no rule matches. */
  decide(get: FieldGetter, enforce: boolean): RuleDecision | null {
    const tests = this.tests;
    if (tests.length > MASK_RULES) return this.decideWide(get, enforce);
    let mask = 0;
    if (this.matchMask !== null) mask = this.matchMask(get);
    else for (let i = 0; i < tests.length; i++) if (tests[i](get)) mask |= 1 << i;
    return this.decideMask(mask, enforce);
  }

  /**
   * A function returning the bit mask of the matching rules that reads each field through its own
   * reader (see boundRuleSetFunction), for decideMask; null for more than 31 rules or where code
   * generation is disabled (use decide then).
   */
  bind<O>(readerOf: (name: string) => FieldReader<O> | undefined): BoundMatcher<O> | null {
    if (this.rules.length > MASK_RULES || this.matchMask === null) return null;
    return boundRuleSetFunction(
      this.rules.map((r) => r.expression.plan),
      readerOf,
    );
  }

  /** The decision for a mask of matching rules (up to 31 rules), or null when it is 0. */
  decideMask(mask: number, enforce: boolean): RuleDecision | null {
    if (mask === 0) return null;
    const winners = mask & this.masks.allow || mask & this.masks.drop || mask & this.masks.log;
    const cache = this.cached[enforce ? 1 : 0];
    let decision = cache.get(winners);
    if (decision === undefined) {
      decision = this.decision(
        this.rules.filter((_, i) => (winners & (1 << i)) !== 0),
        enforce,
      );
      if (cache.size < MAX_CACHED_DECISIONS) cache.set(winners, decision);
    }
    return decision;
  }

  private decideWide(get: FieldGetter, enforce: boolean): RuleDecision | null {
    let matched: CompiledRule[] | null = null;
    for (let i = 0; i < this.tests.length; i++) if (this.tests[i](get)) (matched ??= []).push(this.rules[i]);
    if (matched === null) return null;
    for (const action of PRECEDENCE) {
      const winners = matched.filter((r) => r.action === action);
      if (winners.length > 0) return this.decision(winners, enforce);
    }
    return null;
  }

  /** Winners all share one action. */
  private decision(winners: readonly CompiledRule[], enforce: boolean): RuleDecision {
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
}

/**
 * Compiles rule entries (inline from the config, or located in a file) against a scheme. All
 * problems are collected; the set is returned only when there are none, so a bad set never
 * half-replaces a good one.
 */
export function compileRules(
  rules: ReadonlyArray<RuleEntry | LocatedRule>,
  scheme: Scheme,
  file?: string,
): { ruleSet: RuleSet | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const compiled: CompiledRule[] = [];
  const seen = new Map<string, LocatedRule>();
  for (const item of rules) {
    const located: LocatedRule = 'entry' in item ? item : { entry: item };
    const { entry } = located;
    const where = { file, line: located.position?.line, column: located.position?.column, ruleId: entry.id };
    const first = seen.get(entry.id);
    if (first !== undefined) {
      const at = first.position === undefined ? '' : ` (first defined at line ${first.position.line})`;
      problems.push({ ...where, message: `duplicate rule id${at}; ids must be unique` });
    } else seen.set(entry.id, located);
    try {
      const rule: CompiledRule = {
        id: entry.id,
        action: entry.action === 'block' ? 'drop' : entry.action,
        expression: compileExpression(entry.expression, scheme),
        enforce: entry.enforce !== false,
      };
      if (entry.source !== undefined) rule.source = entry.source;
      if (entry.description !== undefined) rule.description = entry.description;
      if (entry.ttl !== undefined) rule.ttl = entry.ttl;
      compiled.push(rule);
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      const inFile = located.expressionPosition?.(error.offset);
      problems.push(
        inFile === undefined
          ? { ...where, message: `expression ${error.message}` }
          : { ...where, line: inFile.line, column: inFile.column, message: error.detail },
      );
    }
  }
  return { ruleSet: problems.length === 0 ? new RuleSet(compiled) : null, problems };
}
