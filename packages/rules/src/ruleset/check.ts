import { DESIGN_FIELDS } from '../fields/design-fields.js';
import { Scheme, type TypedField } from '../lang/scheme.js';
import type { RuleProblem } from './problem.js';
import { loadRuleFile, parseRuleFile } from './rule-file.js';
import { compileRules } from './compile-rules.js';

/**
 * Every problem of a rule file (`glia rules check`): YAML syntax, rule shapes, duplicate ids,
 * expression syntax and types, fields of enrichers that are not enabled. Without `fields`, all
 * DESIGN §5 fields count as available.
 */
export async function checkRulesFile(
  path: string,
  fields: readonly TypedField[] = DESIGN_FIELDS,
): Promise<RuleProblem[]> {
  const parsed = await loadRuleFile(path);
  if (parsed.problems.length > 0 && parsed.rules.length === 0) return parsed.problems;
  return [
    ...parsed.problems,
    ...compileRules(parsed.rules, new Scheme(fields), path, parsed.settings).problems,
  ];
}

/** The same for rule text already in memory. */
export function checkRulesText(
  text: string,
  file: string | undefined,
  fields: readonly TypedField[] = DESIGN_FIELDS,
): RuleProblem[] {
  const parsed = parseRuleFile(text, file);
  return [
    ...parsed.problems,
    ...compileRules(parsed.rules, new Scheme(fields), file, parsed.settings).problems,
  ];
}
