import { get, type IncomingMessage } from 'node:http';
import { DocumentSource, IdentityBaseline, parseInventory, parsePolicyEdges } from '@glia/enricher-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlaneServer } from './control-plane-server.js';
import { ControlPlaneState } from './control-plane-state.js';

const state = new ControlPlaneState({ epoch: 'ep' });
state.setInventory(parseInventory('- {ip: 10.0.0.1, namespace: shop, workload: web}\n').entries);
state.setEdges(parsePolicyEdges('G shop/web\n').lines);
const server = new ControlPlaneServer({ state, token: 'right-token', heartbeatMs: 50 });
let base = '';
beforeAll(async () => {
  const address = await server.listen(0);
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => server.close());

function request(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
const auth = { authorization: 'Bearer right-token' };

describe('ControlPlaneServer', () => {
  it('serves the baseline MMDB with its position and ETag, and 304 when unchanged', async () => {
    const { res, body } = await request('/v1/baseline', auth);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ etag: '"ep-1"', 'x-glia-epoch': 'ep', 'x-glia-seq': '1' });
    expect(new IdentityBaseline(body, 'served').lookup('10.0.0.1')?.record.workload).toBe('web');
    const again = await request('/v1/baseline', { ...auth, 'if-none-match': '"ep-1"' });
    expect(again.res.statusCode).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.res.headers['x-glia-seq']).toBe('1');
  });

  it("an agent's document source fetches once, then gets 304s until the document changes", async () => {
    const source = new DocumentSource({ url: new URL(`${base}/v1/edges`) }, { token: 'right-token' });
    const first = await source.fetch();
    expect(first?.body.toString()).toBe('G shop/web\n');
    expect(first?.position).toEqual({ epoch: 'ep', seq: 1 });
    expect(await source.fetch()).toBeNull();
    expect(source.position).toEqual({ epoch: 'ep', seq: 1 });
    state.setEdges(parsePolicyEdges('G shop/web\nS shop/web\n').lines);
    const changed = await source.fetch();
    expect(changed?.body.toString()).toBe('G shop/web\nS shop/web\n');
    expect(changed?.position).toEqual({ epoch: 'ep', seq: 2 });
    state.setEdges(parsePolicyEdges('G shop/web\n').lines);
  });

  it('serves the declared edges', async () => {
    const { res, body } = await request('/v1/edges', auth);
    expect(res.statusCode).toBe(200);
    expect(body.toString()).toBe('G shop/web\n');
    expect(res.headers['x-glia-seq']).toBe('3');
  });

  const refusals: Array<[string, Record<string, string>]> = [
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token' }],
    ['a prefix of the token', { authorization: 'Bearer right' }],
    ['another scheme', { authorization: 'Basic cmlnaHQtdG9rZW4=' }],
  ];
  it.each(refusals)('refuses %s and counts it', async (_name, headers) => {
    const before = server.metrics.value('control_plane_auth_failures_total', { path: '/v1/stream' }) ?? 0;
    const { res } = await request('/v1/stream', headers);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="glia"');
    expect(server.metrics.value('control_plane_auth_failures_total', { path: '/v1/stream' })).toBe(
      before + 1,
    );
  });

  it('answers /healthz without a token, and 404 for other paths', async () => {
    expect((await request('/healthz')).res.statusCode).toBe(200);
    expect((await request('/v2/nothing', auth)).res.statusCode).toBe(404);
  });

  it('streams the heads first, then each change, with heartbeats', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      get(`${base}/v1/stream`, { headers: auth }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        let got = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          got += chunk;
          if (got.includes('event: policy-edges-delta') && !got.includes('10.0.0.2')) {
            state.setInventory(parseInventory('- {ip: 10.0.0.2, namespace: shop, workload: api}\n').entries);
          }
          if (got.includes('10.0.0.2') && got.includes(': ping')) {
            res.destroy();
            resolve(got);
          }
        });
      }).on('error', reject);
    });
    expect(text).toMatch(
      /^retry: 1000\n\nid: ep:\d+\nevent: identity-delta\ndata: \{"epoch":"ep","seq":1,"head":true/,
    );
    expect(text).toMatch(
      /id: ep:\d+\nevent: identity-delta\ndata: \{"epoch":"ep","seq":2,"upserts":\[\{"ip":"10\.0\.0\.2"/,
    );
    expect(text).toContain('"removes":["10.0.0.1"]');
  });
});
