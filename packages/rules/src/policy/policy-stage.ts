import {
  InputError,
  errorMessage,
  type Bus,
  type FieldDefinition,
  type MetricsRegistry,
  type Observation,
  type RuleAction,
  type RuleEntry,
  type Stage,
  type Verdict,
} from '@glia/core';
import { Scheme } from '../lang/scheme.js';
import { compileRules, type RuleSetSettings } from '../ruleset/compile-rules.js';
import { formatProblem, type RuleProblem } from '../ruleset/problem.js';
import type { LocatedRule } from '../ruleset/rule-entries.js';
import { RuleSet, type BoundRuleSet } from '../ruleset/rule-set.js';
import { ObservationFieldCache } from './field-cache.js';
import { DEFAULT_DEDUP_CAPACITY, VERDICT_WINDOW_NS, VerdictDedup } from './verdict-dedup.js';

const MAX_OUTCOME_IDS = 65_536;

interface ActiveRules {
  ruleSet: RuleSet;
  bound: BoundRuleSet<Observation>;
}

export type RuleSource = ReadonlyArray<RuleEntry | LocatedRule> | RuleSet;

export interface PolicyStageOptions {
  bus: Bus;
  /** The core's and enabled enrichers' fields; a function is called at start (agent.fields()). */
  fields: readonly FieldDefinition[] | (() => readonly FieldDefinition[]);
  /** Fields the sinks record, resolved before each verdict is published (agent.wantedFields()). */
  wantedFields?: readonly string[] | (() => readonly string[]);
  /** Entries are compiled at start against the fields; a RuleSet is used as is. */
  rules: RuleSource;
  /** Options of the rule set (a rule file's `absent_not_equal`). */
  ruleSettings?: RuleSetSettings;
  /** The global `enforce`; false turns every drop into a would-drop. */
  enforce: boolean;
  /** The file the rules came from, for problem messages. */
  rulesFile?: string;
  windowNs?: bigint;
  dedupCapacity?: number;
  metrics?: MetricsRegistry;
}

export interface PolicyCounters {
  evaluated: number;
  matched: Record<RuleAction, number>;
  verdicts: number;
  suppressed: number;
  errors: number;
  dedupEvictions: number;
  reloads: number;
  reloadFailures: number;
}

export interface ReloadResult {
  ok: boolean;
  /** Rules in force after the call (the old count when the reload was refused). */
  rules: number;
  problems: RuleProblem[];
}

/**
 * The policy stage (DESIGN §6): evaluates every rule on every observation and publishes at most one
 * verdict per observation, deduplicated per (edge, action, rule ids) within the verdict window of
 * packet time. Rule sets are swapped whole, between two observations, so a reload loses nothing.
 */
export class PolicyStage implements Stage {
  readonly name = 'policy';
  private cache: ObservationFieldCache | null = null;
  private schemeOf: Scheme | null = null;
  private wanted: readonly string[] = [];
  /** The field cache's reader of each wanted field (fields no definition provides left out). */
  private wantedReaders: ReadonlyArray<(o: Observation) => unknown> = [];
  /** The rule set in force with its bound matcher, swapped as one value on reload. */
  private active: ActiveRules;
  private pending: RuleSource;
  private pendingSettings: RuleSetSettings;
  private readonly dedup: VerdictDedup;
  private unsubscribe: (() => void) | null = null;
  private readonly stats = {
    evaluated: 0,
    verdicts: 0,
    suppressed: 0,
    errors: 0,
    reloads: 0,
    reloadFailures: 0,
  };
  private readonly matched: Record<RuleAction, number> = { allow: 0, drop: 0, log: 0 };
  /**
   * A small number per distinct (action, rule ids), stable across reloads, so a dedup key is the
   * edge and a number (hashed on every match). Bounded by the distinct outcomes rule sets produce.
   */
  private readonly outcomeIds = new Map<string, number>();

  constructor(private readonly options: PolicyStageOptions) {
    this.pending = options.rules;
    this.pendingSettings = options.ruleSettings ?? {};
    const empty = RuleSet.empty();
    this.active = { ruleSet: empty, bound: { decide: () => null } };
    this.dedup = new VerdictDedup(
      options.windowNs ?? VERDICT_WINDOW_NS,
      options.dedupCapacity ?? DEFAULT_DEDUP_CAPACITY,
    );
  }

  /** Compiles the rules against the fields now known; a bad rule set fails the start with every problem. */
  start(): void {
    if (this.unsubscribe !== null) return;
    const { fields, wantedFields } = this.options;
    const definitions = typeof fields === 'function' ? fields() : fields;
    this.cache = new ObservationFieldCache(definitions);
    this.schemeOf = new Scheme(definitions);
    this.wanted = (typeof wantedFields === 'function' ? wantedFields() : wantedFields) ?? [];
    const cache = this.cache;
    this.wantedReaders = this.wanted.flatMap((name) => {
      const reader = cache.readerOf(name);
      return reader === undefined ? [] : [reader];
    });
    const compiled = this.compile(this.pending, this.options.rulesFile, this.pendingSettings);
    if (compiled.ruleSet === null) {
      const lines = compiled.problems.map(formatProblem);
      throw new InputError(
        `the rules have ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`,
        lines,
      );
    }
    this.active = this.activate(compiled.ruleSet);
    this.registerMetrics();
    this.unsubscribe = this.options.bus.subscribe('observation', (o) => this.evaluate(o));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** The scheme rules are compiled against (after start). */
  get scheme(): Scheme | null {
    return this.schemeOf;
  }

  get rules(): RuleSet {
    return this.active.ruleSet;
  }

  /**
   * Swaps in a new rule set. Entries are compiled first; on any problem (or any failure at all)
   * the old set stays in force, the refusal is counted and the problems are returned. Before
   * start, the rules are kept for start to compile.
   */
  reload(rules: RuleSource, rulesFile?: string, settings: RuleSetSettings = {}): ReloadResult {
    if (this.schemeOf === null) {
      this.pending = rules;
      this.pendingSettings = settings;
      return { ok: true, rules: rules instanceof RuleSet ? rules.rules.length : rules.length, problems: [] };
    }
    let active: ActiveRules;
    try {
      const compiled = this.compile(rules, rulesFile ?? this.options.rulesFile, settings);
      if (compiled.ruleSet === null) return this.refuseReload(compiled.problems);
      active = this.activate(compiled.ruleSet);
    } catch (error) {
      return this.refuseReload([
        { file: rulesFile, message: `the new rules could not be loaded: ${errorMessage(error)}` },
      ]);
    }
    this.active = active;
    this.stats.reloads++;
    return { ok: true, rules: active.ruleSet.rules.length, problems: [] };
  }

  /** Counts a reload that was refused before it reached the stage (a file that does not parse). */
  refuseReload(problems: RuleProblem[]): ReloadResult {
    this.stats.reloadFailures++;
    return { ok: false, rules: this.active.ruleSet.rules.length, problems };
  }

  counters(): PolicyCounters {
    return {
      ...this.stats,
      errors: this.errors(),
      matched: { ...this.matched },
      dedupEvictions: this.dedup.evictions,
    };
  }

  private errors(): number {
    return this.stats.errors + (this.cache?.errors ?? 0);
  }

  private activate(ruleSet: RuleSet): ActiveRules {
    return { ruleSet, bound: ruleSet.bind((this.cache as ObservationFieldCache).readerOf) };
  }

  private compile(
    rules: RuleSource,
    rulesFile: string | undefined,
    settings: RuleSetSettings,
  ): { ruleSet: RuleSet | null; problems: RuleProblem[] } {
    if (rules instanceof RuleSet) return { ruleSet: rules, problems: [] };
    return compileRules(rules, this.schemeOf as Scheme, rulesFile, settings);
  }

  private evaluate(observation: Observation): void {
    this.stats.evaluated++;
    const cache = this.cache as ObservationFieldCache;
    cache.begin(observation);
    try {
      const decision = this.active.bound.decide(observation, cache.get, this.options.enforce);
      if (decision === null) return;
      this.matched[decision.action]++;
      let outcome = this.outcomeIds.get(decision.key);
      if (outcome === undefined) {
        if (this.outcomeIds.size >= MAX_OUTCOME_IDS) {
          // Numbers are about to be reused: forget the keys that used them, or a new outcome
          // could be suppressed as a repeat of an old one.
          this.outcomeIds.clear();
          this.dedup.clear();
        }
        this.outcomeIds.set(decision.key, (outcome = this.outcomeIds.size));
      }
      const { client, server, serverPort, proto, ts } = observation;
      if (!this.dedup.admit(client, server, serverPort, proto, outcome, ts)) {
        this.stats.suppressed++;
        return;
      }
      const wanted = this.wantedReaders;
      for (let i = 0; i < wanted.length; i++) wanted[i](observation);
      cache.commit();
      const verdict: Verdict = {
        ts: observation.ts,
        action: decision.action,
        enforce: decision.enforce,
        ruleIds: [...decision.ruleIds],
        observation,
      };
      if (decision.source !== undefined) verdict.source = decision.source;
      if (decision.ttl !== undefined) verdict.ttl = decision.ttl;
      this.stats.verdicts++;
      this.options.bus.publish('verdict', verdict);
    } catch {
      // A throwing field resolver must not take the policy stage down; it is counted instead.
      this.stats.errors++;
    } finally {
      cache.end();
    }
  }

  private registerMetrics(): void {
    const metrics = this.options.metrics;
    if (metrics === undefined) return;
    const one = (value: () => number) => () => [{ labels: {}, value: value() }];
    metrics.collect(
      'policy_evaluated_total',
      'Observations the policy stage evaluated',
      'counter',
      one(() => this.stats.evaluated),
    );
    metrics.collect(
      'policy_matched_total',
      'Observations some rule matched, by winning action',
      'counter',
      () =>
        (['allow', 'drop', 'log'] as const).map((action) => ({
          labels: { action },
          value: this.matched[action],
        })),
    );
    metrics.collect(
      'policy_verdicts_total',
      'Verdicts published',
      'counter',
      one(() => this.stats.verdicts),
    );
    metrics.collect(
      'policy_suppressed_total',
      'Verdicts suppressed as repeats within the verdict window',
      'counter',
      one(() => this.stats.suppressed),
    );
    metrics.collect(
      'policy_errors_total',
      'Observations whose evaluation threw',
      'counter',
      one(() => this.errors()),
    );
    metrics.collect(
      'policy_dedup_evictions_total',
      'Verdict keys evicted from the bounded dedup memory',
      'counter',
      one(() => this.dedup.evictions),
    );
    metrics.collect('policy_reloads_total', 'Rule set reloads, by result', 'counter', () => [
      { labels: { result: 'ok' }, value: this.stats.reloads },
      { labels: { result: 'refused' }, value: this.stats.reloadFailures },
    ]);
  }
}
