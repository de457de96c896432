import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import type { NewServer } from './topics.js';
import { helloPlugin } from './plugin.js';

describePluginContract(helloPlugin);

describe('hello plugin', () => {
  it('publishes hello.new_server once per server', () => {
    const ctx = testContext('hello');
    const plugin = helloPlugin.create(ctx, { greeting: 'hi', max_servers: 10 });
    const greeted: NewServer[] = [];
    ctx.bus.subscribe('hello.new_server', (e) => greeted.push(e));
    plugin?.start();
    const obs = (server: string, ts: bigint) => ({
      ts,
      iface: 'eth0',
      dir: 'ingress' as const,
      phase: 'syn' as const,
      client: '10.0.0.9',
      server,
      clientPort: 40000,
      serverPort: 80,
      proto: 'tcp' as const,
      fields: new Map(),
      event: {
        ts,
        iface: 'eth0',
        dir: 'ingress' as const,
        src: '10.0.0.9',
        dst: server,
        sport: 40000,
        dport: 80,
        proto: 'tcp' as const,
      },
    });
    ctx.bus.publish('observation', obs('10.0.0.1', 1n));
    ctx.bus.publish('observation', obs('10.0.0.1', 2n));
    ctx.bus.publish('observation', obs('10.0.0.2', 3n));
    expect(greeted.map((g) => g.server)).toEqual(['10.0.0.1', '10.0.0.2']);
    const field = enricherFields(helloPlugin, plugin!).find((f) => f.name === 'hello.greeting');
    expect(field?.resolve(obs('10.0.0.1', 4n))).toBe('hi, 10.0.0.1');
    plugin?.stop();
  });
});
