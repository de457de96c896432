import { createServer, type Server } from 'node:http';
import type { MetricsRegistry } from '../metrics.js';
import type { PluginStatus } from './runtime.js';

/**
 * Serves /metrics (Prometheus text) and /status (JSON: every plugin's health and counters, and
 * whatever `extra` adds, such as the observe backend chosen) on the admin address.
 */
export class AdminServer {
  private server: Server | null = null;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly status: () => PluginStatus[],
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
        res.writeHead(404).end('not found: try /metrics or /status\n');
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

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((done) => server.close(() => done()));
  }
}
