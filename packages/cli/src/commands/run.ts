import {
  ExitCode,
  InputError,
  errorMessage,
  loadConfigFile,
  type Agent,
  type LoadedConfig,
} from '@glia/core';
import { buildAgent, loadRunConfig } from '../agent-setup.js';
import { formatProblem } from '@glia/rules';
import { reportError } from '../exit.js';
import { outputClosed } from '../output-closed.js';
import { attachPolicy, type AttachedPolicy } from '../policy.js';

/**
 * `glia run`: starts every configured plugin and runs until SIGINT/SIGTERM, or until every capture
 * has ended when all captures are replays; then stops every plugin cleanly.
 */
export async function runCommand(options: { config?: string }): Promise<number> {
  let agent: Agent;
  let policy: AttachedPolicy;
  try {
    const loaded = await loadRunConfig(options.config);
    requireCapture(loaded);
    agent = buildAgent(loaded);
    policy = await attachPolicy(agent, loaded);
  } catch (error) {
    return reportError(error);
  }
  let signalled: NodeJS.Signals | null = null;
  const stopSignal = new Promise<void>((done) => {
    const on = (signal: NodeJS.Signals): void => {
      signalled = signal;
      done();
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
  try {
    await agent.start();
  } catch (error) {
    return reportError(error);
  }
  policy.watcher?.start();
  const onHangup = (): void => {
    // Nothing a reload meets may stop the agent: the old rules stay, the refusal is logged and counted.
    reloadRules(agent, policy, options.config).catch((error: unknown) => {
      policy.stage.refuseReload([{ message: errorMessage(error) }]);
      agent.logger.error(
        { err: errorMessage(error) },
        'SIGHUP: rules not reloaded; the old ones stay in force',
      );
    });
  };
  process.on('SIGHUP', onHangup);
  // The agent runs until told to stop, whatever handles its plugins hold open.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  agent.logger.info({ plugins: agent.status().length }, 'glia running');
  await Promise.race([stopSignal, agent.capturesFinished(), outputClosed()]);
  clearInterval(keepAlive);
  process.off('SIGHUP', onHangup);
  policy.watcher?.close();
  agent.logger.info(
    { signal: signalled ?? undefined },
    signalled ? 'stopping on signal' : 'all captures ended; stopping',
  );
  // Read before stopping: a plugin's own stop() may leave "failed" for "stopped".
  const failed = agent.status().filter((s) => s.health.state === 'failed');
  await agent.stop();
  if (failed.length > 0)
    agent.logger.warn({ failed: failed.map((f) => f.name) }, 'stopped with failed plugins');
  // A capture that could not run (a replay file that cannot be read) is the run failing.
  const captures = failed.filter((s) => s.kind === 'capture');
  if (captures.length > 0) {
    for (const c of captures)
      process.stderr.write(`glia run: capture ${c.name}: ${c.health.reason ?? 'failed'}\n`);
    return ExitCode.runtimeFailure;
  }
  return ExitCode.ok;
}

/** An agent with nothing to observe is a config mistake: say what to add. */
function requireCapture(loaded: LoadedConfig): void {
  if (loaded.plugins.some((p) => p.section === 'capture')) return;
  throw new InputError(
    `${loaded.file ?? 'config'}: nothing to observe: add an observe section for live traffic ` +
      `(observe: {mode: auto, interfaces: [eth0]}) or a capture to replay ` +
      `(capture: [{plugin: pcap, file: traffic.pcap}])`,
  );
}

/**
 * SIGHUP: reload the rules. A rules file is re-read by its watcher; inline rules are re-read from
 * the config file. A bad new set keeps the old one running, says why and is counted
 * (glia_policy_reloads_total{result="refused"}).
 */
async function reloadRules(
  agent: Agent,
  policy: AttachedPolicy,
  configFile: string | undefined,
): Promise<void> {
  if (policy.watcher !== null) {
    await policy.watcher.reload();
    return;
  }
  if (configFile === undefined) {
    agent.logger.info('SIGHUP: the embedded default config has no rules file to reload');
    return;
  }
  try {
    const fresh = await loadConfigFile(configFile);
    if (typeof fresh.config.rules === 'string') {
      policy.stage.refuseReload([{ file: configFile, message: 'the config now names a rules file' }]);
      agent.logger.warn('SIGHUP: the config now names a rules file; restart glia to switch to it');
      return;
    }
    const result = policy.stage.reload(fresh.config.rules, configFile);
    if (result.ok) agent.logger.info({ rules: result.rules }, 'SIGHUP: rules reloaded');
    else
      agent.logger.error(
        { problems: result.problems.map(formatProblem) },
        'SIGHUP: new rules rejected; the old ones stay in force',
      );
  } catch (error) {
    policy.stage.refuseReload([{ file: configFile, message: errorMessage(error) }]);
    agent.logger.error(
      { err: errorMessage(error) },
      'SIGHUP: config not reloaded; the old rules stay in force',
    );
  }
}
