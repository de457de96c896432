import type { Scheme } from '../lang/scheme.js';
import type { RuleProblem } from './problem.js';
import { loadRuleFile, parseRuleFile } from './rule-file.js';
import { compileRules } from './rule-set.js';

/**
 * Every problem of a rule file (`glia rules check`): YAML syntax, rule shapes, duplicate ids,
 * expression syntax and types, fields the scheme does not have.
 */
export async function checkRulesFile(path: string, scheme: Scheme): Promise<RuleProblem[]> {
  const parsed = await loadRuleFile(path);
  if (parsed.problems.length > 0 && parsed.rules.length === 0) return parsed.problems;
  return [...parsed.problems, ...compileRules(parsed.rules, scheme, path).problems];
}

/** The same for rule text already in memory. */
export function checkRulesText(text: string, file: string | undefined, scheme: Scheme): RuleProblem[] {
  const parsed = parseRuleFile(text, file);
  return [...parsed.problems, ...compileRules(parsed.rules, scheme, file).problems];
}
