import { describe, expect, it } from 'vitest';
import { GraphAccumulator, type AccumulatorLimits, type Sighting } from './accumulator.js';

const LIMITS: AccumulatorLimits = {
  maxEdges: 100,
  maxNodes: 100,
  maxFlows: 1000,
  idleMs: 60_000,
  flowIdleMs: 10_000,
};

function s(
  client: string,
  clientPort: number,
  server: string,
  serverPort: number,
  ts: number,
  proto: 'tcp' | 'udp' = 'tcp',
): Sighting {
  return { client, clientPort, server, serverPort, proto, ts };
}

describe('GraphAccumulator: connection counting', () => {
  const cases: Array<{ name: string; sightings: Sighting[]; flows: Record<string, number> }> = [
    {
      name: 'SYN, SYN-ACK and later packets of one connection count once',
      sightings: [
        s('10.0.0.1', 40000, '10.0.0.2', 80, 0),
        s('10.0.0.1', 40000, '10.0.0.2', 80, 1),
        s('10.0.0.1', 40000, '10.0.0.2', 80, 5000),
      ],
      flows: { '10.0.0.1>10.0.0.2:80/tcp': 1 },
    },
    {
      name: 'two client ports are two connections of one edge',
      sightings: [s('10.0.0.1', 40000, '10.0.0.2', 80, 0), s('10.0.0.1', 40001, '10.0.0.2', 80, 1)],
      flows: { '10.0.0.1>10.0.0.2:80/tcp': 2 },
    },
    {
      name: 'the same ports over UDP are another edge',
      sightings: [
        s('10.0.0.1', 5353, '10.0.0.2', 53, 0, 'udp'),
        s('10.0.0.1', 5353, '10.0.0.2', 53, 0, 'tcp'),
      ],
      flows: { '10.0.0.1>10.0.0.2:53/udp': 1, '10.0.0.1>10.0.0.2:53/tcp': 1 },
    },
    {
      name: 'a connection idle past flowIdleMs counts again when it reappears',
      sightings: [s('10.0.0.1', 40000, '10.0.0.2', 80, 0), s('10.0.0.1', 40000, '10.0.0.2', 80, 10_001)],
      flows: { '10.0.0.1>10.0.0.2:80/tcp': 2 },
    },
    {
      name: 'a connection seen just within flowIdleMs does not',
      sightings: [s('10.0.0.1', 40000, '10.0.0.2', 80, 0), s('10.0.0.1', 40000, '10.0.0.2', 80, 10_000)],
      flows: { '10.0.0.1>10.0.0.2:80/tcp': 1 },
    },
    {
      name: 'reverse direction is another edge (client and server swap)',
      sightings: [s('10.0.0.1', 40000, '10.0.0.2', 80, 0), s('10.0.0.2', 40000, '10.0.0.1', 80, 0)],
      flows: { '10.0.0.1>10.0.0.2:80/tcp': 1, '10.0.0.2>10.0.0.1:80/tcp': 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const acc = new GraphAccumulator(LIMITS);
      for (const x of c.sightings) acc.observe(x);
      const drained = acc.drain(20_000);
      const flows = Object.fromEntries(
        drained.edges.map((e) => [`${e.client}>${e.server}:${e.port}/${e.proto}`, e.flows]),
      );
      expect(flows).toEqual(c.flows);
    });
  }
});

describe('GraphAccumulator: drains, expiry and bounds', () => {
  it('keeps first and last seen, even when sightings arrive out of order', () => {
    const acc = new GraphAccumulator(LIMITS);
    acc.observe(s('10.0.0.1', 1, '10.0.0.2', 80, 500));
    acc.observe(s('10.0.0.1', 2, '10.0.0.2', 80, 100));
    acc.observe(s('10.0.0.1', 3, '10.0.0.2', 80, 900));
    const [e] = acc.drain(1000).edges;
    expect([e.first_seen, e.last_seen]).toEqual([100, 900]);
  });

  it('a drain carries only what changed since the previous one; full carries everything', () => {
    const acc = new GraphAccumulator(LIMITS);
    expect(acc.observe(s('10.0.0.1', 1, '10.0.0.2', 80, 0))).toBe(true);
    expect(acc.observe(s('10.0.0.1', 2, '10.0.0.2', 80, 1))).toBe(false); // already dirty
    acc.observe(s('10.0.0.1', 1, '10.0.0.3', 443, 0));
    expect(acc.drain(10).edges).toHaveLength(2);
    expect(acc.drain(20).edges).toHaveLength(0);
    expect(acc.observe(s('10.0.0.1', 3, '10.0.0.2', 80, 30))).toBe(true);
    const next = acc.drain(40).edges;
    expect(next.map((e) => [e.server, e.flows])).toEqual([['10.0.0.2', 3]]); // cumulative count
    expect(acc.drain(50, true).edges).toHaveLength(2);
  });

  it('forgets edges idle longer than idleMs, but only after draining them', () => {
    const acc = new GraphAccumulator(LIMITS);
    acc.observe(s('10.0.0.1', 1, '10.0.0.2', 80, 0));
    acc.observe(s('10.0.0.1', 1, '10.0.0.3', 80, 50_000));
    const first = acc.drain(60_001);
    expect(first.edges).toHaveLength(2); // the idle edge is still reported once
    expect(acc.edgeCount).toBe(1);
    expect(acc.counters.edgesExpired).toBe(1);
    expect(acc.drain(60_002, true).edges.map((e) => e.server)).toEqual(['10.0.0.3']);
  });

  it('refuses and counts new edges past maxEdges; expiry makes room again', () => {
    const acc = new GraphAccumulator({ ...LIMITS, maxEdges: 3 });
    for (let i = 0; i < 5; i++) acc.observe(s('10.0.0.1', 1, `10.0.1.${i}`, 80, i));
    expect(acc.edgeCount).toBe(3);
    expect(acc.counters.edgesRefused).toBe(2);
    expect(acc.observe(s('10.0.0.1', 1, '10.0.1.9', 80, 10))).toBeNull();
    acc.drain(100_000);
    expect(acc.edgeCount).toBe(0);
    expect(acc.observe(s('10.0.0.1', 1, '10.0.1.9', 80, 100_000))).toBe(true);
  });

  it('counts verdicts by outcome on the edge, creating it when needed', () => {
    const acc = new GraphAccumulator(LIMITS);
    const x = s('10.0.0.1', 1, '10.0.0.2', 22, 0);
    acc.verdict(x, 'would_drop');
    acc.observe(x);
    acc.verdict(x, 'would_drop');
    acc.verdict(x, 'allow');
    const [e] = acc.drain(1).edges;
    expect(e.verdicts).toEqual({ drop: 0, would_drop: 2, log: 0, allow: 1 });
    expect(e.flows).toBe(1);
  });

  it('node facts: drained when changed, bounded by maxNodes, expire when idle', () => {
    const acc = new GraphAccumulator({ ...LIMITS, maxNodes: 2 });
    const n = acc.node('10.0.0.2', 0)!;
    if (n.addDnsName('db.example')) acc.changed('10.0.0.2');
    expect(acc.drain(1).nodes).toEqual([
      {
        ip: '10.0.0.2',
        last_seen: 0,
        ja4t: [],
        ja4ts: [],
        services: [],
        dns_names: ['db.example'],
        tls_names: [],
      },
    ]);
    expect(acc.node('10.0.0.2', 5)!.addDnsName('db.example')).toBe(false);
    expect(acc.drain(6).nodes).toEqual([]);
    acc.node('10.0.0.3', 10);
    expect(acc.node('10.0.0.4', 10)).toBeNull();
    expect(acc.counters.nodesRefused).toBe(1);
    acc.drain(70_000);
    expect(acc.nodeCount).toBe(0);
  });
});
