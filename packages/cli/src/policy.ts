import { InputError, type Agent, type LoadedConfig } from '@glia/core';
import { formatProblem, loadConfiguredRules, PolicyStage, RulesFileWatcher, type RuleSet } from '@glia/rules';

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
  if (ruleSet !== undefined) {
    rules = ruleSet;
  } else {
    const configured = await loadConfiguredRules(loaded.config.rules, loaded.baseDir);
    if (configured.problems.length > 0) {
      const problems = configured.problems.map(formatProblem);
      throw new InputError(`rules: ${problems.length} problems:\n  ${problems.join('\n  ')}`, problems);
    }
    rules = configured.rules;
    rulesFile = configured.rulesFile;
  }
  const stage = new PolicyStage({
    bus: agent.bus,
    fields: () => agent.fields(),
    wantedFields: () => agent.wantedFields(),
    rules,
    ...(rulesFile !== undefined ? { rulesFile } : {}),
    enforce: loaded.config.enforce,
    metrics: agent.metrics,
  });
  agent.addStage(stage);
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
