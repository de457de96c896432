import { readFile } from 'node:fs/promises';
import { InputError, MemoryBudget, type Agent, type LoadedConfig } from '@glia/core';
// The topic alone, not the identity enricher (mmdb-lib, the control-plane client) with it.
import { PUSHED_RULES_TOPIC } from '@glia/enricher-identity/pushed-rules';
import { declaredScheme, schemeForConfig } from './fields.js';
import {
  compileRules,
  formatProblem,
  loadConfiguredRules,
  parseRuleFile,
  PolicyStage,
  reloadRulesText,
  RulesFileWatcher,
  type LocatedRule,
  type RuleProblem,
  type RuleSet,
  type RuleSetSettings,
} from '@glia/rules';

/** Heap cost of one verdict dedup entry (bench/memory/entry-cost.mjs: 139 B), rounded up. */
const DEDUP_ENTRY_BYTES = 160;

type ConfiguredRules = Awaited<ReturnType<typeof loadConfiguredRules>>;

/**
 * The config's rules with their positions: a rules file is located by its own parser; inline rules
 * are located in the config file's text, so a bad expression is reported at its line in the
 * config. Where environment substitution changed an expression, the substituted rules are used.
 */
export async function locatedRules(loaded: LoadedConfig): Promise<ConfiguredRules> {
  const configured = await loadConfiguredRules(loaded.config.rules, loaded.baseDir);
  const inline = loaded.config.rules;
  if (typeof inline === 'string' || loaded.file === null || inline.length === 0) return configured;
  let located: LocatedRule[];
  try {
    located = parseRuleFile(await readFile(loaded.file, 'utf8'), loaded.file).rules;
  } catch {
    return configured;
  }
  const same =
    located.length === inline.length &&
    located.every((l, i) => l.entry.id === inline[i].id && l.entry.expression === inline[i].expression);
  return same ? { ...configured, rules: located } : configured;
}

export function rulesError(where: string, problems: readonly RuleProblem[]): InputError {
  const lines = problems.map(formatProblem);
  return new InputError(`${where}: rules: ${lines.length} problems:\n  ${lines.join('\n  ')}`, lines);
}

export interface AttachedPolicy {
  stage: PolicyStage;
  /** Watches the rules file for hot reload (and SIGHUP); null for inline rules. */
  watcher: RulesFileWatcher | null;
}

/**
 * Adds the policy stage with the config's rules (inline, or the rules file it names). The rules
 * compile when the stage starts, against the fields of the enrichers that really run; any problem
 * stops the start with every problem listed.
 */
export async function attachPolicy(
  agent: Agent,
  loaded: LoadedConfig,
  ruleSet?: RuleSet,
): Promise<AttachedPolicy> {
  let rules: ConstructorParameters<typeof PolicyStage>[0]['rules'];
  let rulesFile: string | undefined;
  let ruleSettings: RuleSetSettings = {};
  if (ruleSet !== undefined) {
    rules = ruleSet;
  } else {
    const configured = await locatedRules(loaded);
    if (configured.problems.length > 0) throw rulesError(loaded.file ?? 'config', configured.problems);
    rules = configured.rules;
    rulesFile = configured.rulesFile;
    ruleSettings = configured.settings;
    // The enrichers declare their fields, so the rules are checked before anything starts; the
    // catalog of built-ins that explains an unknown field is loaded only when one is.
    const where = rulesFile ?? loaded.file ?? undefined;
    if (compileRules(rules, declaredScheme(loaded), where, ruleSettings).problems.length > 0) {
      const compiled = compileRules(rules, await schemeForConfig(loaded), where, ruleSettings);
      throw rulesError(loaded.file ?? 'config', compiled.problems);
    }
  }
  const stage = new PolicyStage({
    bus: agent.bus,
    fields: () => agent.fields(),
    wantedFields: () => agent.wantedFields(),
    rules,
    ruleSettings,
    ...(rulesFile !== undefined ? { rulesFile } : {}),
    enforce: loaded.config.enforce,
    dedupCapacity: new MemoryBudget(loaded.config.limits?.memory_mb).entriesFor(
      'verdict_dedup',
      DEDUP_ENTRY_BYTES,
    ),
    metrics: agent.metrics,
  });
  agent.addStage(stage);
  // Rule sets a control plane pushes (through the identity enricher) take the file reload's path:
  // compiled first, swapped in whole, or refused with the old set left in force.
  agent.bus.subscribe(PUSHED_RULES_TOPIC, (pushed) =>
    pushed.reply(reloadRulesText(stage, pushed.text, pushed.source)),
  );
  const watcher =
    rulesFile === undefined
      ? null
      : new RulesFileWatcher({
          path: rulesFile,
          target: stage,
          onReload: (outcome) =>
            outcome.ok ? agent.logger.info(outcome.message) : agent.logger.error(outcome.message),
        });
  return { stage, watcher };
}
