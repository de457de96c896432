import { createRequire } from 'node:module';
import type { GraphEdge, GraphNode, ServiceGraph } from '@glia/service-graph';
import { blankEdge, blankNode, toMermaid } from '@glia/service-graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../support/browser.js';
import type { PageDocument, PageWindow } from '../support/page-globals.js';

declare const document: PageDocument;
declare const window: PageWindow;

/**
 * glia's Mermaid output read back by Mermaid itself (its own parser and renderer, in Chromium): every
 * node, label, group and edge comes out as written, names with quotes, brackets, pipes, `#` and
 * angle brackets included.
 */
const AWKWARD = [
  'shop/front"end',
  'a|b[c]{d}',
  'x<y>z',
  'issue #42',
  'ünï©ødé',
  'semi;colon',
  'end',
  'a -->|b| c',
];

function node(id: string, extra: Partial<GraphNode> = {}): GraphNode {
  return { ...blankNode(id, 'host'), ...extra };
}

function edge(source: string, target: string, port: number, flows: number, drop = 0): GraphEdge {
  return {
    ...blankEdge(source, target, port, 'tcp'),
    flows,
    verdicts: { drop, would_drop: 0, log: 0, allow: 0 },
  };
}

const graph: ServiceGraph = {
  version: 1,
  generated_at: '',
  nodes: [
    node('shop/frontend', { kind: 'workload', namespace: 'shop', workload: 'frontend' }),
    node('db/postgres', { kind: 'workload', namespace: 'db', workload: 'postgres' }),
    ...AWKWARD.map((id) => node(id)),
  ],
  edges: [
    edge('shop/frontend', 'db/postgres', 5432, 12, 1),
    ...AWKWARD.map((id, i) => edge(id, 'shop/frontend', 9000 + i, i + 1)),
  ],
};

describe.skipIf(!hasChromium())('toMermaid read back by Mermaid', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  it('Mermaid parses it and draws every node label, group and edge label as written', async () => {
    const page = await browser.context.newPage();
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js') });
    const drawn = await page.evaluate(async (text) => {
      const m = (
        window as unknown as {
          mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> };
        }
      ).mermaid;
      m.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { htmlLabels: false } });
      const { svg } = await m.render('g', text);
      const out = document.getElementById('out')!;
      out.innerHTML = svg;
      const texts = (selector: string) =>
        [...out.querySelectorAll(selector)].map((e) => (e.textContent ?? '').trim());
      return {
        nodes: texts('g.node'),
        clusters: texts('g.cluster-label'),
        edgeLabels: texts('g.edgeLabel').filter((t) => t !== ''),
        paths: out.querySelectorAll('path.flowchart-link').length,
        red: [...out.querySelectorAll('path.flowchart-link')].filter((p) =>
          (p.getAttribute('style') ?? '').includes('red'),
        ).length,
      };
    }, toMermaid(graph));
    expect(drawn.nodes.sort()).toEqual(['frontend', 'postgres', ...AWKWARD].sort());
    expect(drawn.clusters.sort()).toEqual(['db', 'hosts', 'shop']);
    expect(drawn.paths).toBe(graph.edges.length);
    expect(drawn.edgeLabels.sort()).toEqual(graph.edges.map((e) => `tcp/${e.port} (${e.flows})`).sort());
    expect(drawn.red).toBe(1);
    await page.close();
  });
});
