import type { PluginNames } from './package-files.js';

/**
 * Sources of a generated capture: flow records from a JSON-lines file (an export of another
 * tool's connection log) published as canonical flow events, in record time.
 */
export function captureSources(n: PluginNames): Record<string, string> {
  return {
    'src/flow-record.ts': `import type { FlowEvent } from '@glia/core';

/**
 * One line of the input: {"ts_ms": 1700000000000, "client": "10.0.0.1", "server": "10.0.0.2",
 * "client_port": 40000, "server_port": 443, "proto": "tcp"}. Returns the flow event (client →
 * server, as DESIGN §3 orients flows) or why the line is not one. Pure: tested on its own.
 */
export function flowOfLine(line: string, iface: string): FlowEvent | string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (typeof r !== 'object' || r === null) return 'not an object';
  const port = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
  if (typeof r.ts_ms !== 'number' || !(r.ts_ms >= 0)) return 'ts_ms is not a time in ms';
  if (typeof r.client !== 'string' || typeof r.server !== 'string') return 'client/server are not addresses';
  if (!port(r.client_port) || !port(r.server_port)) return 'a port is not 0..65535';
  if (r.proto !== 'tcp' && r.proto !== 'udp') return 'proto is not tcp or udp';
  return {
    ts: BigInt(Math.trunc(r.ts_ms)) * 1_000_000n,
    iface,
    dir: 'ingress',
    src: r.client,
    dst: r.server,
    sport: r.client_port,
    dport: r.server_port,
    proto: r.proto,
  };
}
`,
    'src/plugin.ts': `import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  PluginHealth,
  type Health,
  type PluginContext,
  type PluginFactory,
  type PluginInstance,
} from '@glia/core';
import { flowOfLine } from './flow-record.js';

export interface ${n.pascal}Config {
  file: string;
}

/**
 * Publishes a flow event per record of a JSON-lines file, then ends (a finite capture, like a
 * replay: finished() resolves at the end of the file). A bad line is counted and skipped.
 */
export class ${n.pascal}Capture implements PluginInstance {
  private readonly state = new PluginHealth();
  private readonly path: string;
  private done: Promise<void> = Promise.resolve();
  private stopped = false;
  records = 0;
  badLines = 0;

  constructor(
    private readonly ctx: PluginContext,
    config: ${n.pascal}Config,
  ) {
    this.path = resolve(ctx.baseDir, config.file);
    const labels = { plugin: ctx.name };
    ctx.metrics.collect('${n.type}_bad_lines_total', 'Input lines that were not flow records', 'counter', () => [
      { labels, value: this.badLines },
    ]);
  }

  start(): void {
    this.state.starting();
    this.stopped = false;
    this.done = this.run().catch((error: unknown) => {
      this.state.failed(\`cannot read \${this.path}: \${error instanceof Error ? error.message : String(error)}\`);
    });
    this.state.ok();
  }

  /** Resolves when the whole file has been published (or reading it failed). */
  finished(): Promise<void> {
    return this.done;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
    if (this.state.get().state !== 'failed') this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }

  private async run(): Promise<void> {
    const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      if (this.stopped) break;
      n++;
      if (line.trim() === '') continue;
      const flow = flowOfLine(line, this.ctx.name);
      if (typeof flow === 'string') {
        if (this.badLines++ === 0) this.ctx.logger.warn({ line: n, problem: flow }, \`\${this.path}:\${n}: \${flow}\`);
        continue;
      }
      // In replay the agent's clock follows the records' time (a PacketClock has advance()).
      (this.ctx.clock as { advance?: (ts: bigint) => void }).advance?.(flow.ts);
      this.records++;
      this.ctx.bus.publish('flow', flow);
    }
  }
}

export const plugin: PluginFactory<${n.pascal}Config, ${n.pascal}Capture> = {
  type: '${n.type}',
  kind: 'capture',
  description: 'flow records from a JSON-lines file as flow events (example capture made by glia plugin new)',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['file'],
    properties: { file: { type: 'string', minLength: 1 } },
  },
  create: (ctx, config) => new ${n.pascal}Capture(ctx, config),
};
`,
    'src/plugin.test.ts': `import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowEvent } from '@glia/core';
import { describePluginContract, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { flowOfLine } from './flow-record.js';
import { plugin } from './plugin.js';

describePluginContract(plugin, { config: { file: 'flows.jsonl' }, skipStart: 'needs an input file' });

const LINE = '{"ts_ms": 1700000000123, "client": "10.0.0.1", "server": "10.0.0.2", "client_port": 40000, "server_port": 443, "proto": "tcp"}';

describe('flowOfLine', () => {
  it('reads a record as a flow event client → server', () => {
    expect(flowOfLine(LINE, 'x')).toMatchObject({ ts: 1700000000123000000n, src: '10.0.0.1', dport: 443 });
  });
  it.each([
    ['{', 'not JSON'],
    ['{"ts_ms": 1, "client": "a", "server": "b", "client_port": 1, "server_port": 70000, "proto": "tcp"}', 'a port is not 0..65535'],
    ['{"ts_ms": 1, "client": "a", "server": "b", "client_port": 1, "server_port": 2, "proto": "icmp"}', 'proto is not tcp or udp'],
  ])('rejects %s: %s', (line, why) => {
    expect(flowOfLine(line, 'x')).toBe(why);
  });
});

describe('${n.type} capture', () => {
  it('publishes every good record, counts the bad ones, and finishes', async () => {
    const ctx = testContext('${n.type}');
    writeFileSync(join(ctx.baseDir, 'flows.jsonl'), \`\${LINE}\\nnot json\\n\${LINE}\\n\`);
    const capture = plugin.create(ctx, { file: 'flows.jsonl' });
    if (capture === null) throw new Error('not created');
    const flows: FlowEvent[] = [];
    ctx.bus.subscribe('flow', (f) => flows.push(f));
    capture.start();
    await capture.finished();
    expect(flows).toHaveLength(2);
    expect(capture.badLines).toBe(1);
    await capture.stop();
    expect(capture.health().state).toBe('stopped');
  });
});
`,
  };
}
