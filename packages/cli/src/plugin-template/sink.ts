import type { PluginNames } from './package-files.js';

/** Sources of a generated sink: verdicts as JSON lines in a file, behind a bounded queue. */
export function sinkSources(n: PluginNames): Record<string, string> {
  return {
    'src/verdict-line.ts': `import type { Verdict } from '@glia/core';

/** One verdict as one JSON line (pure: tested on its own). */
export function verdictLine(v: Verdict): string {
  const o = v.observation;
  return \`\${JSON.stringify({
    ts: v.ts.toString(),
    action: v.enforce || v.action !== 'drop' ? v.action : 'would_drop',
    rules: v.ruleIds,
    edge: \`\${o.client} > \${o.server}:\${o.serverPort}/\${o.proto}\`,
  })}\\n\`;
}
`,
    'src/plugin.ts': `import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  BoundedQueue,
  PluginHealth,
  type Health,
  type PluginContext,
  type PluginFactory,
  type SinkInstance,
} from '@glia/core';
import { verdictLine } from './verdict-line.js';

export interface ${n.pascal}Config {
  file: string;
  queue: number;
}

/**
 * Appends every verdict to a file as a JSON line. The pipeline never waits on the disk: lines go
 * through a bounded queue that drops and counts what does not fit.
 */
export class ${n.pascal}Sink implements SinkInstance {
  private readonly state = new PluginHealth();
  private readonly queue: BoundedQueue<string>;
  private readonly path: string;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: PluginContext,
    config: ${n.pascal}Config,
  ) {
    this.path = resolve(ctx.baseDir, config.file);
    this.queue = new BoundedQueue<string>({
      capacity: config.queue,
      consume: (lines) => appendFile(this.path, lines.join('')),
      onError: (error) => {
        this.state.degraded(\`cannot write \${this.path}: \${String(error)}\`);
      },
    });
    const labels = { plugin: ctx.name };
    ctx.metrics.collect('${n.type}_dropped_total', 'Verdicts dropped by a full queue', 'counter', () => [
      { labels, value: this.queue.dropped },
    ]);
  }

  start(): void {
    if (this.unsubscribe !== null) return;
    this.state.starting();
    this.unsubscribe = this.ctx.bus.subscribe('verdict', (v) => void this.queue.push(verdictLine(v)));
    this.state.ok();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.queue.close();
    this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }
}

export const plugin: PluginFactory<${n.pascal}Config, ${n.pascal}Sink> = {
  type: '${n.type}',
  kind: 'sink',
  description: 'writes every verdict to a file as a JSON line (example sink made by glia plugin new)',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      file: { type: 'string', minLength: 1, default: '${n.type}.jsonl' },
      queue: { type: 'integer', minimum: 1, default: 10000 },
    },
  },
  create: (ctx, config) => new ${n.pascal}Sink(ctx, config),
};
`,
    'src/plugin.test.ts': `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { observationOf, type ConnEvent, type Verdict } from '@glia/core';
import { describePluginContract, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './plugin.js';
import { verdictLine } from './verdict-line.js';

describePluginContract(plugin);

const syn: ConnEvent = {
  ts: 5_000_000_000n,
  iface: 'eth0',
  dir: 'ingress',
  src: '10.0.0.1',
  dst: '10.0.0.2',
  sport: 40000,
  dport: 22,
  proto: 'tcp',
  phase: 'syn',
  flags: 0x02,
  ttl: 64,
  window: 64240,
  options: new Uint8Array(0),
};
const verdict = (enforce: boolean): Verdict => ({
  ts: syn.ts,
  action: 'drop',
  enforce,
  ruleIds: ['no-ssh'],
  observation: observationOf(syn, 'syn'),
});

describe('verdictLine', () => {
  it('writes the edge, the rules and would_drop for a drop that is not enforced', () => {
    expect(JSON.parse(verdictLine(verdict(false)))).toEqual({
      ts: '5000000000',
      action: 'would_drop',
      rules: ['no-ssh'],
      edge: '10.0.0.1 > 10.0.0.2:22/tcp',
    });
  });
});

describe('${n.type} sink', () => {
  it('appends each verdict published on the bus, and has written all of them when stopped', async () => {
    const ctx = testContext('${n.type}');
    const sink = plugin.create(ctx, { file: 'out.jsonl', queue: 100 });
    if (sink === null) throw new Error('not created');
    await sink.start();
    ctx.bus.publish('verdict', verdict(true));
    ctx.bus.publish('verdict', verdict(false));
    await sink.stop();
    const lines = readFileSync(join(ctx.baseDir, 'out.jsonl'), 'utf8').trim().split('\\n');
    expect(lines.map((l) => JSON.parse(l).action)).toEqual(['drop', 'would_drop']);
  });
});
`,
  };
}
