import { describe, expect, it } from 'vitest';
import { emptyFacts } from './node-facts.js';
import { nameAddress, resolveGraph, type ResolveOptions } from './resolve.js';
import type { Identity, MergedEdge, MergedNode } from './graph.js';
import { filterByTime, filterGraph } from './filter.js';

const IDENTITIES: Record<string, Identity> = {
  '10.1.0.1': { namespace: 'shop', workload: 'frontend', app: 'web', labels: { app: 'web' } },
  '10.1.0.2': { namespace: 'shop', workload: 'frontend', app: 'web' },
  '10.2.0.1': { namespace: 'db', workload: 'postgres', control_plane: false },
  '10.3.0.1': { namespace: 'ops' }, // a record without a workload names nothing
};

const options: ResolveOptions = {
  identity: (ip) => IDENTITIES[ip],
  isInternal: (ip) => ip.startsWith('10.'),
  now: Date.UTC(2024, 4, 1),
};

function node(ip: string, facts: Partial<MergedNode> = {}): MergedNode {
  return { ip, ...emptyFacts(), ...facts };
}

function edge(
  client: string,
  server: string,
  port: number,
  flows: number,
  extra: Partial<MergedEdge> = {},
): MergedEdge {
  return {
    client,
    server,
    port,
    proto: 'tcp',
    flows,
    first_seen: 1000,
    last_seen: 2000,
    verdicts: { drop: 0, would_drop: 0, log: 0, allow: 0 },
    agents: ['a'],
    ...extra,
  };
}

describe('nameAddress', () => {
  const cases: Array<[string, string, Partial<MergedNode>, string, string]> = [
    ['a workload the baseline knows', '10.1.0.1', {}, 'shop/frontend', 'workload'],
    ['an internal address the baseline does not know', '10.9.9.9', {}, 'host/10.9.9.9', 'host'],
    ['a baseline record without a workload', '10.3.0.1', {}, 'host/10.3.0.1', 'host'],
    [
      'an internal address keeps host/<ip> even with a DNS name',
      '10.9.9.8',
      { dns_names: ['x.svc'] },
      'host/10.9.9.8',
      'host',
    ],
    [
      'an outside peer by its DNS name (smallest of several)',
      '93.184.216.34',
      { dns_names: ['www.example.com', 'example.com'] },
      'example.com',
      'external',
    ],
    [
      'an outside peer by its TLS name when no DNS name is known',
      '1.1.1.1',
      { tls_names: ['one.one.one.one'] },
      'one.one.one.one',
      'external',
    ],
    ['an outside peer without any name', '8.8.8.8', {}, 'host/8.8.8.8', 'external'],
    ['IPv6 outside', '2001:db8::1', {}, 'host/2001:db8::1', 'external'],
  ];
  for (const [name, ip, facts, id, kind] of cases) {
    it(name, () => expect(nameAddress(ip, node(ip, facts), options)).toMatchObject({ id, kind }));
  }
  it('without a baseline every internal address is a host', () => {
    expect(nameAddress('10.1.0.1', undefined, { ...options, identity: undefined }).id).toBe('host/10.1.0.1');
  });
});

describe('resolveGraph', () => {
  it('merges the addresses of a workload into one node and sums its parallel edges', () => {
    const graph = resolveGraph(
      {
        edges: [
          edge('10.1.0.1', '10.2.0.1', 5432, 3, { first_seen: 500, agents: ['node-1'] }),
          edge('10.1.0.2', '10.2.0.1', 5432, 4, {
            last_seen: 9000,
            agents: ['node-2'],
            verdicts: { drop: 1, would_drop: 0, log: 2, allow: 0 },
          }),
          edge('10.1.0.1', '93.184.216.34', 443, 1),
        ],
        nodes: [
          node('10.2.0.1', {
            services: [{ port: 5432, proto: 'tcp', service: 'postgresql', product: 'PostgreSQL DB' }],
            ja4ts: [{ port: 5432, ja4ts: 'x' }],
          }),
          node('93.184.216.34', { dns_names: ['example.com'], tls_names: ['example.com'] }),
          node('10.7.7.7', { dns_names: ['lonely'] }), // no edge: not drawn
        ],
      },
      options,
    );
    expect(graph.nodes.map((n) => [n.id, n.kind, n.ips])).toEqual([
      ['db/postgres', 'workload', ['10.2.0.1']],
      ['example.com', 'external', ['93.184.216.34']],
      ['shop/frontend', 'workload', ['10.1.0.1', '10.1.0.2']],
    ]);
    const postgres = graph.nodes[0];
    expect(postgres.services).toEqual([
      { port: 5432, proto: 'tcp', service: 'postgresql', product: 'PostgreSQL DB' },
    ]);
    expect(postgres).toMatchObject({ namespace: 'db', workload: 'postgres', control_plane: false });
    expect(graph.nodes[2]).toMatchObject({ app: 'web', labels: { app: 'web' } });
    expect(graph.edges).toEqual([
      {
        source: 'shop/frontend',
        target: 'db/postgres',
        port: 5432,
        proto: 'tcp',
        flows: 7,
        first_seen: new Date(500).toISOString(),
        last_seen: new Date(9000).toISOString(),
        verdicts: { drop: 1, would_drop: 0, log: 2, allow: 0 },
        agents: ['node-1', 'node-2'],
      },
      expect.objectContaining({ source: 'shop/frontend', target: 'example.com', port: 443, flows: 1 }),
    ]);
    expect(graph.generated_at).toBe('2024-05-01T00:00:00.000Z');
  });

  it('filters by namespace and workload (either end), and by time overlap before resolving', () => {
    const raw = {
      edges: [
        edge('10.1.0.1', '10.2.0.1', 5432, 1, { first_seen: 0, last_seen: 100 }),
        edge('10.9.0.1', '10.9.0.2', 80, 1, { first_seen: 200, last_seen: 300 }),
      ],
      nodes: [],
    };
    const graph = resolveGraph(raw, options);
    expect(filterGraph(graph, { namespaces: ['db'] }).edges).toHaveLength(1);
    expect(filterGraph(graph, { namespaces: ['hosts'] }).nodes.map((n) => n.id)).toEqual([
      'host/10.9.0.1',
      'host/10.9.0.2',
    ]);
    expect(filterGraph(graph, { workloads: ['frontend'] }).edges.map((e) => e.target)).toEqual([
      'db/postgres',
    ]);
    expect(filterGraph(graph, { workloads: ['shop/frontend'], namespaces: ['ops'] }).edges).toEqual([]);
    expect(filterGraph(graph, {})).toBe(graph);
    const cases: Array<[number | undefined, number | undefined, number]> = [
      [undefined, undefined, 2],
      [150, undefined, 1],
      [100, undefined, 2], // touching the end counts
      [undefined, 199, 1],
      [101, 199, 0],
    ];
    for (const [from, to, n] of cases)
      expect(filterByTime(raw, from, to).edges, `${from}..${to}`).toHaveLength(n);
  });
});
