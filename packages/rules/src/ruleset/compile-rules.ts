import { errorMessage, type RuleEntry } from '@glia/core';
import { compileExpression } from '../lang/compile.js';
import type { Scheme } from '../lang/scheme.js';
import { RuleSyntaxError } from '../lang/source-error.js';
import type { RuleProblem } from './problem.js';
import type { LocatedRule } from './rule-entries.js';
import { RuleSet, type CompiledRule } from './rule-set.js';

/** Options of a whole rule set (a rule file's top-level keys). */
export interface RuleSetSettings {
  /** `absent != x` is true, as wirefilter's default; glia's default is false. */
  absentNotEqual?: boolean;
}

/**
 * Compiles rule entries (inline from the config, or located in a file) against a scheme. All
 * problems are collected; the set is returned only when there are none, so a bad set never
 * half-replaces a good one. Nothing a rule says makes this throw: an unexpected failure compiling
 * one rule is a problem of that rule.
 */
export function compileRules(
  rules: ReadonlyArray<RuleEntry | LocatedRule>,
  scheme: Scheme,
  file?: string,
  settings: RuleSetSettings = {},
): { ruleSet: RuleSet | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const compiled: CompiledRule[] = [];
  const seen = new Map<string, LocatedRule>();
  const absentNotEqual = settings.absentNotEqual === true;
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
        expression: compileExpression(entry.expression, scheme, { absentNotEqual }),
        enforce: entry.enforce !== false,
      };
      if (entry.source !== undefined) rule.source = entry.source;
      if (entry.description !== undefined) rule.description = entry.description;
      if (entry.ttl !== undefined) rule.ttl = entry.ttl;
      compiled.push(rule);
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) {
        problems.push({ ...where, message: `expression could not be compiled: ${errorMessage(error)}` });
        continue;
      }
      const inFile = located.expressionPosition?.(error.offset);
      problems.push(
        inFile === undefined
          ? { ...where, message: `expression ${error.message}` }
          : { ...where, line: inFile.line, column: inFile.column, message: error.detail },
      );
    }
  }
  if (problems.length > 0) return { ruleSet: null, problems };
  try {
    return { ruleSet: new RuleSet(compiled, { absentNotEqual }), problems };
  } catch (error) {
    return {
      ruleSet: null,
      problems: [{ file, message: `the rule set could not be built: ${errorMessage(error)}` }],
    };
  }
}
