import { dirname, resolve } from 'node:path';
import {
  ExitCode,
  InputError,
  loadConfigFile,
  loadConfigText,
  silentLogger,
  type LoadedConfig,
} from '@glia/core';
import {
  checkRulesFile,
  formatProblem,
  formatRuleTestReport,
  loadRuleFile,
  runRuleTests,
  type ActualVerdict,
  type CaptureTestCase,
  type RuleSet,
  type Scheme,
} from '@glia/rules';
import { buildAgent, replayInstead } from '../agent-setup.js';
import { reportError } from '../exit.js';
import { schemeForConfig, schemeOfBuiltins } from '../fields.js';
import { useCaseIdentity } from '../identity-fixture.js';
import { attachPolicy } from '../policy.js';

/** The enrichers `glia test` replays captures with when no config is given. */
const TEST_CONFIG = `
enrichers:
  - plugin: flow
  - plugin: fqdn
  - plugin: ja4t
  - plugin: tls
`;

/**
 * The fields rules are checked against: those the config's enrichers declare (built-in or
 * third-party), or without a config, those of every built-in enricher this build has.
 */
async function schemeFor(config: string | undefined): Promise<Scheme> {
  if (config === undefined) return schemeOfBuiltins();
  return schemeForConfig(await loadConfigFile(config));
}

/** `glia rules check FILE`: every problem with its position; exit 2 when there is any. */
export async function rulesCheckCommand(file: string, options: { config?: string }): Promise<number> {
  try {
    const problems = await checkRulesFile(file, await schemeFor(options.config));
    if (problems.length > 0) {
      const inFileOrder = [...problems].sort(
        (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
      );
      process.stderr.write(`${inFileOrder.map(formatProblem).join('\n')}\n`);
      return ExitCode.badInput;
    }
    const { rules } = await loadRuleFile(file);
    process.stdout.write(`${file}: ok (${rules.length} rules)\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}

/** `glia test FILE`: runs a rule test file's cases; exit 1 on a failed case, 2 on a bad file. */
export async function ruleTestCommand(file: string, options: { config?: string }): Promise<number> {
  try {
    const report = await runRuleTests(file, {
      scheme: await schemeFor(options.config),
      runCapture: (testCase, ruleSet, enforce) =>
        replayCase(file, testCase, ruleSet, enforce, options.config),
    });
    const text = formatRuleTestReport(report);
    (report.problems.length > 0 || report.failed > 0 ? process.stderr : process.stdout).write(`${text}\n`);
    if (report.problems.length > 0) return ExitCode.badInput;
    return report.failed > 0 ? ExitCode.runtimeFailure : ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}

/** Replays a case's capture through the config's enrichers with the test's rules; its verdicts in order. */
async function replayCase(
  testFile: string,
  testCase: CaptureTestCase,
  ruleSet: RuleSet,
  enforce: boolean,
  config: string | undefined,
): Promise<ActualVerdict[]> {
  const loaded: LoadedConfig =
    config === undefined
      ? await loadConfigText(TEST_CONFIG, {
          file: '(glia test default)',
          baseDir: dirname(resolve(testFile)),
        })
      : await loadConfigFile(config);
  loaded.plugins = loaded.plugins.filter((p) => p.section !== 'sinks');
  loaded.config.enforce = enforce;
  if (testCase.identity !== undefined || testCase.edges !== undefined) {
    const sources: { identity?: string; edges?: string } = {};
    if (testCase.identity !== undefined) sources.identity = testCase.identity;
    if (testCase.edges !== undefined) sources.edges = testCase.edges;
    await useCaseIdentity(loaded, testFile, testCase.name, sources);
  }
  await replayInstead(loaded, [resolve(dirname(testFile), testCase.capture)]);
  const agent = buildAgent(loaded, silentLogger());
  await attachPolicy(agent, loaded, ruleSet);
  const verdicts: ActualVerdict[] = [];
  agent.bus.subscribe('verdict', (v) => {
    const o = v.observation;
    verdicts.push({
      action: v.action,
      rules: [...v.ruleIds],
      enforce: v.enforce,
      edge: `${o.client} > ${o.server}:${o.serverPort}/${o.proto}`,
    });
  });
  await agent.start();
  await agent.capturesFinished();
  const capture = agent.status().find((s) => s.kind === 'capture');
  await agent.stop();
  if (capture?.health.state === 'failed') {
    throw new InputError(
      `${testFile}: case "${testCase.name}": ${capture.health.reason ?? 'capture failed'}`,
    );
  }
  return verdicts;
}
