import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '@glia/core';
import { configCheckCommand } from './commands/config-check.js';
import { pluginNewCommand, type PluginNewOptions } from './commands/plugin-new.js';
import { pluginsCommand } from './commands/plugins.js';
import { replayCommand, type ReplayOptions } from './commands/replay.js';
import { rulesCheckCommand, ruleTestCommand } from './commands/rules.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { watchStdout } from './output-closed.js';

const EXIT_CODES = `
Exit codes:
  0  success
  1  runtime failure (a plugin or the agent could not run)
  2  bad input (config, rules, capture files, arguments)`;

/** Builds the command tree; each action stores its exit code in `result`. */
export function buildProgram(result: { code: number }): Command {
  const set = (code: number): void => {
    result.code = code;
  };
  const program = new Command('glia')
    .description('Network observability and identity-aware microsegmentation agent')
    .version('0.1.0')
    .addHelpText('after', EXIT_CODES)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description('run the agent until SIGINT/SIGTERM (or until every replayed capture has ended)')
    .option('-c, --config <file>', 'config file (YAML or JSON); without it, the embedded default demo')
    .addHelpText('after', EXIT_CODES)
    .action(async (o: { config?: string }) => set(await runCommand(o)));

  const config = program.command('config').description('work with config files');
  config
    .command('check <file>')
    .description('validate a config file: every problem with its path and line')
    .addHelpText('after', EXIT_CODES)
    .action(async (file: string) => set(await configCheckCommand(file)));

  const rules = program.command('rules').description('work with rule files');
  rules
    .command('check <file>')
    .description('check a rules file: every error with its line:column; exit 2 on any')
    .option('-c, --config <file>', 'check against the fields of the enrichers this config enables')
    .addHelpText('after', EXIT_CODES)
    .action(async (file: string, o: { config?: string }) => set(await rulesCheckCommand(file, o)));

  program
    .command('test <file>')
    .description('run the cases of a rule test file (fields or captures with expected verdicts)')
    .option(
      '-c, --config <file>',
      'config whose enrichers replay capture cases (default: flow, fqdn, ja4t, tls)',
    )
    .addHelpText('after', EXIT_CODES)
    .action(async (file: string, o: { config?: string }) => set(await ruleTestCommand(file, o)));

  program
    .command('plugins')
    .description('list available plugins, their kind and what they do')
    .option('-c, --config <file>', 'also list the plugins this config names')
    .action(async (o: { config?: string }) => set(await pluginsCommand(o)));

  const plugin = program.command('plugin').description('write your own plugins');
  plugin
    .command('new <name>')
    .description('write a new plugin package (tested, loadable) to change into your own')
    .addOption(
      new Option('--kind <kind>', 'what the plugin is')
        .choices(['enricher', 'sink', 'capture'])
        .makeOptionMandatory(),
    )
    .option('--dir <dir>', 'where to write it (default: ./glia-plugin-NAME)')
    .option('--core <path>', '@glia/core to depend on: a packed .tgz or its directory (default: this glia’s)')
    .addHelpText('after', EXIT_CODES)
    .action(async (name: string, o: PluginNewOptions) => set(await pluginNewCommand(name, o)));

  program
    .command('replay <files...>')
    .description(
      'replay captures (pcap, pcapng, gzip; files or directories) through the pipeline in packet time',
    )
    .option(
      '-c, --config <file>',
      'config whose enrichers, rules and sinks to use (its captures are replaced)',
    )
    .addOption(
      new Option('--print <what>', 'what to print')
        .choices(['events', 'observations', 'verdicts'])
        .default('events'),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'json']).default('jsonl'))
    .option('--speed <factor>', '0 = as fast as possible, 1 = recorded pace, 2 = twice as fast', '0')
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
        .default('warn'),
    )
    .addHelpText('after', EXIT_CODES)
    .action(async (files: string[], o: ReplayOptions) => set(await replayCommand(files, o)));

  program
    .command('status')
    .description("show plugin health of a running agent (from its admin endpoint, config 'admin.listen')")
    .option('--url <url>', 'admin endpoint', 'http://127.0.0.1:9464')
    .action(async (o: { url: string }) => set(await statusCommand(o)));

  return program;
}

/** Runs the CLI; returns the exit code instead of exiting so it can be tested in process. */
export async function main(argv: string[]): Promise<number> {
  watchStdout();
  const result = { code: ExitCode.ok as number };
  const program = buildProgram(result);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
      if (error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.badInput;
    }
    throw error;
  }
  return result.code;
}
