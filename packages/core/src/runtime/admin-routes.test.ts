import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../metrics.js';
import { AdminRoutes } from './admin-routes.js';
import { AdminServer } from './admin-server.js';

describe('admin routes', () => {
  it('serve JSON in and out beside /metrics and /status, and go away when removed', async () => {
    const routes = new AdminRoutes();
    const seen: unknown[] = [];
    const remove = routes.add('POST', '/echo', ({ body, query }) => {
      seen.push(body);
      return { status: 201, body: { got: body, q: query.get('q') } };
    });
    routes.add('GET', '/boom', () => {
      throw new Error('it broke');
    });
    expect(() => routes.add('POST', '/echo', () => ({ status: 200, body: null }))).toThrow(
      /already registered/,
    );
    const server = new AdminServer(new MetricsRegistry(), () => [], routes);
    const { port } = await server.listen('127.0.0.1:0');
    const base = `http://127.0.0.1:${port}`;
    try {
      const r = await fetch(`${base}/echo?q=1`, { method: 'POST', body: JSON.stringify({ a: 1 }) });
      expect([r.status, await r.json()]).toEqual([201, { got: { a: 1 }, q: '1' }]);
      const bad = await fetch(`${base}/echo`, { method: 'POST', body: '{nope' });
      expect([bad.status, await bad.json()]).toEqual([400, { error: 'request body is not JSON' }]);
      const boom = await fetch(`${base}/boom`);
      expect([boom.status, await boom.json()]).toEqual([500, { error: 'it broke' }]);
      expect((await fetch(`${base}/echo`)).status).toBe(404);
      expect((await fetch(`${base}/status`)).status).toBe(200);
      remove();
      expect((await fetch(`${base}/echo`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect(seen).toEqual([{ a: 1 }]);
    } finally {
      await server.close();
    }
  });
});
