import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminRoutes,
  EnforcementBackends,
  PacketClock,
  TOKENS,
  type BannedEdge,
  type EnforcementBackend,
  type Observation,
  type Verdict,
} from '@glia/core';
import { describePluginContract, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import factory from './index.js';
import type { EnforcementRecord } from './audit.js';

class FakeBackend implements EnforcementBackend {
  readonly calls: string[] = [];
  constructor(readonly name: string) {}
  install(edge: BannedEdge, ttlMs: number): void {
    this.calls.push(`install ${edge.client}>${edge.server}:${edge.port}/${edge.proto} ${ttlMs}`);
  }
  remove(edge: BannedEdge): boolean {
    this.calls.push(`remove ${edge.client}>${edge.server}:${edge.port}/${edge.proto}`);
    return true;
  }
}

const T0 = 1_700_000_000_000;

function setup(config: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'glia-enf-'));
  const audit = join(dir, 'audit.jsonl');
  const clock = new PacketClock(BigInt(T0) * 1_000_000n);
  const ctx = testContext('enforcement', {
    clock,
    network: { home_net: ['10.0.0.0/8'], pod_nets: ['10.244.0.0/16'], never_ban: ['10.96.0.10/32'] },
  });
  const backends = new EnforcementBackends();
  const routes = new AdminRoutes();
  ctx.container.register(TOKENS.EnforcementBackends, { useValue: backends });
  ctx.container.register(TOKENS.AdminRoutes, { useValue: routes });
  const sink = factory.create(ctx, { audit, sweep_interval_ms: 60_000, ...config } as never)!;
  const records = (): EnforcementRecord[] =>
    readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as EnforcementRecord);
  const advance = (ms: number): void => clock.advance(clock.now() + BigInt(ms) * 1_000_000n);
  return { ctx, sink, backends, routes, records, advance };
}

function verdict(client: string, server: string, port: number, extra: Partial<Verdict> = {}): Verdict {
  const observation = { client, server, serverPort: port, clientPort: 40000, proto: 'tcp' } as Observation;
  return { ts: 0n, action: 'drop', enforce: true, ruleIds: ['r1'], observation, ...extra };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describePluginContract(factory, { config: { audit: 'stderr' } });

describe('enforcement sink', () => {
  it('bans the edge of an enforced drop in every backend, with the rule ttl or the default, and audits it', async () => {
    const { ctx, sink, backends, records } = setup({ ttl: 30 });
    const one = new FakeBackend('tcx a');
    const two = new FakeBackend('tcx b');
    backends.register(one);
    backends.register(two);
    await sink.start();
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 5432));
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 80, { ttl: 5, ruleIds: ['short'] }));
    // Not enforced: a would-drop of the policy stage; not a drop at all: nothing to do.
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 81, { enforce: false }));
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 82, { action: 'log' }));
    expect(one.calls).toEqual([
      'install 10.244.1.2>10.244.2.3:5432/tcp 30000',
      'install 10.244.1.2>10.244.2.3:80/tcp 5000',
    ]);
    expect(two.calls).toEqual(one.calls);
    await sink.stop();
    const r = records();
    expect(r.map((x) => `${x.action} ${x.edge.server_port} ${x.ttl ?? ''} ${x.reason ?? ''}`)).toEqual([
      'Install 5432 30 ',
      'Install 80 5 ',
      'Remove 5432  shutdown',
      'Remove 80  shutdown',
    ]);
    expect(r[0]).toMatchObject({
      agent: 'test-agent',
      rule_ids: ['r1'],
      backends: ['tcx a', 'tcx b'],
      time: '2023-11-14T22:13:20.000000000Z',
    });
    expect(r[0].expires).toBe('2023-11-14T22:13:50.000000000Z');
  });

  it('removes a ban at its expiry (clock time), and lifts one on unban through the admin route', async () => {
    const { ctx, sink, backends, routes, records, advance } = setup({ ttl: 10 });
    const backend = new FakeBackend('tcx');
    backends.register(backend);
    await sink.start();
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 5432));
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.4', 5432));
    advance(9_999);
    sink.sweep();
    expect(sink.edges().length).toBe(2);
    const list = await routes.find('GET', '/edges')!({
      method: 'GET',
      query: new URLSearchParams(),
      body: null,
    });
    expect(list.body).toMatchObject({
      backends: ['tcx'],
      edges: [{ server: '10.244.2.3', remaining_s: 0, installed: true }, { server: '10.244.2.4' }],
    });
    const unban = async (body: unknown): Promise<number> =>
      (await routes.find('POST', '/edges/unban')!({ method: 'POST', query: new URLSearchParams(), body }))
        .status;
    const edge = { client: '10.244.1.2', server: '10.244.2.4', port: 5432 };
    expect(await unban(edge)).toBe(200);
    expect(await unban(edge)).toBe(404);
    expect(await unban({ client: 'x' })).toBe(400);
    advance(1);
    sink.sweep();
    expect(sink.edges()).toEqual([]);
    expect(backend.calls.slice(2)).toEqual([
      'remove 10.244.1.2>10.244.2.4:5432/tcp',
      'remove 10.244.1.2>10.244.2.3:5432/tcp',
    ]);
    await settle();
    expect(records().map((x) => `${x.action} ${x.edge.server} ${x.reason ?? ''}`)).toEqual([
      'Install 10.244.2.3 ',
      'Install 10.244.2.4 ',
      'Remove 10.244.2.4 unban',
      'Remove 10.244.2.3 expired',
    ]);
    await sink.stop();
    expect(routes.paths()).toEqual([]);
  });

  it('refuses never_ban and node addresses, and records would-drops without a kernel backend', async () => {
    const { ctx, sink, backends, records } = setup();
    await sink.start();
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.96.0.10', 53));
    ctx.bus.publish('verdict', verdict('10.244.1.2', '127.0.0.1', 8080));
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 5432));
    expect(sink.edges().map((e) => [e.edge.server, e.installed])).toEqual([['10.244.2.3', false]]);
    // A backend that appears later gets the bans in force.
    const late = new FakeBackend('late');
    backends.register(late);
    expect(late.calls).toEqual(['install 10.244.1.2>10.244.2.3:5432/tcp 600000']);
    await settle();
    expect(records().map((x) => `${x.action} ${x.edge.server} ${x.reason ?? ''}`)).toEqual([
      'Refused 10.96.0.10 server 10.96.0.10 is in network.never_ban',
      'Refused 127.0.0.1 server 127.0.0.1 is an address of this node',
      'WouldInstall 10.244.2.3 no kernel backend',
      'Install 10.244.2.3 backend attached',
    ]);
    await sink.stop();
  });

  it('refuses bans beyond max_edges and degrades when a backend fails', async () => {
    const { ctx, sink, backends } = setup({ max_edges: 1 });
    backends.register({
      name: 'broken',
      install: () => {
        throw new Error('map full (E2BIG)');
      },
      remove: () => false,
    });
    await sink.start();
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 1));
    ctx.bus.publish('verdict', verdict('10.244.1.2', '10.244.2.3', 2));
    expect(sink.counts).toMatchObject({ installed: 1, refused: 1, backendErrors: 1 });
    expect(sink.health()).toEqual({ state: 'degraded', reason: 'broken: install failed: map full (E2BIG)' });
    await sink.stop();
  });
});
