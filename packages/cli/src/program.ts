// Only commander and what every command shares load up front. Each command's module (and with it
// the agent, ajv, pino, the plugins, the Kubernetes client...) is imported inside its action, so
// `glia --help` and every other command never pay for it: add a command the same way, with
// `await import('./commands/NAME.js')` in its action and at most `import type` from it here.
import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '@glia/core/errors';
import type { CollectorOptions } from './commands/collector.js';
import type { ControlPlaneOptions } from './commands/control-plane.js';
import type { PluginNewOptions } from './commands/plugin-new.js';
import type { ReplayOptions } from './commands/replay.js';
import { watchStdout } from './output-closed.js';
import { TOKEN_ENV } from './token-env.js';

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
    .action(async (o: { config?: string }) => set(await (await import('./commands/run.js')).runCommand(o)));

  const config = program.command('config').description('work with config files');
  config
    .command('check <file>')
    .description('validate a config file: every problem with its path and line')
    .addHelpText('after', EXIT_CODES)
    .action(async (file: string) =>
      set(await (await import('./commands/config-check.js')).configCheckCommand(file)),
    );

  const rules = program.command('rules').description('work with rule files');
  rules
    .command('check <file>')
    .description('check a rules file: every error with its line:column; exit 2 on any')
    .option('-c, --config <file>', 'check against the fields of the enrichers this config enables')
    .addHelpText('after', EXIT_CODES)
    .action(async (file: string, o: { config?: string }) =>
      set(await (await import('./commands/rules.js')).rulesCheckCommand(file, o)),
    );

  program
    .command('test <file>')
    .description('run the cases of a rule test file (fields or captures with expected verdicts)')
    .option(
      '-c, --config <file>',
      'config whose enrichers replay capture cases (default: flow, fqdn, ja4t, tls)',
    )
    .addHelpText('after', EXIT_CODES)
    .action(async (file: string, o: { config?: string }) =>
      set(await (await import('./commands/rules.js')).ruleTestCommand(file, o)),
    );

  program
    .command('plugins')
    .description('list available plugins, their kind and what they do')
    .option('-c, --config <file>', 'also list the plugins this config names')
    .action(async (o: { config?: string }) =>
      set(await (await import('./commands/plugins.js')).pluginsCommand(o)),
    );

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
    .action(async (name: string, o: PluginNewOptions) =>
      set(await (await import('./commands/plugin-new.js')).pluginNewCommand(name, o)),
    );

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
        .choices(['events', 'observations', 'verdicts', 'graph'])
        .default('events'),
    )
    .addOption(
      new Option(
        '--format <format>',
        'jsonl or json (default jsonl); for --print graph: json, dot or mermaid (default json)',
      ).choices(['jsonl', 'json', 'dot', 'mermaid']),
    )
    .option('--identity <mmdb>', 'with --print graph: identity baseline naming workloads')
    .option('--speed <factor>', '0 = as fast as possible, 1 = recorded pace, 2 = twice as fast', '0')
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
        .default('warn'),
    )
    .addHelpText('after', EXIT_CODES)
    .action(async (files: string[], o: ReplayOptions) =>
      set(await (await import('./commands/replay.js')).replayCommand(files, o)),
    );

  const identity = program.command('identity').description('workload identity baselines (MMDB)');
  identity
    .command('build <inventory>')
    .description(
      'write the baseline MMDB of an inventory ({ip or cidr, namespace, workload, app, labels, ...})',
    )
    .requiredOption('-o, --output <file>', 'the MMDB file to write (replaced atomically)')
    .addHelpText('after', EXIT_CODES)
    .action(async (inventory: string, o: { output: string }) =>
      set(await (await import('./commands/identity-build.js')).identityBuildCommand(inventory, o)),
    );
  identity
    .command('lookup <file> <ip>')
    .description('print the record an MMDB holds for an address (exit 1 when it holds none)')
    .addHelpText('after', EXIT_CODES)
    .action(async (file: string, ip: string) =>
      set(await (await import('./commands/identity-lookup.js')).identityLookupCommand(file, ip)),
    );

  program
    .command('control-plane')
    .description('serve identities, declared edges and rules (and their deltas) to agents')
    .option('--inventory <file>', 'inventory YAML, watched: each change is a delta')
    .option('--kubernetes', 'the inventory is the pods of the Kubernetes API (list+watch)')
    .option('--kubeconfig <file>', 'kubeconfig for --kubernetes (default: in-cluster, then ~/.kube/config)')
    .option('--namespace <name>', 'only the pods of this namespace (--kubernetes)')
    .option('--edges <file>', 'declared edges, watched')
    .option('--rules <file>', 'a rules file pushed to the agents, watched')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8443')
    .option('--token-file <file>', `file with the bearer token agents must send (or ${TOKEN_ENV})`)
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--tls-key <file>', 'PEM key of --tls-cert')
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
        .default('info'),
    )
    .addHelpText('after', EXIT_CODES)
    .action(async (o: ControlPlaneOptions) =>
      set(await (await import('./commands/control-plane.js')).controlPlaneCommand(o)),
    );

  program
    .command('collector')
    .description(
      "run the fleet collector: receives agents' service-graph slices, serves the graph and its live page",
    )
    .option(
      '-c, --config <file>',
      'collector config (YAML or JSON); without it, GLIA_COLLECTOR_TOKEN gives the upload token',
    )
    .option('--listen <host:port>', 'where to listen (default 127.0.0.1:8080)')
    .option('--store <store>', 'sqlite:PATH (default sqlite:glia-graph.db) or postgres://user@host/db')
    .option('--identity <mmdb>', 'identity baseline (MMDB) naming workloads')
    .addHelpText('after', EXIT_CODES)
    .action(async (o: CollectorOptions) =>
      set(await (await import('./commands/collector.js')).collectorCommand(o)),
    );

  const graph = program.command('graph').description('work with service graphs');
  graph
    .command('diff <a> <b>')
    .description(
      'edges added, removed and newly blocked from graph A to graph B (JSON from GET /v1/graph or replay --print graph)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', EXIT_CODES)
    .action(async (a: string, b: string, o: { format: 'text' | 'json' }) =>
      set(await (await import('./commands/graph-diff.js')).graphDiffCommand(a, b, o)),
    );

  program
    .command('status')
    .description(
      "show a running agent's observe backend and each plugin's health and counters (admin endpoint, config 'admin.listen')",
    )
    .option('--url <url>', 'admin endpoint', 'http://127.0.0.1:9464')
    .option('--json', "print the admin endpoint's JSON as it is")
    .action(async (o: { url: string; json?: boolean }) =>
      set(await (await import('./commands/status.js')).statusCommand(o)),
    );

  program
    .command('doctor')
    .description(
      'what this host can do for live capture (kernel, BTF, tcx, XDP, ring buffer, privileges, libpcap, interfaces) and the backend observe.mode auto would choose, and why',
    )
    .option('-c, --config <file>', "also check the devices this config's observe section names")
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `\nExit codes:\n  0  a live capture backend can run here\n  1  none can\n  2  bad input`,
    )
    .action(async (o: { config?: string; json?: boolean }) =>
      set(await (await import('./commands/doctor.js')).doctorCommand(o)),
    );

  const edges = program
    .command('edges')
    .description("see and lift a running agent's banned edges (from its admin endpoint)");
  edges
    .command('list')
    .description('the edges banned in the kernel (or recorded as would-drops), with time left and rules')
    .option('--url <url>', 'admin endpoint', 'http://127.0.0.1:9464')
    .option('--json', 'print the raw JSON')
    .action(async (o: { url: string; json?: boolean }) =>
      set(await (await import('./commands/edges.js')).edgesListCommand(o)),
    );
  edges
    .command('unban <client> <server> <port>')
    .description('lift the ban of client -> server:port before its expiry')
    .addOption(new Option('--proto <proto>', 'transport').choices(['tcp', 'udp']).default('tcp'))
    .option('--url <url>', 'admin endpoint', 'http://127.0.0.1:9464')
    .addHelpText('after', EXIT_CODES)
    .action(async (client: string, server: string, port: string, o: { url: string; proto: string }) =>
      set(await (await import('./commands/edges.js')).edgesUnbanCommand(client, server, port, o)),
    );

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
