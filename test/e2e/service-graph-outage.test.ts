import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_FIELDS, TOKENS, WallClock, type Observation } from '@glia/core';
import { testContext } from '@glia/core/testing';
import { Collector, collectorConfig } from '@glia/collector';
import { ServiceGraphSink, withDefaults } from '@glia/sink-service-graph';
import { describe, expect, it } from 'vitest';

/**
 * The collector goes away for 60 intervals of the agent and comes back. Time is scaled, not faked:
 * one interval is 50 ms, so the outage is 3 s of real time during which the collector's port
 * really refuses connections; everything else (backoff, backlog, resync) runs as in production.
 */
const INTERVAL_S = 0.05;
const OUTAGE_INTERVALS = 60;
const BACKLOG = 8;
const TOKEN = 'outage-test-token';

function observation(client: string, clientPort: number, server: string, port: number): Observation {
  const ts = BigInt(Date.now()) * 1_000_000n;
  return {
    ts,
    iface: 'eth0',
    dir: 'ingress',
    phase: 'syn',
    client,
    server,
    clientPort,
    serverPort: port,
    proto: 'tcp',
    event: {} as Observation['event'],
    fields: new Map(),
  };
}

async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('service graph: the collector down for 60 intervals', () => {
  it('the agent stays within its backlog bound, counts its drops, and catches up when the collector returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-outage-'));
    const config = (listen: string) =>
      collectorConfig({ token: TOKEN, listen, store: { type: 'sqlite', path: 'g.db' } }, 'test', dir);
    let collector = new Collector(config('127.0.0.1:0'));
    const { port } = await collector.start();

    const ctx = testContext('service_graph', { clock: new WallClock() });
    ctx.container.register(TOKENS.Fields, { useValue: () => CORE_FIELDS });
    const sink = new ServiceGraphSink(
      ctx,
      withDefaults({
        url: `http://127.0.0.1:${port}`,
        token: TOKEN,
        agent_id: 'edge-1',
        interval: INTERVAL_S,
        backlog: BACKLOG,
        retry_initial: 0.01,
        retry_max: 0.2,
        timeout: 1,
      }),
    );
    sink.start();

    // Traffic all along: every 10 ms one new connection, on an edge among 400 (so slices differ).
    const truth = new Map<string, number>();
    let n = 0;
    const traffic = setInterval(() => {
      const client = `10.0.${Math.floor(n / 200) % 2}.${n % 200}`;
      const server = `10.1.0.${n % 2}`;
      ctx.bus.publish('observation', observation(client, 30_000 + (n % 30_000), server, 443));
      const key = `${client}>${server}:443/tcp`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      n++;
    }, 10);

    try {
      await until(() => sink.uploader.counters.sent >= 5, 10_000, 'the first uploads');
      expect(sink.health().state).toBe('ok');

      await collector.stop(); // the port now refuses connections
      const down = Date.now();
      let largest = 0;
      while (Date.now() - down < OUTAGE_INTERVALS * INTERVAL_S * 1000) {
        largest = Math.max(largest, sink.uploader.size);
        await new Promise((r) => setTimeout(r, 5));
      }
      const u = sink.uploader.counters;
      expect(largest).toBeLessThanOrEqual(BACKLOG);
      expect(largest).toBe(BACKLOG); // it did fill up
      // About one slice per interval was made; all but the backlog's worth (and the one in flight) were dropped.
      expect(u.dropped).toBeGreaterThan(OUTAGE_INTERVALS / 2 - BACKLOG);
      expect(u.edgesDropped).toBeGreaterThan(0);
      expect(u.failedAttempts).toBeGreaterThan(3);
      expect(
        ctx.metrics.value('service_graph_slices_dropped_total', {
          plugin: 'service_graph',
          reason: 'backlog_full',
        }),
      ).toBe(u.dropped);
      expect(sink.health()).toMatchObject({
        state: 'degraded',
        reason: expect.stringMatching(/upload to .* failing: .*ECONNREFUSED.*slices dropped: backlog full/),
      });

      collector = new Collector(config(`127.0.0.1:${port}`));
      await collector.start();
      clearInterval(traffic);
      // Caught up: the backlog drained and a full resync slice carried everything still held.
      await until(
        async () => {
          if (sink.uploader.size > 0 || sink.uploader.lastFailure !== null) return false;
          await sink.flush();
          const raw = await collector.store.read();
          return raw.edges.reduce((sum, e) => sum + e.flows, 0) === n;
        },
        10_000,
        'the collector to catch up',
      );
      const raw = await collector.store.read();
      expect(
        Object.fromEntries(raw.edges.map((e) => [`${e.client}>${e.server}:${e.port}/${e.proto}`, e.flows])),
      ).toEqual(Object.fromEntries(truth));
      expect(sink.uploader.size).toBe(0);
    } finally {
      clearInterval(traffic);
      await sink.stop();
      await collector.stop();
    }
  });
});
