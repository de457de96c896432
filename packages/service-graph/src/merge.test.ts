import { describe, expect, it } from 'vitest';
import { FACT_LIMITS, NodeFactSet, mergeFacts } from './node-facts.js';
import { FleetGraph, isNewer } from './merge.js';
import { parseSlice } from './slice-schema.js';
import type { ObservedSlice, SliceEdge } from './slice.js';

function slice(agent: string, epoch: number, seq: number, edges: Array<[string, number]>): ObservedSlice {
  return {
    version: 1,
    agent,
    epoch,
    seq,
    full: false,
    generated_at: epoch + seq,
    edges: edges.map(([server, flows]): SliceEdge => ({
      client: '10.0.0.1',
      server,
      port: 80,
      proto: 'tcp',
      flows,
      first_seen: 10,
      last_seen: 20,
      verdicts: { drop: 0, would_drop: flows, log: 0, allow: 0 },
    })),
    nodes: [],
  };
}

function flows(fleet: FleetGraph): Record<string, number> {
  return Object.fromEntries(fleet.raw().edges.map((e) => [`${e.server} ${e.agents.join(',')}`, e.flows]));
}

describe('FleetGraph: the collector merge rule', () => {
  it('an agent’s newer slice replaces its values; other agents add', () => {
    const fleet = new FleetGraph();
    fleet.apply(slice('a', 1, 1, [['10.0.0.2', 3]]));
    fleet.apply(slice('a', 1, 2, [['10.0.0.2', 5]])); // cumulative on the agent: 5, not 8
    fleet.apply(
      slice('b', 7, 1, [
        ['10.0.0.2', 2],
        ['10.0.0.3', 1],
      ]),
    );
    expect(flows(fleet)).toEqual({ '10.0.0.2 a,b': 7, '10.0.0.3 b': 1 });
    expect(fleet.raw().edges[0].verdicts.would_drop).toBe(7);
  });

  it('edges missing from a delta slice are kept', () => {
    const fleet = new FleetGraph();
    fleet.apply(
      slice('a', 1, 1, [
        ['10.0.0.2', 3],
        ['10.0.0.3', 1],
      ]),
    );
    fleet.apply(slice('a', 1, 2, [['10.0.0.3', 2]]));
    expect(flows(fleet)).toEqual({ '10.0.0.2 a': 3, '10.0.0.3 a': 2 });
  });

  it('a late retry of an older slice changes nothing; a restart (new epoch) replaces', () => {
    const fleet = new FleetGraph();
    fleet.apply(slice('a', 1, 5, [['10.0.0.2', 9]]));
    fleet.apply(slice('a', 1, 4, [['10.0.0.2', 8]]));
    expect(flows(fleet)).toEqual({ '10.0.0.2 a': 9 });
    fleet.apply(slice('a', 2, 1, [['10.0.0.2', 9]])); // the same replay after a restart
    expect(flows(fleet)).toEqual({ '10.0.0.2 a': 9 });
  });

  const order: Array<[number, number, number, number, boolean]> = [
    [1, 2, 1, 1, true],
    [1, 1, 1, 1, true],
    [1, 1, 1, 2, false],
    [2, 0, 1, 99, true],
    [1, 99, 2, 0, false],
  ];
  for (const [e, s, e0, s0, newer] of order) {
    it(`(${e},${s}) replaces (${e0},${s0}): ${newer}`, () => expect(isNewer(e, s, e0, s0)).toBe(newer));
  }
});

describe('node facts', () => {
  it('merges per kind, keeps the newest values within the limits, and merges service fields', () => {
    const set = new NodeFactSet();
    for (let i = 0; i < FACT_LIMITS.dns_names + 2; i++) set.addDnsName(`n${i}.example`);
    expect(set.toFacts().dns_names[0]).toBe('n2.example');
    expect(set.addService({ port: 22, proto: 'tcp', service: 'ssh' })).toBe(true);
    expect(set.addService({ port: 22, proto: 'tcp', product: 'OpenSSH', version: '9.2p1' })).toBe(true);
    expect(set.addService({ port: 22, proto: 'tcp', service: 'ssh' })).toBe(false);
    expect(set.toFacts().services).toEqual([
      { port: 22, proto: 'tcp', service: 'ssh', product: 'OpenSSH', version: '9.2p1' },
    ]);
    expect(set.addJa4ts(22, 'a')).toBe(true);
    expect(set.addJa4ts(22, 'a')).toBe(false);
    expect(set.addJa4ts(22, 'b')).toBe(true);
    const merged = mergeFacts([set.toFacts(), { ...set.toFacts(), ja4t: ['x'], tls_names: ['t'] }]);
    expect(merged.ja4ts).toEqual([{ port: 22, ja4ts: 'b' }]);
    expect(merged.ja4t).toEqual(['x']);
    expect(merged.tls_names).toEqual(['t']);
  });
});

describe('parseSlice', () => {
  const good = slice('a', 1, 1, [['10.0.0.2', 1]]);
  const cases: Array<[string, (s: Record<string, unknown>) => void, RegExp]> = [
    ['unknown version', (s) => (s.version = 2), /version: must be equal to constant/],
    ['no agent', (s) => delete s.agent, /must have required property 'agent'/],
    [
      'a port out of range',
      (s) => ((s.edges as SliceEdge[])[0].port = 70000),
      /edges\[0\]\.port: must be <= 65535/,
    ],
    [
      'a client that is no address',
      (s) => ((s.edges as SliceEdge[])[0].client = 'nope'),
      /edges\[0\]\.client: must match format "ip"/,
    ],
    ['negative flows', (s) => ((s.edges as SliceEdge[])[0].flows = -1), /edges\[0\]\.flows: must be >= 0/],
    ['nodes not an array', (s) => (s.nodes = {}), /nodes: must be array/],
  ];
  for (const [name, spoil, message] of cases) {
    it(`refuses ${name}`, () => {
      const bad = structuredClone(good) as unknown as Record<string, unknown>;
      spoil(bad);
      expect(() => parseSlice(bad)).toThrow(message);
    });
  }
  it('accepts a well-formed slice', () => expect(parseSlice(structuredClone(good))).toEqual(good));
});
