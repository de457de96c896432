import { ExitCode } from '@glia/core';
import { buildAgent, loadConfig } from '../agent-setup.js';
import { reportError } from '../exit.js';

/**
 * `glia run`: starts every configured plugin and runs until SIGINT/SIGTERM, or until every capture
 * has ended when all captures are replays; then stops every plugin cleanly.
 */
export async function runCommand(options: { config?: string }): Promise<number> {
  let agent;
  try {
    agent = buildAgent(await loadConfig(options.config));
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
  agent.logger.info({ plugins: agent.status().length }, 'glia running');
  await Promise.race([stopSignal, agent.capturesFinished()]);
  agent.logger.info(
    { signal: signalled ?? undefined },
    signalled ? 'stopping on signal' : 'all captures ended; stopping',
  );
  await agent.stop();
  const failed = agent.status().filter((s) => s.health.state === 'failed');
  if (failed.length > 0)
    agent.logger.warn({ failed: failed.map((f) => f.name) }, 'stopped with failed plugins');
  return ExitCode.ok;
}
