import type { RuleEntry } from '@glia/core';
import { isAbsolute, resolve } from 'node:path';
import type { RuleSetSettings } from './compile-rules.js';
import type { RuleProblem } from './problem.js';
import type { LocatedRule } from './rule-entries.js';
import { loadRuleFile } from './rule-file.js';

/**
 * The config's `rules`: inline entries as they are, or the rule file it names (relative to the
 * config file's directory) read and located, ready for `new PolicyStage({rules, rulesFile})`.
 */
export async function loadConfiguredRules(
  rules: readonly RuleEntry[] | string,
  baseDir: string,
): Promise<{
  rules: ReadonlyArray<RuleEntry | LocatedRule>;
  rulesFile?: string;
  settings: RuleSetSettings;
  problems: RuleProblem[];
}> {
  if (typeof rules !== 'string') return { rules, settings: {}, problems: [] };
  const rulesFile = isAbsolute(rules) ? rules : resolve(baseDir, rules);
  const parsed = await loadRuleFile(rulesFile);
  return { rules: parsed.rules, rulesFile, settings: parsed.settings, problems: parsed.problems };
}
