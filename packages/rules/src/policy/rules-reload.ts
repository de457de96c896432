import { formatProblem, type RuleProblem } from '../ruleset/problem.js';
import { parseRuleFile, type ParsedRuleFile } from '../ruleset/rule-file.js';
import type { RuleSet } from '../ruleset/rule-set.js';
import type { ReloadResult, RuleSource } from './policy-stage.js';

/** Something rules can be reloaded into: the policy stage. */
export interface Reloadable {
  reload(rules: RuleSource, rulesFile?: string): ReloadResult;
  readonly rules: RuleSet;
}

export interface ReloadOutcome extends ReloadResult {
  /** One line for the log: what is in force now and why. */
  message: string;
}

/**
 * The one reload path, for a rules file that changed and for rules a control plane pushed: a
 * parsed file with any problem, or rules that do not compile, leave the rules in force untouched
 * and the outcome lists every problem; otherwise the new set is swapped in whole.
 */
export function reloadParsedRules(target: Reloadable, parsed: ParsedRuleFile, source: string): ReloadOutcome {
  const result: ReloadResult =
    parsed.problems.length > 0
      ? { ok: false, rules: target.rules.rules.length, problems: parsed.problems }
      : target.reload(parsed.rules, source);
  return { ...result, message: describe(source, result.problems, result.ok, parsed.rules.length) };
}

/** The same for rule-file text (YAML or JSON) that did not come from a file, e.g. a control plane. */
export function reloadRulesText(target: Reloadable, text: string, source: string): ReloadOutcome {
  return reloadParsedRules(target, parseRuleFile(text, source), source);
}

function describe(source: string, problems: readonly RuleProblem[], ok: boolean, count: number): string {
  if (ok) return `${source}: ${count} rule${count === 1 ? '' : 's'} in force`;
  return `${source}: kept the rules in force; the new rules have ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.map(formatProblem).join('\n  ')}`;
}
