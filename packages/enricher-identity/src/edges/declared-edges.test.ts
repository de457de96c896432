import { seededRandom } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { DeclaredEdges, type EdgeEndpoint } from './declared-edges.js';
import { readEdgesDelta } from './edges-delta.js';
import { parsePolicyEdges, type EdgeLine } from './policy-edges.js';

const ep = (text: string): EdgeEndpoint => {
  const [namespace, workload] = text.split('/');
  return { namespace, workload };
};

const FILE = `
E shop/frontend > shop/api : 8080
E */* > shop/frontend : 443
E shop/api > data/* : 5432
E monitoring/prometheus > */* : *
G shop/api
G data/*
S shop/frontend
`;

describe('DeclaredEdges', () => {
  const edges = new DeclaredEdges(parsePolicyEdges(FILE).lines);
  const cases: Array<[string, string, string, number, boolean, boolean]> = [
    ['an exact E line', 'shop/frontend', 'shop/api', 8080, true, false],
    ['the wrong port of a governed destination', 'shop/frontend', 'shop/api', 8081, false, true],
    ['anything to a */* source line', 'host/203.0.113.9', 'shop/frontend', 443, true, false],
    ['an ns/* destination', 'shop/api', 'data/postgres', 5432, true, false],
    ['a governed namespace not declared', 'shop/frontend', 'data/postgres', 5432, false, true],
    ['a * port and */* destination', 'monitoring/prometheus', 'host/10.0.0.1', 9100, true, false],
    ['a governed source not declared', 'shop/frontend', 'host/198.51.100.1', 443, false, true],
    ['neither declared nor governed', 'shop/api', 'host/198.51.100.1', 443, false, false],
    ['an ungoverned workload', 'batch/job', 'shop/web', 80, false, false],
  ];
  it.each(cases)('%s', (_name, src, dst, port, declared, violation) => {
    expect(edges.decide(ep(src), ep(dst), port)).toEqual({ declared, violation });
  });

  it('agrees with a line-by-line reference on random edges and line sets', () => {
    const random = seededRandom(0xed9e);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const namespaces = ['a', 'b', 'c'];
    const workloads = ['x', 'y', 'z'];
    const endpoint = (): string =>
      pick([...namespaces.flatMap((n) => workloads.map((w) => `${n}/${w}`)), 'a/*', 'b/*', '*/*']);
    const concrete = (): EdgeEndpoint => ({
      namespace: pick([...namespaces, 'host']),
      workload: pick(workloads),
    });
    const matches = (pattern: string, e: EdgeEndpoint): boolean =>
      pattern === '*/*' || pattern === `${e.namespace}/*` || pattern === `${e.namespace}/${e.workload}`;
    for (let round = 0; round < 50; round++) {
      const lines: EdgeLine[] = [];
      for (let i = Math.floor(random() * 12); i > 0; i--) {
        const kind = pick(['E', 'E', 'E', 'G', 'S'] as const);
        if (kind === 'E')
          lines.push({ kind, src: endpoint(), dst: endpoint(), port: pick([80, 443, '*'] as const) });
        else if (kind === 'G') lines.push({ kind, dst: endpoint() });
        else lines.push({ kind, src: endpoint() });
      }
      const index = new DeclaredEdges(lines);
      for (let probe = 0; probe < 40; probe++) {
        const src = concrete();
        const dst = concrete();
        const port = pick([80, 443, 8080]);
        const declared = lines.some(
          (l) =>
            l.kind === 'E' &&
            matches(l.src, src) &&
            matches(l.dst, dst) &&
            (l.port === '*' || l.port === port),
        );
        const governed = lines.some(
          (l) => (l.kind === 'G' && matches(l.dst, dst)) || (l.kind === 'S' && matches(l.src, src)),
        );
        expect(index.decide(src, dst, port), JSON.stringify({ lines, src, dst, port })).toEqual({
          declared,
          violation: !declared && governed,
        });
      }
    }
  });

  it('adds and removes lines by their canonical text', () => {
    const e = new DeclaredEdges();
    const read = readEdgesDelta({
      epoch: 'x',
      seq: 1,
      added: ['E a/b > c/d : 80', 'G c/d', 'G  c/d'],
      removed: [],
    });
    if ('problem' in read) throw new Error(read.problem);
    for (const line of read.delta.added) e.add(line);
    expect(e.text()).toEqual(['E a/b > c/d : 80', 'G c/d']);
    expect(e.decide(ep('a/b'), ep('c/d'), 80)).toEqual({ declared: true, violation: false });
    const removal = readEdgesDelta({ epoch: 'x', seq: 2, removed: ['E  a/b  >  c/d  :  80'] });
    if ('problem' in removal) throw new Error(removal.problem);
    expect(e.remove(removal.delta.removed[0])).toBe(true);
    expect(e.remove(removal.delta.removed[0])).toBe(false);
    expect(e.decide(ep('a/b'), ep('c/d'), 80)).toEqual({ declared: false, violation: true });
  });

  it('a delta with a bad line is refused whole, naming it', () => {
    expect(readEdgesDelta({ epoch: 'x', seq: 1, added: ['G a/b', 'E a/b > c/d : http'] })).toEqual({
      problem: 'added[1]:15: "http" is not a port (1-65535) or *',
    });
    expect(readEdgesDelta({ epoch: 'x', seq: 1, removed: '' })).toEqual({
      problem: 'removed: must be a list of lines',
    });
  });
});
