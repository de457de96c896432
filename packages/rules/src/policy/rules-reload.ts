import { errorMessage } from '@glia/core';
import type { RuleSetSettings } from '../ruleset/compile-rules.js';
import { formatProblem, type RuleProblem } from '../ruleset/problem.js';
import { parseRuleFile, type ParsedRuleFile } from '../ruleset/rule-file.js';
import type { RuleSet } from '../ruleset/rule-set.js';
import type { ReloadResult, RuleSource } from './policy-stage.js';

/** Something rules can be reloaded into: the policy stage. */
export interface Reloadable {
  reload(rules: RuleSource, rulesFile?: string, settings?: RuleSetSettings): ReloadResult;
  /** Counts a reload refused before it got to `reload` (rules that do not parse, a file not read). */
  refuseReload(problems: RuleProblem[]): ReloadResult;
  readonly rules: RuleSet;
}

export interface ReloadOutcome extends ReloadResult {
  /** One line for the log: what is in force now and why. */
  message: string;
}

/**
 * The one reload path, for a rules file that changed and for rules a control plane pushed: a
 * parsed file with any problem, rules that do not compile, or any failure at all leave the rules
 * in force untouched, are counted by the target (a refused reload) and the outcome lists every
 * problem; otherwise the new set (with the file's options) is swapped in whole. Never throws.
 */
export function reloadParsedRules(target: Reloadable, parsed: ParsedRuleFile, source: string): ReloadOutcome {
  let result: ReloadResult;
  try {
    result =
      parsed.problems.length > 0
        ? target.refuseReload(parsed.problems)
        : target.reload(parsed.rules, source, parsed.settings);
  } catch (error) {
    return refusedOutcome(target, source, error);
  }
  return { ...result, message: describe(source, result.problems, result.ok, parsed.rules.length) };
}

/** The same for rule-file text (YAML or JSON) that did not come from a file, e.g. a control plane. */
export function reloadRulesText(target: Reloadable, text: string, source: string): ReloadOutcome {
  let parsed: ParsedRuleFile;
  try {
    parsed = parseRuleFile(text, source);
  } catch (error) {
    return refusedOutcome(target, source, error);
  }
  return reloadParsedRules(target, parsed, source);
}

/** A reload that failed before the rules could be looked at: refused, counted, the reason kept. */
export function refusedOutcome(target: Reloadable, source: string, error: unknown): ReloadOutcome {
  const result = target.refuseReload([
    { file: source, message: `the rules could not be loaded: ${errorMessage(error)}` },
  ]);
  return { ...result, message: describe(source, result.problems, false, 0) };
}

function describe(source: string, problems: readonly RuleProblem[], ok: boolean, count: number): string {
  if (ok) return `${source}: ${count} rule${count === 1 ? '' : 's'} in force`;
  return `${source}: kept the rules in force; the new rules have ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.map(formatProblem).join('\n  ')}`;
}
