import {
  ExitCode,
  FieldResolver,
  InputError,
  type Agent,
  type LoadedConfig,
  type LogLevel,
  type Observation,
  type Topic,
} from '@glia/core';
import { buildAgent, createLogger, loadConfig, replayInstead } from '../agent-setup.js';
import { reportError } from '../exit.js';
import { checkCaptureFiles } from '@glia/capture-pcap';
import { eventToJson } from '@glia/packet';
import { LineWriter, toJson } from '../json-lines.js';
import { ObservationJson } from '../observation-json.js';
import { isOutputClosed, outputClosed } from '../output-closed.js';
import { attachPolicy } from '../policy.js';
import { ReplayProgress, evictionSummary, replayStats, replaySummary } from '../progress.js';

export type PrintKind = 'events' | 'observations' | 'verdicts' | 'graph';
const CAPTURE_TOPICS: readonly Topic[] = ['conn', 'banner', 'segment', 'flow', 'dns'];

export interface ReplayOptions {
  config?: string;
  /** Validated by the command line's choices. */
  print: PrintKind;
  /** jsonl (default) or json for records; json (default), dot or mermaid for --print graph. */
  format?: 'jsonl' | 'json' | 'dot' | 'mermaid';
  /** An identity baseline (MMDB) for --print graph. */
  identity?: string;
  speed?: string;
  logLevel: string;
}

/**
 * `glia replay FILE...`: runs the configured pipeline (or the embedded default's) over captures in
 * packet time instead of the configured captures, and prints what it produced.
 */
export async function replayCommand(files: string[], options: ReplayOptions): Promise<number> {
  let agent: Agent;
  const print = options.print;
  const format = options.format ?? (print === 'graph' ? 'json' : 'jsonl');
  let graph: (() => string) | null = null;
  try {
    if (print === 'graph' && format === 'jsonl')
      throw new InputError('--print graph: --format must be json, dot or mermaid');
    if (print !== 'graph' && (format === 'dot' || format === 'mermaid'))
      throw new InputError(`--format ${format} is only for --print graph`);
    if (print !== 'graph' && options.identity !== undefined)
      throw new InputError('--identity is only for --print graph');
    const loaded = await loadConfig(options.config);
    const speed = options.speed === undefined ? 0 : Number(options.speed);
    if (!(speed >= 0)) throw new InputError(`--speed ${options.speed}: must be a number ≥ 0`);
    // Every file is opened and its header read before anything starts: a bad one is bad input,
    // said once.
    const problems = await checkCaptureFiles(files, process.cwd());
    if (problems.length > 0)
      throw new InputError(`glia replay: ${problems.join('\nglia replay: ')}`, problems);
    await replayInstead(loaded, files, speed);
    keepStdoutForPrint(loaded);
    // An offline tool: its output is the data; logs say only what went wrong unless asked.
    agent = buildAgent(loaded, createLogger({ level: options.logLevel as LogLevel }));
    await attachPolicy(agent, loaded);
    // The graph printer (and the collector's MMDB reader with it) loads only for --print graph.
    if (print === 'graph') {
      const { recordGraph, renderGraph } = await import('../graph-printer.js');
      const read = recordGraph(agent, loaded, options.identity);
      graph = () => renderGraph(read(), format as 'json' | 'dot' | 'mermaid');
    }
  } catch (error) {
    return reportError(error);
  }

  // stdout is written synchronously (or counts what it holds): one chunk serves the whole replay.
  const out = new LineWriter(process.stdout, { reuseChunk: true });
  // A JSON array is streamed element by element, never built as one string.
  let first = true;
  const emit =
    format === 'json'
      ? (line: string) => {
          out.write(first ? `[${line}` : `,${line}`);
          first = false;
        }
      : (line: string) => out.write(line);
  if (print !== 'graph') subscribePrinter(agent, print, emit);
  try {
    await agent.start();
  } catch (error) {
    return reportError(error);
  }
  const progress = new ReplayProgress(agent, files);
  progress.start();
  let onInterrupt: () => void = () => undefined;
  const interrupted = new Promise<void>((done) => {
    onInterrupt = done;
    process.once('SIGINT', onInterrupt);
  });
  await Promise.race([agent.capturesFinished(), interrupted, outputClosed()]);
  process.off('SIGINT', onInterrupt);
  progress.stop();
  const stats = replayStats(agent);
  const capture = agent.status().find((s) => s.kind === 'capture');
  await agent.stop();
  if (graph !== null) out.write(graph().trimEnd());
  else if (format === 'json') out.write(first ? '[]' : ']');
  await out.close();
  if (isOutputClosed()) return ExitCode.ok;
  // The summary first: a damaged file still gave what it held before the damage.
  if (stats !== null && options.logLevel !== 'silent') {
    process.stderr.write(`glia ${replaySummary(stats)}; ${evictionSummary(agent.metrics)}\n`);
  }
  if (capture?.health.state === 'failed') {
    process.stderr.write(`glia replay: ${capture.health.reason ?? 'capture failed'}\n`);
    return ExitCode.badInput;
  }
  return ExitCode.ok;
}

/**
 * With --print, stdout carries what is printed and nothing else: a block log configured to
 * stdout writes to stderr instead, and says so once.
 */
function keepStdoutForPrint(loaded: LoadedConfig): void {
  for (const p of loaded.plugins) {
    if (p.kind === 'sink' && p.factory.type === 'blocklog' && p.config.file === 'stdout') {
      p.config.file = 'stderr';
      process.stderr.write(
        `glia replay: the block log of sink "${p.name}" goes to stderr while --print uses stdout\n`,
      );
    }
  }
}

function subscribePrinter(
  agent: Agent,
  print: Exclude<PrintKind, 'graph'>,
  emit: (line: string) => void,
): void {
  if (print === 'events') {
    for (const topic of CAPTURE_TOPICS) {
      agent.bus.subscribe(topic, (event) => emit(eventToJson(event, topic)));
    }
  } else if (print === 'observations') {
    // Subscribed before start, so field definitions are read when the first observation arrives.
    let printer: ObservationJson | null = null;
    agent.bus.subscribe('observation', (o) => {
      printer ??= new ObservationJson(new FieldResolver(agent.fields()));
      emit(printer.line(o));
    });
  } else if (print === 'verdicts') {
    agent.bus.subscribe('verdict', (v) => {
      const { observation, ...rest } = v;
      emit(toJson({ ...rest, edge: edgeOf(observation), fields: observation.fields }));
    });
  }
}

function edgeOf(o: Observation): Record<string, unknown> {
  return {
    ts: o.ts,
    phase: o.phase,
    client: o.client,
    server: o.server,
    client_port: o.clientPort,
    server_port: o.serverPort,
    proto: o.proto,
    vni: o.vni,
    iface: o.iface,
    dir: o.dir,
  };
}
