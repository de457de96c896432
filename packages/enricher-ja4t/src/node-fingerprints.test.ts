import { describe, expect, it } from 'vitest';
import { MAX_JA4T_PER_NODE, MAX_PORTS_PER_NODE, NodeFingerprintStore } from './node-fingerprints.js';

/**
 * NodeFingerprintStore against a plain model written here: per IP, the distinct client JA4Ts in
 * the order last seen (at most 8, the least recent forgotten) and the server ports with their
 * latest JA4TS in the order last seen (at most 64, the least recent forgotten); IPs themselves
 * least recently recorded first, the oldest forgotten beyond the store's capacity. Reading
 * (view, lastJa4t, ja4ts) does not count as a sighting.
 */
class Model {
  readonly nodes: Array<{ ip: string; ja4t: string[]; ports: Array<[number, string]> | null }> = [];
  evictions = 0;
  constructor(readonly capacity: number) {}

  private node(ip: string) {
    const at = this.nodes.findIndex((n) => n.ip === ip);
    const node = at >= 0 ? this.nodes.splice(at, 1)[0] : { ip, ja4t: [], ports: null };
    if (at < 0 && this.nodes.length === this.capacity) {
      this.nodes.shift();
      this.evictions++;
    }
    this.nodes.push(node);
    return node;
  }

  recordClient(ip: string, ja4t: string): void {
    const node = this.node(ip);
    node.ja4t = [...node.ja4t.filter((j) => j !== ja4t), ja4t].slice(-MAX_JA4T_PER_NODE);
  }

  recordServer(ip: string, port: number, ja4ts: string): void {
    const node = this.node(ip);
    const ports = (node.ports ?? []).filter(([p]) => p !== port);
    node.ports = [...ports, [port, ja4ts] as [number, string]].slice(-MAX_PORTS_PER_NODE);
  }

  view(ip: string) {
    const node = this.nodes.find((n) => n.ip === ip);
    if (node === undefined) return undefined;
    return {
      ip,
      ja4t: node.ja4t,
      ...(node.ja4t.length > 0 ? { lastJa4t: node.ja4t[node.ja4t.length - 1] } : {}),
      ja4ts: (node.ports ?? []).map(([port, ja4ts]) => ({ port, ja4ts })),
    };
  }
}

type Step = ['client', string, string] | ['server', string, number, string];

function replay(capacity: number, steps: Step[]): { store: NodeFingerprintStore; model: Model } {
  const store = new NodeFingerprintStore(capacity);
  const model = new Model(capacity);
  for (const step of steps) {
    if (step[0] === 'client') {
      store.recordClient(step[1], step[2]);
      model.recordClient(step[1], step[2]);
    } else {
      store.recordServer(step[1], step[2], step[3]);
      model.recordServer(step[1], step[2], step[3]);
    }
  }
  return { store, model };
}

function expectSame(store: NodeFingerprintStore, model: Model, ips: string[]): void {
  expect(store.size).toBe(model.nodes.length);
  expect(store.evictions).toBe(model.evictions);
  for (const ip of ips) {
    const want = model.view(ip);
    expect(store.view(ip)).toStrictEqual(want);
    expect(store.lastJa4t(ip)).toBe(want?.lastJa4t);
    for (const { port, ja4ts } of want?.ja4ts ?? []) expect(store.ja4ts(ip, port)).toBe(ja4ts);
  }
}

const client = (ip: string, ja4t: string): Step => ['client', ip, ja4t];
const server = (ip: string, port: number, ja4ts: string): Step => ['server', ip, port, ja4ts];
const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('NodeFingerprintStore (named)', () => {
  const cases: Array<[string, number, Step[], Record<string, unknown>]> = [
    [
      'one JA4T: it is the last',
      4,
      [client('a', 'x')],
      {
        a: { ip: 'a', ja4t: ['x'], lastJa4t: 'x', ja4ts: [] },
      },
    ],
    [
      'a server only: no JA4T, so no lastJa4t at all',
      4,
      [server('a', 443, 's')],
      {
        a: { ip: 'a', ja4t: [], ja4ts: [{ port: 443, ja4ts: 's' }] },
      },
    ],
    [
      'the same JA4T again is kept once',
      4,
      [client('a', 'x'), client('a', 'x')],
      {
        a: { ip: 'a', ja4t: ['x'], lastJa4t: 'x', ja4ts: [] },
      },
    ],
    [
      'an earlier JA4T seen again becomes the latest',
      4,
      [client('a', 'x'), client('a', 'y'), client('a', 'x')],
      {
        a: { ip: 'a', ja4t: ['y', 'x'], lastJa4t: 'x', ja4ts: [] },
      },
    ],
    [
      'exactly 8 JA4Ts are all kept',
      4,
      range(MAX_JA4T_PER_NODE, (i) => client('a', `j${i}`)),
      { a: { ip: 'a', ja4t: Array.from({ length: 8 }, (_, i) => `j${i}`), lastJa4t: 'j7', ja4ts: [] } },
    ],
    [
      'a 9th JA4T forgets the least recently seen one',
      4,
      [...range(MAX_JA4T_PER_NODE, (i) => client('a', `j${i}`)), client('a', 'j0'), client('a', 'j8')],
      { a: { ip: 'a', ja4t: ['j2', 'j3', 'j4', 'j5', 'j6', 'j7', 'j0', 'j8'], lastJa4t: 'j8', ja4ts: [] } },
    ],
    [
      'a port seen again takes the new JA4TS',
      4,
      [server('a', 443, 's1'), server('a', 443, 's2')],
      {
        a: { ip: 'a', ja4t: [], ja4ts: [{ port: 443, ja4ts: 's2' }] },
      },
    ],
    [
      'a port seen again becomes the most recent',
      4,
      [server('a', 1, 's'), server('a', 2, 's'), server('a', 1, 't')],
      {
        a: {
          ip: 'a',
          ja4t: [],
          ja4ts: [
            { port: 2, ja4ts: 's' },
            { port: 1, ja4ts: 't' },
          ],
        },
      },
    ],
    [
      'exactly 64 ports are all kept',
      4,
      range(MAX_PORTS_PER_NODE, (i) => server('a', 1000 + i, 's')),
      { a: { ip: 'a', ja4t: [], ja4ts: range(64, (i) => ({ port: 1000 + i, ja4ts: 's' })) } },
    ],
    [
      'a 65th port forgets the least recently seen port, not one seen again',
      4,
      [
        ...range(MAX_PORTS_PER_NODE, (i) => server('a', 1000 + i, 's')),
        server('a', 1000, 't'),
        server('a', 9, 'u'),
      ],
      {
        a: {
          ip: 'a',
          ja4t: [],
          ja4ts: [
            ...range(62, (i) => ({ port: 1002 + i, ja4ts: 's' })),
            { port: 1000, ja4ts: 't' },
            { port: 9, ja4ts: 'u' },
          ],
        },
      },
    ],
    [
      'past capacity the least recently recorded IP is forgotten',
      2,
      [client('a', 'x'), client('b', 'y'), client('a', 'z'), server('c', 80, 's')],
      {
        a: { ip: 'a', ja4t: ['x', 'z'], lastJa4t: 'z', ja4ts: [] },
        b: undefined,
        c: { ip: 'c', ja4t: [], ja4ts: [{ port: 80, ja4ts: 's' }] },
      },
    ],
  ];
  it.each(cases)('%s', (_name, capacity, steps, views) => {
    const { store, model } = replay(capacity, steps);
    for (const [ip, view] of Object.entries(views)) expect(store.view(ip)).toStrictEqual(view);
    expectSame(store, model, Object.keys(views));
  });

  it('size and evictions count IPs, and clear forgets every one', () => {
    const { store } = replay(2, [client('a', 'x'), client('b', 'x'), server('c', 1, 's')]);
    expect(store.size).toBe(2);
    expect(store.evictions).toBe(1);
    store.clear();
    expect(store.size).toBe(0);
    expect(store.view('b')).toBeUndefined();
    expect(store.lastJa4t('c')).toBeUndefined();
    expect(store.ja4ts('c', 1)).toBeUndefined();
  });

  it('an IP never seen has nothing; a server-only IP has no lastJa4t, a client-only one no JA4TS', () => {
    const { store } = replay(4, [server('a', 443, 's'), client('b', 'x')]);
    expect(store.ja4ts('b', 443)).toBeUndefined();
    expect(store.view('z')).toBeUndefined();
    expect(store.lastJa4t('z')).toBeUndefined();
    expect(store.ja4ts('z', 443)).toBeUndefined();
    expect(store.lastJa4t('a')).toBeUndefined();
    expect(store.ja4ts('a', 443)).toBe('s');
    expect(store.ja4ts('a', 80)).toBeUndefined();
  });
});

describe('NodeFingerprintStore against the model', () => {
  it('matches over a long random mix of clients and servers, at and past every cap', () => {
    let state = 11;
    const next = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    const steps: Step[] = [];
    for (let i = 0; i < 6000; i++) {
      const ip = `10.0.0.${next(12)}`;
      steps.push(next(2) === 0 ? client(ip, `t${next(11)}`) : server(ip, next(80), `s${next(3)}`));
    }
    const store = new NodeFingerprintStore(8);
    const model = new Model(8);
    const ips = Array.from({ length: 12 }, (_, i) => `10.0.0.${i}`);
    steps.forEach((step, i) => {
      if (step[0] === 'client') {
        store.recordClient(step[1], step[2]);
        model.recordClient(step[1], step[2]);
      } else {
        store.recordServer(step[1], step[2], step[3]);
        model.recordServer(step[1], step[2], step[3]);
      }
      if (i % 50 === 0) expectSame(store, model, ips);
    });
    expectSame(store, model, ips);
  });
});
