import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorMessage } from '../errors.js';
import type { MetricsRegistry } from '../metrics.js';
import type { AdminHandler, AdminRoutes } from './admin-routes.js';
import type { PluginStatus } from './runtime.js';

/** Largest request body a route handler is given. */
const MAX_BODY = 64 * 1024;

/**
 * Serves /metrics (Prometheus text) and /status (JSON: every plugin's health and counters, and
 * whatever `extra` adds, such as the observe backend chosen) on the admin address, and the routes
 * plugins registered (JSON in, JSON out).
 */
export class AdminServer {
  private server: Server | null = null;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly status: () => PluginStatus[],
    private readonly routes?: AdminRoutes,
    private readonly extra: () => Record<string, unknown> = () => ({}),
  ) {}

  async listen(address: string): Promise<{ host: string; port: number }> {
    const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
    if (m === null) throw new Error(`admin.listen ${JSON.stringify(address)} is not host:port`);
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.metrics.render());
      } else if (req.url === '/status') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ...this.extra(), plugins: this.status() }));
      } else {
        const url = new URL(req.url ?? '/', 'http://admin');
        const handler = this.routes?.find(req.method ?? 'GET', url.pathname);
        if (handler === undefined) res.writeHead(404).end('not found: try /metrics or /status\n');
        else void this.serve(req, res, url, handler);
      }
    });
    this.server = server;
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(Number(m[2]), m[1], () => done());
    });
    const bound = server.address();
    return typeof bound === 'object' && bound !== null
      ? { host: bound.address, port: bound.port }
      : { host: m[1], port: Number(m[2]) };
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    handler: AdminHandler,
  ): Promise<void> {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      let text = '';
      for await (const chunk of req) {
        text += String(chunk);
        if (text.length > MAX_BODY) return reply(413, { error: `request body over ${MAX_BODY} bytes` });
      }
      let body: unknown = null;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          return reply(400, { error: 'request body is not JSON' });
        }
      }
      const r = await handler({ method: req.method ?? 'GET', query: url.searchParams, body });
      reply(r.status, r.body);
    } catch (error) {
      reply(500, { error: errorMessage(error) });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((done) => server.close(() => done()));
  }
}
