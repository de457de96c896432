import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Collector, collectorConfig } from '@glia/collector';
import type { ObservedSlice, ServiceGraph } from '@glia/service-graph';
import { afterEach, describe, expect, it } from 'vitest';
import { hasMmdbTools, mmdbLookup, writeIdentityMmdb } from '../support/mmdb.js';

const TOKEN = 'upload-token-1';
const running: Collector[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

async function start(extra: Record<string, unknown> = {}): Promise<{ collector: Collector; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'glia-collector-'));
  const config = collectorConfig(
    { token: TOKEN, listen: '127.0.0.1:0', store: { type: 'sqlite', path: 'g.db' }, ...extra },
    'test',
    dir,
  );
  const collector = new Collector(config);
  running.push(collector);
  const { port } = await collector.start();
  return { collector, base: `http://127.0.0.1:${port}` };
}

function slice(
  agent: string,
  edges: Array<[string, string, number, number]>,
  nodes: ObservedSlice['nodes'] = [],
): ObservedSlice {
  return {
    version: 1,
    agent,
    epoch: 1,
    seq: 1,
    full: true,
    generated_at: 1000,
    edges: edges.map(([client, server, port, flows]) => ({
      client,
      server,
      port,
      proto: 'tcp',
      flows,
      first_seen: 1000,
      last_seen: 2000,
      verdicts: { drop: port === 22 ? 1 : 0, would_drop: 0, log: 0, allow: 0 },
    })),
    nodes,
  };
}

function put(
  base: string,
  agent: string,
  body: unknown,
  headers: Record<string, string> = {},
  raw?: Buffer,
): Promise<Response> {
  return fetch(`${base}/v1/observed/${agent}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'gzip', ...headers },
    body: raw ?? gzipSync(JSON.stringify(body)),
  });
}

describe('collector HTTP API', () => {
  it('accepts slices with the token and refuses what is wrong with a status and a reason', async () => {
    const { base } = await start({ max_body_bytes: 4096 });
    const good = slice('node-1', [['10.0.0.1', '10.0.0.2', 80, 3]]);
    expect((await put(base, 'node-1', good)).status).toBe(204);
    const cases: Array<[string, Promise<Response>, number, RegExp]> = [
      ['no token', put(base, 'node-1', good, { authorization: '' }), 401, /bearer token is required/],
      ['a wrong token', put(base, 'node-1', good, { authorization: 'Bearer nope' }), 401, /not valid/],
      [
        'another agent’s name in the URL',
        put(base, 'node-2', good),
        400,
        /slice is from agent "node-1", the URL names "node-2"/,
      ],
      [
        'a malformed slice',
        put(base, 'node-1', { ...good, edges: [{ ...good.edges[0], port: -1 }] }),
        400,
        /edges\[0\]\.port: must be >= 0/,
      ],
      ['not gzip', put(base, 'node-1', null, {}, Buffer.from('{}')), 400, /not valid gzip/],
      ['not JSON', put(base, 'node-1', null, {}, gzipSync('{')), 400, /not JSON/],
      ['another encoding', put(base, 'node-1', good, { 'content-encoding': 'br' }), 415, /only gzip/],
      [
        'a body over the limit',
        put(base, 'node-1', null, {}, Buffer.alloc(5000)),
        413,
        /over the 4096-byte limit/,
      ],
    ];
    for (const [name, response, status, message] of cases) {
      const r = await response;
      expect(r.status, name).toBe(status);
      expect(((await r.json()) as { error: string }).error, name).toMatch(message);
    }
    const graph = (await (await fetch(`${base}/v1/graph`)).json()) as ServiceGraph;
    expect(graph.edges.map((e) => [e.source, e.target, e.flows])).toEqual([
      ['host/10.0.0.1', 'host/10.0.0.2', 3],
    ]);
  });

  it('refuses a gzip bomb once it inflates past max_json_bytes', async () => {
    const { base } = await start({ max_body_bytes: 1 << 20, max_json_bytes: 1 << 20 });
    const bomb = gzipSync(Buffer.alloc(64 << 20, 0x20)); // 64 MiB of spaces, about 64 KiB on the wire
    const r = await put(base, 'node-1', null, {}, bomb);
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: string }).error).toMatch(
      /inflated body is over the 1048576-byte limit/,
    );
  });

  it('serves JSON with filters, DOT and Mermaid, and tells live pages about changes (SSE)', async () => {
    const { base } = await start();
    const events: string[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      request(`${base}/v1/events`, (res) => resolve(res)).end(),
    );
    stream.on('data', (chunk: Buffer) => events.push(chunk.toString()));
    await put(
      base,
      'a',
      slice(
        'a',
        [
          ['10.0.0.1', '10.0.0.2', 80, 3],
          ['10.0.0.1', '93.184.216.34', 443, 1],
        ],
        [
          {
            ip: '93.184.216.34',
            last_seen: 0,
            ja4t: [],
            ja4ts: [],
            services: [],
            dns_names: ['example.com'],
            tls_names: [],
          },
        ],
      ),
    );
    await put(
      base,
      'b',
      slice('b', [
        ['10.0.0.1', '10.0.0.2', 80, 4],
        ['10.0.0.3', '10.0.0.2', 22, 1],
      ]),
    );
    const graph = (await (await fetch(`${base}/v1/graph`)).json()) as ServiceGraph;
    expect(
      graph.edges.map((e) => `${e.source} ${e.target} ${e.port} ${e.flows} ${e.agents.join(',')}`),
    ).toEqual([
      'host/10.0.0.1 example.com 443 1 a',
      'host/10.0.0.1 host/10.0.0.2 80 7 a,b',
      'host/10.0.0.3 host/10.0.0.2 22 1 b',
    ]);
    const external = (await (await fetch(`${base}/v1/graph?namespace=external`)).json()) as ServiceGraph;
    expect(external.nodes.map((n) => n.id)).toEqual(['example.com', 'host/10.0.0.1']);
    const dot = await fetch(`${base}/v1/graph?format=dot&workload=host/10.0.0.3`);
    expect(dot.headers.get('content-type')).toMatch(/graphviz/);
    expect(await dot.text()).toContain('"host/10.0.0.3" -> "host/10.0.0.2" [label="tcp/22 (1)", color=red');
    const mermaid = await (await fetch(`${base}/v1/graph?format=mermaid`)).text();
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    const bad = await fetch(`${base}/v1/graph?namespaces=x`);
    expect(bad.status).toBe(400);
    const later = await fetch(`${base}/v1/graph?from=${encodeURIComponent('2001-01-01T00:00:00Z')}`);
    expect(((await later.json()) as ServiceGraph).edges).toEqual([]);
    const until = Date.now() + 5000;
    while (!events.join('').includes('event: graph') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    stream.destroy();
    expect(events.join('')).toMatch(/event: hello\ndata: \{"version":0\}/);
    expect(events.join('')).toMatch(/event: graph\ndata: \{"version":2\}/);
    const agents = (await (await fetch(`${base}/v1/agents`)).json()) as { agents: Array<{ agent: string }> };
    expect(agents.agents.map((a) => a.agent)).toEqual(['a', 'b']);
    expect((await fetch(`${base}/`)).headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${base}/vendor/cytoscape.min.js`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('refuses (413) a whole graph over max_graph_edges, and serves a time range under it', async () => {
    const { base } = await start({ max_graph_edges: 2 });
    const three = slice('a', [
      ['10.0.0.1', '10.0.0.2', 80, 1],
      ['10.0.0.1', '10.0.0.3', 80, 1],
      ['10.0.0.1', '10.0.0.4', 80, 1],
    ]);
    three.edges[0].first_seen = three.edges[0].last_seen = 10_000;
    expect((await put(base, 'a', three)).status).toBe(204);
    const whole = await fetch(`${base}/v1/graph`);
    expect(whole.status).toBe(413);
    expect(((await whole.json()) as { error: string }).error).toMatch(
      /more than 2 edges \(max_graph_edges\)/,
    );
    const recent = await fetch(`${base}/v1/graph?from=5000`);
    expect(recent.status).toBe(200);
    expect(((await recent.json()) as ServiceGraph).edges).toHaveLength(1);
  });

  it('with a read token, the graph, agents and events need it (header or access_token)', async () => {
    const { base } = await start({ read_token: 'reader-token' });
    for (const path of ['/v1/graph', '/v1/agents', '/v1/events'])
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
    expect(
      (await fetch(`${base}/v1/graph`, { headers: { authorization: 'Bearer reader-token' } })).status,
    ).toBe(200);
    expect((await fetch(`${base}/v1/graph?access_token=reader-token`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it.skipIf(!hasMmdbTools())(
    'names workloads from an identity baseline written by MaxMind’s own writer',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'glia-mmdb-'));
      const mmdb = join(dir, 'identity.mmdb');
      writeIdentityMmdb(mmdb, [
        {
          ip: '10.1.0.1',
          namespace: 'shop',
          workload: 'frontend',
          app: 'web',
          labels: { app: 'web', tier: 'edge' },
        },
        { ip: '10.1.0.2', namespace: 'shop', workload: 'frontend', app: 'web' },
        { ip: '10.2.0.1', namespace: 'db', workload: 'postgres', control_plane: 0, internet_exposed: 1 },
        { ip: 'fd00::5', namespace: 'db', workload: 'replica' },
      ]);
      // libmaxminddb, independently, reads what the collector will read.
      expect(mmdbLookup(mmdb, '10.2.0.1', 'workload')).toBe('postgres');
      expect(mmdbLookup(mmdb, '10.1.0.1', 'labels tier')).toBe('edge');
      expect(mmdbLookup(mmdb, '10.9.9.9', 'workload')).toBeNull();
      const { base } = await start({ identity: { mmdb } });
      await put(
        base,
        'n',
        slice('n', [
          ['10.1.0.1', '10.2.0.1', 5432, 2],
          ['10.1.0.2', '10.2.0.1', 5432, 3],
          ['10.1.0.1', 'fd00::5', 5432, 1],
          ['10.9.9.9', '10.2.0.1', 5432, 1],
        ]),
      );
      const graph = (await (await fetch(`${base}/v1/graph`)).json()) as ServiceGraph;
      expect(graph.edges.map((e) => `${e.source} > ${e.target} ${e.flows}`)).toEqual([
        'host/10.9.9.9 > db/postgres 1',
        'shop/frontend > db/postgres 5',
        'shop/frontend > db/replica 1',
      ]);
      const byId = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
      expect(byId['shop/frontend']).toMatchObject({
        kind: 'workload',
        namespace: 'shop',
        app: 'web',
        labels: { app: 'web', tier: 'edge' },
        ips: ['10.1.0.1', '10.1.0.2'],
      });
      expect(byId['db/postgres']).toMatchObject({ internet_exposed: true, control_plane: false });
      for (const n of graph.nodes.filter((x) => x.kind === 'workload'))
        for (const ip of n.ips) expect(mmdbLookup(mmdb, ip, 'workload'), ip).toBe(n.workload);
      const shop = (await (await fetch(`${base}/v1/graph?namespace=shop`)).json()) as ServiceGraph;
      expect(shop.edges).toHaveLength(2);
    },
  );
});
