import {
  FieldResolver,
  CORE_FIELDS,
  type FieldValue,
  type Observation,
  type PluginContext,
} from '@glia/core';
import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import flow from './index.js';
import type { FlowEnricher } from './flow-enricher.js';

describePluginContract(flow);

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;

function obs(
  at: number,
  client: string,
  server: string,
  serverPort: number,
  extra: Partial<Observation> = {},
): Observation {
  return {
    ts: T0 + BigInt(Math.round(at * 1000)) * 1_000_000n,
    iface: 'eth0',
    dir: 'egress',
    phase: 'syn',
    client,
    server,
    clientPort: 40000,
    serverPort,
    proto: 'tcp',
    fields: new Map(),
    ...extra,
  } as Observation;
}

function create(
  ctx: PluginContext = testContext('flow'),
  config: Record<string, unknown> = {},
): FlowEnricher {
  const instance = flow.create(ctx, config);
  if (instance === null) throw new Error('flow create returned null');
  return instance;
}

const FLOW_FIELDS = [
  'flow.unique_dst_ports',
  'flow.unique_dsts',
  'flow.flows_per_min',
  'flow.dst_port_entropy',
];

/** A scan, with SYN-ACKs for a few ports, another source's traffic interleaved, and time moving on. */
function traffic(): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < 120; i++) {
    out.push(obs(i * 0.5, '10.0.0.66', '10.0.0.9', 1 + i));
    if (i % 10 === 0) out.push(obs(i * 0.5 + 0.001, '10.0.0.66', '10.0.0.9', 1 + i, { phase: 'synack' }));
    out.push(obs(i * 0.5 + 0.2, '10.0.0.5', `192.0.2.${i % 7}`, 443, { clientPort: 50000 + i }));
  }
  return out;
}

/** Publishes every observation with a policy-like subscriber resolving flow.* before or after the enricher's. */
function evaluate(policyFirst: boolean): Array<Array<FieldValue | undefined>> {
  const ctx = testContext('flow');
  const enricher = create(ctx);
  const resolver = new FieldResolver([...CORE_FIELDS, ...enricherFields(flow, enricher)]);
  const seen: Array<Array<FieldValue | undefined>> = [];
  const policy = (o: Observation): void => {
    seen.push(FLOW_FIELDS.map((f) => resolver.get(o, f)));
  };
  if (policyFirst) ctx.bus.subscribe('observation', policy);
  enricher.start();
  if (!policyFirst) ctx.bus.subscribe('observation', policy);
  for (const o of traffic()) ctx.bus.publish('observation', o);
  enricher.stop();
  return seen;
}

describe('flow enricher', () => {
  it('provides the DESIGN §5 fields, all Int', () => {
    const names = enricherFields(flow, create()).map((f) => f.name);
    expect(names).toEqual([
      'ids.src_home_net',
      'ids.dst_home_net',
      'ids.dst_external_net',
      'ids.src_pod_net',
      'ids.dst_pod_net',
      ...FLOW_FIELDS,
    ]);
    expect(new Set(enricherFields(flow, create()).map((f) => f.type))).toEqual(new Set(['Int']));
  });

  it('gives the same values whether the policy stage evaluates before or after its subscriber', () => {
    const before = evaluate(true);
    const after = evaluate(false);
    expect(before).toEqual(after);
    // Not trivially equal: the scan grows to 120 ports, its 12 SYN-ACKs add no flows, and the
    // first observation reads a window of one (its own).
    expect(before[0]).toEqual([1, 1, 1, 0]);
    expect(Math.max(...before.map((v) => v[0] as number))).toBe(120);
    expect(Math.max(...before.map((v) => v[2] as number))).toBe(120);
  });

  it('counts observations nobody resolved (the bus subscriber feeds the window)', () => {
    const ctx = testContext('flow');
    const enricher = create(ctx);
    enricher.start();
    for (let p = 1; p <= 100; p++) ctx.bus.publish('observation', obs(p * 0.01, '10.1.1.1', '10.1.1.2', p));
    const last = obs(2, '10.1.1.1', '10.1.1.2', 100, { phase: 'synack' });
    ctx.bus.publish('observation', last);
    const byName = new Map(enricherFields(flow, enricher).map((f) => [f.name, f]));
    expect(byName.get('flow.unique_dst_ports')?.resolve(last)).toBe(100);
    expect(byName.get('flow.flows_per_min')?.resolve(last)).toBe(100);
    expect(byName.get('flow.dst_port_entropy')?.resolve(last)).toBe(664);
    enricher.stop();
    // Stopped: observations on the bus no longer feed it.
    ctx.bus.publish('observation', obs(3, '10.1.1.1', '10.1.1.2', 101));
    expect(enricher.windows.trackedSources).toBe(1);
    // Port 101 was never recorded; port 5 is known, so a resolve now still reads 100.
    expect(byName.get('flow.unique_dst_ports')?.resolve(obs(3, '10.1.1.1', '10.1.1.3', 5))).toBe(100);
  });

  it('honours window_seconds', () => {
    const enricher = create(testContext('flow'), { window_seconds: 5 });
    const flows = enricherFields(flow, enricher).find((f) => f.name === 'flow.flows_per_min');
    expect(flows?.resolve(obs(0, '10.5.0.1', '10.5.0.2', 1))).toBe(1);
    expect(flows?.resolve(obs(4.9, '10.5.0.1', '10.5.0.2', 2))).toBe(2);
    expect(flows?.resolve(obs(5, '10.5.0.1', '10.5.0.2', 3))).toBe(2); // the one at 0 s is out
    expect(flows?.resolve(obs(20, '10.5.0.1', '10.5.0.2', 4))).toBe(1);
  });

  it('forgets the least recently seen source beyond max_sources, and says so in metrics', () => {
    const ctx = testContext('flow');
    const enricher = create(ctx, { max_sources: 3 });
    enricher.start();
    for (let i = 0; i < 5; i++) ctx.bus.publish('observation', obs(i, `10.2.0.${i}`, '10.2.1.1', 80));
    ctx.bus.publish('observation', obs(5, '10.2.0.4', '10.2.1.1', 81));
    expect(enricher.windows.trackedSources).toBe(3);
    expect(ctx.metrics.value('flow_source_evictions_total', { plugin: 'flow' })).toBe(2);
    expect(ctx.metrics.value('flow_sources', { plugin: 'flow' })).toBe(3);
    // 10.2.0.0 was forgotten: it starts over.
    const ports = enricherFields(flow, enricher).find((f) => f.name === 'flow.unique_dst_ports');
    expect(ports?.resolve(obs(6, '10.2.0.0', '10.2.1.1', 82))).toBe(1);
    enricher.stop();
  });

  it('sweeps sources idle for a whole window, in packet time', () => {
    const ctx = testContext('flow');
    const enricher = create(ctx, { window_seconds: 10 });
    enricher.start();
    for (let i = 0; i < 50; i++) ctx.bus.publish('observation', obs(i * 0.01, `10.3.0.${i}`, '10.3.1.1', 80));
    expect(enricher.windows.trackedSources).toBe(50);
    ctx.bus.publish('observation', obs(30, '10.3.9.9', '10.3.1.1', 80));
    expect(enricher.windows.trackedSources).toBe(1);
    expect(ctx.metrics.value('flow_sources_expired_total', { plugin: 'flow' })).toBe(50);
    enricher.stop();
  });

  it('counts per-source entry evictions in a metric', () => {
    const ctx = testContext('flow');
    const enricher = create(ctx, { max_entries_per_source: 8 });
    enricher.start();
    for (let p = 1; p <= 10; p++) ctx.bus.publish('observation', obs(p * 0.01, '10.4.0.1', '10.4.0.2', p));
    // 2 connections and 2 ports forgotten early.
    expect(ctx.metrics.value('flow_entry_evictions_total', { plugin: 'flow' })).toBe(4);
    enricher.stop();
  });
});

describe('direction fields (home_net, pod_nets)', () => {
  const network = {
    home_net: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'],
    pod_nets: ['10.244.0.0/16', 'fd00:244::/32'],
    never_ban: [],
  };
  const cases: Array<{ name: string; client: string; server: string; want: number[] }> = [
    // [src_home, dst_home, dst_external, src_pod, dst_pod]
    { name: 'pod to pod (v4)', client: '10.244.1.2', server: '10.244.3.4', want: [1, 1, 0, 1, 1] },
    { name: 'pod to node in home_net (v4)', client: '10.244.1.2', server: '10.0.0.1', want: [1, 1, 0, 1, 0] },
    {
      name: 'pod egress to the internet (v4)',
      client: '10.244.1.2',
      server: '8.8.8.8',
      want: [1, 0, 1, 1, 0],
    },
    { name: 'internet to home (v4)', client: '203.0.113.9', server: '192.168.1.1', want: [0, 1, 0, 0, 0] },
    {
      name: 'edge of a prefix is outside (v4)',
      client: '11.0.0.0',
      server: '9.255.255.255',
      want: [0, 0, 1, 0, 0],
    },
    { name: 'pod to pod (v6)', client: 'fd00:244::1', server: 'fd00:244:0:1::2', want: [1, 1, 0, 1, 1] },
    { name: 'v6 pod egress', client: 'fd00:244::1', server: '2001:db8::1', want: [1, 0, 1, 1, 0] },
    { name: 'v6 home but not pod', client: 'fd12::1', server: 'fd00:245::1', want: [1, 1, 0, 0, 0] },
    {
      name: 'v4-mapped v6 is not the v4 network',
      client: '::ffff:10.0.0.1',
      server: '::1',
      want: [0, 0, 1, 0, 0],
    },
  ];
  const enricher = create(testContext('flow', { network }));
  const fields = enricherFields(flow, enricher).filter((f) => f.name.startsWith('ids.'));
  for (const c of cases) {
    it(c.name, () => {
      const o = obs(0, c.client, c.server, 443);
      expect(fields.map((f) => f.resolve(o))).toEqual(c.want);
      // A second observation between different ends must not reuse the first one's flags.
      const other = obs(0, c.server, c.client, 443);
      expect(fields[0].resolve(other)).toBe(c.want[1]);
    });
  }

  it('rejects a bad CIDR at create with the config path', () => {
    expect(() =>
      create(testContext('flow', { network: { home_net: ['10.0.0.0/33'], pod_nets: [], never_ban: [] } })),
    ).toThrow(/network\.home_net: entry 0 "10\.0\.0\.0\/33"/);
  });
});
