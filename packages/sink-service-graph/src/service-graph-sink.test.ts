import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  FieldResolver,
  TOKENS,
  type FieldDefinition,
  type Observation,
  type PluginContext,
} from '@glia/core';
import { describePluginContract, testContext } from '@glia/core/testing';
import type { ObservedSlice } from '@glia/service-graph';
import { afterEach, describe, expect, it } from 'vitest';
import serviceGraph from './index.js';
import { retryDelay } from './backoff.js';
import { ServiceGraphSink } from './service-graph-sink.js';
import { withDefaults } from './config.js';
import { Uploader } from './uploader.js';

describePluginContract(serviceGraph, { config: { url: 'http://127.0.0.1:9' } });

interface Received {
  url: string;
  auth: string | undefined;
  encoding: string | undefined;
  slice: ObservedSlice;
}

/** A loopback collector stand-in that records what it is sent and answers with `status()`. */
async function recorder(
  status: () => number = () => 204,
): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = status();
      if (code < 300) {
        got.push({
          url: `${req.method} ${req.url}`,
          auth: req.headers.authorization,
          encoding: req.headers['content-encoding'],
          slice: JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as ObservedSlice,
        });
      }
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function observation(
  phase: Observation['phase'],
  client: string,
  cport: number,
  server: string,
  sport: number,
  ms: number,
): Observation {
  return {
    ts: BigInt(ms) * 1_000_000n,
    iface: 'eth0',
    dir: 'ingress',
    phase,
    client,
    server,
    clientPort: cport,
    serverPort: sport,
    proto: 'tcp',
    event: {} as Observation['event'],
    fields: new Map(),
  };
}

/** Fields as enrichers would give them, by server address. */
const FAKE_FIELDS: FieldDefinition[] = [
  {
    name: 'ja4t',
    type: 'Bytes',
    description: '',
    resolve: (o) => (o.phase === 'syn' ? `t-${o.client}` : undefined),
  },
  {
    name: 'ja4ts',
    type: 'Bytes',
    description: '',
    resolve: (o) => (o.phase === 'synack' ? `ts-${o.server}` : undefined),
  },
  {
    name: 'dns.fqdn',
    type: 'Bytes',
    description: '',
    resolve: (o) => (o.server === '10.0.0.2' ? 'db.internal' : undefined),
  },
  {
    name: 'service.name',
    type: 'Bytes',
    description: '',
    resolve: (o) => (o.serverPort === 5432 ? 'postgresql' : undefined),
  },
  {
    name: 'service.version',
    type: 'Bytes',
    description: '',
    resolve: (o) => (o.serverPort === 5432 ? '15.4' : undefined),
  },
];

function sinkFor(ctx: PluginContext, url: string, extra: Record<string, unknown> = {}): ServiceGraphSink {
  ctx.container.register(TOKENS.Fields, { useValue: () => FAKE_FIELDS });
  return new ServiceGraphSink(
    ctx,
    withDefaults({ url, interval: 3600, token: 's3cret', agent_id: 'node-1', ...extra }),
  );
}

describe('service_graph sink', () => {
  it('uploads a gzip JSON slice with PUT to <url>/v1/observed/<agent_id>, with the bearer token and node facts', async () => {
    const c = await recorder();
    servers.push(c.server);
    const ctx = testContext('service_graph');
    const sink = sinkFor(ctx, `${c.url}/`);
    sink.start();
    ctx.bus.publish('observation', observation('syn', '10.0.0.1', 40000, '10.0.0.2', 5432, 1000));
    ctx.bus.publish('observation', observation('synack', '10.0.0.1', 40000, '10.0.0.2', 5432, 1001));
    ctx.bus.publish('observation', observation('flow', '10.0.0.1', 40000, '10.0.0.2', 5432, 2000));
    ctx.bus.publish('observation', observation('syn', '10.0.0.1', 40001, '10.0.0.2', 5432, 3000));
    const o = observation('syn', '10.0.0.1', 40002, '10.0.0.3', 22, 3500);
    ctx.bus.publish('observation', o);
    ctx.bus.publish('verdict', { ts: o.ts, action: 'drop', enforce: false, ruleIds: ['r'], observation: o });
    await sink.stop();
    expect(c.got).toHaveLength(1);
    const [{ url, auth, encoding, slice }] = c.got;
    expect([url, auth, encoding]).toEqual(['PUT /v1/observed/node-1', 'Bearer s3cret', 'gzip']);
    expect(slice).toMatchObject({ version: 1, agent: 'node-1', seq: 1, full: true });
    expect(slice.edges).toEqual([
      {
        client: '10.0.0.1',
        server: '10.0.0.2',
        port: 5432,
        proto: 'tcp',
        flows: 2,
        first_seen: 1000,
        last_seen: 3000,
        verdicts: { drop: 0, would_drop: 0, log: 0, allow: 0 },
      },
      {
        client: '10.0.0.1',
        server: '10.0.0.3',
        port: 22,
        proto: 'tcp',
        flows: 1,
        first_seen: 3500,
        last_seen: 3500,
        verdicts: { drop: 0, would_drop: 1, log: 0, allow: 0 },
      },
    ]);
    const byIp = Object.fromEntries(slice.nodes.map((n) => [n.ip, n]));
    expect(byIp['10.0.0.1'].ja4t).toEqual(['t-10.0.0.1']);
    expect(byIp['10.0.0.2']).toMatchObject({
      ja4ts: [{ port: 5432, ja4ts: 'ts-10.0.0.2' }],
      dns_names: ['db.internal'],
      services: [{ port: 5432, proto: 'tcp', service: 'postgresql', version: '15.4' }],
    });
    expect(sink.health().state).toBe('stopped');
  });

  it('later slices carry only what changed, with cumulative counts', async () => {
    const c = await recorder();
    servers.push(c.server);
    const ctx = testContext('service_graph');
    const sink = sinkFor(ctx, c.url);
    sink.start();
    ctx.bus.publish('observation', observation('syn', '10.0.0.1', 1, '10.0.0.2', 80, 0));
    ctx.bus.publish('observation', observation('syn', '10.0.0.1', 1, '10.0.0.3', 80, 0));
    await sink.flush();
    ctx.bus.publish('observation', observation('syn', '10.0.0.1', 2, '10.0.0.2', 80, 10));
    await sink.flush();
    await sink.flush(); // nothing changed: nothing sent
    await sink.stop();
    expect(
      c.got.map((g) => [g.slice.seq, g.slice.full, g.slice.edges.map((e) => `${e.server}=${e.flows}`)]),
    ).toEqual([
      [1, true, ['10.0.0.2=1', '10.0.0.3=1']],
      [2, false, ['10.0.0.2=2']],
    ]);
  });

  it('reads facts through the agent’s field resolver, which the policy stage then reuses', async () => {
    const ctx = testContext('service_graph');
    const sink = sinkFor(ctx, 'http://127.0.0.1:9');
    sink.start();
    const o = observation('syn', '10.0.0.1', 1, '10.0.0.2', 5432, 0);
    ctx.bus.publish('observation', o);
    expect(o.fields.get('service.name')).toBe('postgresql');
    expect(new FieldResolver(FAKE_FIELDS).get(o, 'dns.fqdn')).toBe('db.internal');
    await sink.stop();
  });
});

describe('retryDelay', () => {
  const cases: Array<[string, number, number, number]> = [
    ['first retry, lowest draw', 0, 0, 500],
    ['first retry, highest draw', 0, 1, 1000],
    ['doubles per attempt', 3, 1, 8000],
    ['half of the cap at the lowest draw', 10, 0, 30_000],
    ['capped', 10, 1, 60_000],
    ['huge attempt numbers stay capped', 5000, 0.5, 45_000],
  ];
  for (const [name, attempt, draw, ms] of cases) {
    it(name, () => expect(retryDelay(attempt, 1000, 60_000, () => draw)).toBe(ms));
  }
});

describe('Uploader', () => {
  it('retries a failing collector in order, and keeps at most maxSlices, dropping the oldest', async () => {
    let up = false;
    const c = await recorder(() => (up ? 204 : 503));
    servers.push(c.server);
    const dropped: number[] = [];
    const u = new Uploader({
      send: async (body, signal) => (await fetch(c.url, { method: 'PUT', body, signal })).status,
      maxSlices: 3,
      maxBytes: 1 << 20,
      retryInitialMs: 5,
      retryMaxMs: 20,
      timeoutMs: 1000,
      onDropped: (s) => dropped.push(s.seq),
    });
    const body = (seq: number) => Buffer.from(`{"seq":${seq}}`);
    for (let seq = 1; seq <= 6; seq++) u.enqueue({ seq, edges: 10, body: gzipSync(body(seq)) });
    expect(u.size).toBe(3);
    expect(dropped).toEqual([2, 3, 4]); // slice 1 is in flight, so the ones behind it go
    await new Promise((r) => setTimeout(r, 60));
    expect(u.counters.failedAttempts).toBeGreaterThan(1);
    expect(u.lastFailure).toBe('HTTP 503');
    up = true;
    // The retry loop drains the backlog once the collector answers; stop() itself does not retry
    // (an attempt failing as it is called ends it), so wait for the drain before stopping.
    for (let waited = 0; c.got.length < 3 && waited < 10_000; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    await u.stop(2000);
    expect(c.got.map((g) => (g.slice as unknown as { seq: number }).seq)).toEqual([1, 5, 6]);
    expect(u.counters).toMatchObject({ sent: 3, dropped: 3, edgesDropped: 30, unsent: 0 });
  });

  it('counts a refused slice (4xx) once and moves on; gives up at the stop deadline', async () => {
    const c = await recorder(() => 400);
    servers.push(c.server);
    const u = new Uploader({
      send: async (body, signal) => (await fetch(c.url, { method: 'PUT', body, signal })).status,
      maxSlices: 10,
      maxBytes: 1 << 20,
      retryInitialMs: 5,
      retryMaxMs: 5,
      timeoutMs: 1000,
    });
    u.enqueue({ seq: 1, edges: 1, body: gzipSync(Buffer.from('{}')) });
    await u.stop(1000);
    expect(u.counters).toMatchObject({ sent: 0, rejected: 1, unsent: 0 });

    const down = new Uploader({
      send: () => Promise.reject(new Error('connect ECONNREFUSED')),
      maxSlices: 10,
      maxBytes: 1 << 20,
      retryInitialMs: 5,
      retryMaxMs: 5,
      timeoutMs: 1000,
    });
    down.enqueue({ seq: 1, edges: 1, body: Buffer.alloc(1) });
    down.enqueue({ seq: 2, edges: 1, body: Buffer.alloc(1) });
    const started = Date.now();
    await down.stop(100);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(down.counters.unsent).toBe(2);
    expect(down.lastFailure).toBe('connect ECONNREFUSED');
  });
});
