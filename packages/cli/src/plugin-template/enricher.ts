import type { PluginNames } from './package-files.js';

/** Sources of a generated enricher: a field of its own, its pure logic, and tests of both. */
export function enricherSources(n: PluginNames): Record<string, string> {
  const field = `${n.type}.server_observations`;
  return {
    'src/server-counter.ts': `import type { Observation } from '@glia/core';

/**
 * Counts the observations of each server (address, port, protocol), remembering at most
 * \`maxServers\` of them (the least recently seen is forgotten first, and counted). Pure logic:
 * tested on its own, no bus, no clock.
 */
export class ServerCounter {
  private readonly counts = new Map<string, number>();
  private last: Observation | null = null;
  evicted = 0;

  constructor(private readonly maxServers: number) {}

  /** Counts an observation once, however often it is seen (by the bus and by a resolver). */
  see(o: Observation): number {
    const key = \`\${o.server}|\${o.serverPort}|\${o.proto}\`;
    const before = this.counts.get(key) ?? 0;
    if (o === this.last) return before;
    this.last = o;
    this.counts.delete(key);
    if (before === 0 && this.counts.size >= this.maxServers) {
      const oldest = this.counts.keys().next().value as string;
      this.counts.delete(oldest);
      this.evicted++;
    }
    this.counts.set(key, before + 1);
    return before + 1;
  }

  get size(): number {
    return this.counts.size;
  }
}
`,
    'src/plugin.ts': `import {
  PluginHealth,
  type EnricherInstance,
  type FieldResolvers,
  type FieldSpec,
  type Health,
  type PluginContext,
  type PluginFactory,
} from '@glia/core';
import { ServerCounter } from './server-counter.js';

export interface ${n.pascal}Config {
  max_servers: number;
}

/** The rule fields this enricher provides: declared here, on the factory, once. */
export const FIELDS: readonly FieldSpec[] = [
  {
    name: '${field}',
    type: 'Int',
    description: 'observations of the destination server (ip:port/proto) so far, this one included',
  },
];

export class ${n.pascal}Enricher implements EnricherInstance {
  private readonly state = new PluginHealth();
  private readonly counter: ServerCounter;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: PluginContext,
    config: ${n.pascal}Config,
  ) {
    this.counter = new ServerCounter(config.max_servers);
    const labels = { plugin: ctx.name };
    ctx.metrics.collect('${n.type}_servers', 'Servers the ${n.type} enricher remembers', 'gauge', () => [
      { labels, value: this.counter.size },
    ]);
    ctx.metrics.collect('${n.type}_evictions_total', 'Servers forgotten to stay in bounds', 'counter', () => [
      { labels, value: this.counter.evicted },
    ]);
  }

  start(): void {
    if (this.unsubscribe !== null) return;
    this.state.starting();
    // Every observation counts, whether or not a rule asks for the field.
    this.unsubscribe = this.ctx.bus.subscribe('observation', (o) => void this.counter.see(o));
    this.state.ok();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }

  /** A resolver for each declared field, no more, no fewer. */
  resolvers(): FieldResolvers {
    return { '${field}': (o) => this.counter.see(o) };
  }
}

export const plugin: PluginFactory<${n.pascal}Config, ${n.pascal}Enricher> = {
  type: '${n.type}',
  kind: 'enricher',
  description: 'counts the observations of each server (example enricher made by glia plugin new)',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { max_servers: { type: 'integer', minimum: 1, default: 100000 } },
  },
  fields: FIELDS,
  create: (ctx, config) => new ${n.pascal}Enricher(ctx, config),
};
`,
    'src/plugin.test.ts': `import { observationOf, type ConnEvent } from '@glia/core';
import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './plugin.js';
import { ServerCounter } from './server-counter.js';

describePluginContract(plugin);

const syn = (server: string, port: number, sport = 40000): ConnEvent => ({
  ts: 1_000_000_000n,
  iface: 'eth0',
  dir: 'ingress',
  src: '10.0.0.1',
  dst: server,
  sport,
  dport: port,
  proto: 'tcp',
  phase: 'syn',
  flags: 0x02,
  ttl: 64,
  window: 64240,
  options: new Uint8Array(0),
});

describe('ServerCounter', () => {
  it('counts each observation once and forgets the least recent server beyond its bound', () => {
    const counter = new ServerCounter(2);
    const a = observationOf(syn('10.0.0.2', 80), 'syn');
    expect(counter.see(a)).toBe(1);
    expect(counter.see(a)).toBe(1);
    expect(counter.see(observationOf(syn('10.0.0.2', 80, 40001), 'syn'))).toBe(2);
    counter.see(observationOf(syn('10.0.0.3', 80), 'syn'));
    counter.see(observationOf(syn('10.0.0.4', 80), 'syn'));
    expect(counter.evicted).toBe(1);
    expect(counter.see(observationOf(syn('10.0.0.2', 80, 40002), 'syn'))).toBe(1);
  });
});

describe('${n.type} enricher', () => {
  it('gives ${field} from what it saw on the bus', async () => {
    const ctx = testContext('${n.type}');
    const enricher = plugin.create(ctx, { max_servers: 10 });
    if (enricher === null) throw new Error('not created');
    const [field] = enricherFields(plugin, enricher);
    await enricher.start();
    const first = observationOf(syn('10.0.0.9', 443), 'syn');
    ctx.bus.publish('observation', first);
    expect(field.resolve(first)).toBe(1);
    const second = observationOf(syn('10.0.0.9', 443, 40001), 'syn');
    expect(field.resolve(second)).toBe(2);
    ctx.bus.publish('observation', second);
    expect(field.resolve(second)).toBe(2);
    await enricher.stop();
  });
});
`,
  };
}
