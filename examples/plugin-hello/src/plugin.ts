import {
  PluginHealth,
  type EnricherInstance,
  type FieldResolvers,
  type FieldSpec,
  type PluginContext,
  type PluginFactory,
} from '@glia/core';
import { ServerGreeter } from './greeter.js';
import './topics.js';

export interface HelloConfig {
  greeting: string;
  max_servers: number;
}

class HelloEnricher implements EnricherInstance {
  private readonly state = new PluginHealth();
  private readonly greeter: ServerGreeter;
  private unsubscribe: (() => void) | null = null;
  private readonly greeted;

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: HelloConfig,
  ) {
    this.greeter = new ServerGreeter(config.max_servers);
    this.greeted = ctx.metrics.counter('hello_new_servers_total', 'Servers greeted', { plugin: ctx.name });
  }

  start(): void {
    this.state.starting();
    this.unsubscribe = this.ctx.bus.subscribe('observation', (o) => {
      if (!this.greeter.firstContact(o)) return;
      this.greeted.inc();
      this.ctx.logger.debug({ server: o.server, port: o.serverPort }, `${this.config.greeting}, ${o.server}`);
      this.ctx.bus.publish('hello.new_server', {
        ts: o.ts,
        server: o.server,
        port: o.serverPort,
        proto: o.proto,
        client: o.client,
      });
    });
    this.state.ok();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.state.stopped();
  }

  health() {
    return this.state.get();
  }

  /** A resolver for each field HELLO_FIELDS declares, no more, no fewer. */
  resolvers(): FieldResolvers {
    return {
      'hello.greeting': (o) => `${this.config.greeting}, ${o.server}`,
      'hello.first_seen_ns': (o) => {
        const t = this.greeter.firstSeen(o);
        return t === undefined ? undefined : Number(t);
      },
    };
  }
}

/** The rule fields this plugin provides: declared on the factory, so `glia rules check -c` knows them. */
export const HELLO_FIELDS: readonly FieldSpec[] = [
  {
    name: 'hello.greeting',
    type: 'Bytes',
    description: 'the configured greeting followed by the server address',
  },
  {
    name: 'hello.first_seen_ns',
    type: 'Int',
    description: 'packet time (ns, as a number) the server was first seen',
  },
];

/** The factory glia loads: this package's default export. */
export const helloPlugin: PluginFactory<HelloConfig, HelloEnricher> = {
  type: 'hello',
  kind: 'enricher',
  description: 'greets every new server on the bus (example third-party plugin)',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      greeting: { type: 'string', minLength: 1, default: 'hello' },
      max_servers: { type: 'integer', minimum: 1, default: 10000 },
    },
  },
  fields: HELLO_FIELDS,
  create: (ctx, config) => new HelloEnricher(ctx, config),
};
