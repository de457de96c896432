import type { Scheme } from '../lang/scheme.js';
import type { RuleProblem } from './problem.js';
import { compileRules } from './compile-rules.js';
import { loadRuleFile, parseRuleFile, type ParsedRuleFile } from './rule-file.js';

/**
 * Every problem of a rule file (`glia rules check`): YAML syntax, rule shapes, duplicate ids,
 * expression syntax and types, fields the scheme does not have — the expression of a rule with a
 * bad shape included, so one run reports them all.
 */
export async function checkRulesFile(path: string, scheme: Scheme): Promise<RuleProblem[]> {
  return allProblems(await loadRuleFile(path), scheme, path);
}

/** The same for rule text already in memory. */
export function checkRulesText(text: string, file: string | undefined, scheme: Scheme): RuleProblem[] {
  return allProblems(parseRuleFile(text, file), scheme, file);
}

function allProblems(parsed: ParsedRuleFile, scheme: Scheme, file: string | undefined): RuleProblem[] {
  const flawed = (parsed.flawed ?? []).flatMap((rule) =>
    compileRules([rule], scheme, file, parsed.settings).problems.map((p) =>
      rule.entry.id === '' ? { ...p, ruleId: undefined } : p,
    ),
  );
  const problems = [
    ...parsed.problems,
    ...compileRules(parsed.rules, scheme, file, parsed.settings).problems,
    ...flawed,
  ];
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
