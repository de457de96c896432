import { execFileSync } from 'node:child_process';
import { hasTool } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { diffGraphs, diffText, parseGraph } from './diff.js';
import { dotString, toDot } from './dot.js';
import { blankEdge, blankNode, type GraphEdge, type GraphNode, type ServiceGraph } from './graph.js';
import { mermaidText, toMermaid } from './mermaid.js';

function n(id: string, extra: Partial<GraphNode> = {}): GraphNode {
  return { ...blankNode(id, 'host'), ...extra };
}

function e(source: string, target: string, port: number, flows = 1, drop = 0, would = 0): GraphEdge {
  return {
    ...blankEdge(source, target, port, 'tcp'),
    flows,
    verdicts: { drop, would_drop: would, log: 0, allow: 0 },
  };
}

/** Node names that need escaping in DOT and Mermaid. */
const AWKWARD = ['shop/front"end', 'back\\slash', 'a|b[c]{d}<e>#f', 'new\nline', 'ünï©ødé'];

const graph: ServiceGraph = {
  version: 1,
  generated_at: '2024-05-01T00:00:00.000Z',
  nodes: [
    n('shop/frontend', { kind: 'workload', namespace: 'shop', workload: 'frontend' }),
    n('db/postgres', { kind: 'workload', namespace: 'db', workload: 'postgres' }),
    n('example.com', { kind: 'external' }),
    ...AWKWARD.map((id) => n(id)),
  ],
  edges: [
    e('shop/frontend', 'db/postgres', 5432, 12, 1),
    e('shop/frontend', 'example.com', 443, 3, 0, 2),
    ...AWKWARD.map((id, i) => e(id, 'shop/frontend', 8000 + i, i + 1)),
  ],
};

describe('toDot, read back by GraphViz', () => {
  it.skipIf(!hasTool('dot'))('GraphViz reads every node, edge, label and colour as written', () => {
    const json = JSON.parse(execFileSync('dot', ['-Tjson0'], { input: toDot(graph), encoding: 'utf8' })) as {
      objects: Array<{ name: string; label?: string; nodes?: number[]; _gvid: number }>;
      edges: Array<{ tail: number; head: number; label: string; color?: string; style?: string }>;
    };
    const nodes = json.objects.filter((o) => o.nodes === undefined);
    const clusters = json.objects.filter((o) => o.nodes !== undefined);
    const nameOf = new Map(nodes.map((o) => [o._gvid, o.name]));
    expect(nodes.map((o) => o.name).sort()).toEqual(graph.nodes.map((x) => x.id).sort());
    expect(clusters.map((c) => c.label).sort()).toEqual(['db', 'external', 'hosts', 'shop']);
    expect(nodes.find((o) => o.name === 'shop/frontend')?.label).toBe('frontend');
    const edges = json.edges.map((x) => [
      nameOf.get(x.tail),
      nameOf.get(x.head),
      x.label,
      x.color ?? '',
      x.style ?? '',
    ]);
    expect(edges.sort()).toEqual(
      [
        ['shop/frontend', 'db/postgres', 'tcp/5432 (12)', 'red', ''],
        ['shop/frontend', 'example.com', 'tcp/443 (3)', 'orange', 'dashed'],
        ...AWKWARD.map((id, i) => [id, 'shop/frontend', `tcp/${8000 + i} (${i + 1})`, '', '']),
      ].sort(),
    );
  });

  const escapes: Array<[string, string]> = [
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\dir', '"C:\\dir"'],
    ['two\nlines', '"two\nlines"'],
  ];
  for (const [text, quoted] of escapes)
    it(`dotString ${JSON.stringify(text)}`, () => expect(dotString(text)).toBe(quoted));
});

describe('toMermaid', () => {
  it('writes a subgraph per group, one line per edge, and styles drops and would-drops by edge index', () => {
    const text = toMermaid(graph);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines.filter((l) => /^ {2}subgraph g\d+\["/.test(l))).toHaveLength(4);
    const edgeLines = lines.filter((l) => l.includes('-->'));
    expect(edgeLines).toHaveLength(graph.edges.length);
    const styles = lines.filter((l) => l.includes('linkStyle'));
    expect(styles).toEqual([
      '  linkStyle 0 stroke:red,stroke-width:2px',
      '  linkStyle 1 stroke:orange,stroke-dasharray:4',
    ]);
    // Labels carry no raw character that ends a Mermaid string or opens markup.
    for (const l of lines)
      for (const label of l.matchAll(/"([^"]*)"/g)) expect(label[1]).not.toMatch(/[<>\n]/);
  });

  const escapes: Array<[string, string]> = [
    ['frontend', '"frontend"'],
    ['say "hi"', '"say #quot;hi#quot;"'],
    ['a<b>', '"a#lt;b#gt;"'],
    ['#1', '"#35;1"'],
    ['x\ny', '"x y"'],
  ];
  for (const [text, quoted] of escapes)
    it(`mermaidText ${JSON.stringify(text)}`, () => expect(mermaidText(text)).toBe(quoted));
});

describe('diffGraphs', () => {
  const a: ServiceGraph = {
    ...graph,
    edges: [e('x', 'y', 80, 5), e('x', 'z', 22, 1), e('x', 'w', 443, 1, 0, 1)],
  };
  const b: ServiceGraph = {
    ...graph,
    edges: [e('x', 'y', 80, 9, 0, 3), e('x', 'v', 53, 2), e('x', 'w', 443, 4, 1, 0), e('x', 'u', 25, 1, 1)],
  };
  it('lists added, removed and newly blocked edges', () => {
    const d = diffGraphs(a, b);
    expect(d.added.map((x) => x.target)).toEqual(['u', 'v']);
    expect(d.removed.map((x) => x.target)).toEqual(['z']);
    // y: would-drops appeared; u: new and dropped; w: already would-dropped in A, so not new.
    expect(d.blocked.map((x) => x.target)).toEqual(['u', 'y']);
    expect(diffText(d)).toBe(
      [
        '+ x -> u tcp/25 (1 flows)',
        '+ x -> v tcp/53 (2 flows)',
        '- x -> z tcp/22 (1 flows)',
        '! x -> u tcp/25 (1 flows, 1 drop, 0 would-drop)',
        '! x -> y tcp/80 (9 flows, 0 drop, 3 would-drop)',
        '2 added, 2 removed, 2 blocked',
      ]
        .join('\n')
        .replace('2 removed', '1 removed') + '\n',
    );
  });
  it('the same graph twice has no changes', () => {
    expect(diffGraphs(a, a)).toEqual({ added: [], removed: [], blocked: [] });
  });
  const bad: Array<[string, unknown, RegExp]> = [
    ['an array', [], /not a JSON object/],
    ['another version', { version: 2, nodes: [], edges: [] }, /version 2, expected 1/],
    ['edges missing', { version: 1, nodes: [] }, /edges is not an array/],
    [
      'an edge without a port',
      { version: 1, nodes: [], edges: [{ source: 'a', target: 'b', proto: 'tcp', flows: 1 }] },
      /edges\[0\]\.port is not a number/,
    ],
    [
      'an edge without verdicts',
      { version: 1, nodes: [], edges: [{ source: 'a', target: 'b', proto: 'tcp', port: 1, flows: 1 }] },
      /edges\[0\]\.verdicts/,
    ],
  ];
  for (const [name, value, message] of bad) {
    it(`parseGraph refuses ${name}, naming the file`, () =>
      expect(() => parseGraph(value, 'a.json')).toThrow(new RegExp(`^a\\.json: .*${message.source}`)));
  }
});
