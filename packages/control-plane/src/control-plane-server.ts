import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { MetricsRegistry, silentLogger, type Counter, type Logger } from '@glia/core';
import { POSITION_HEADERS } from '@glia/enricher-identity';
import { BearerAuth } from './bearer-auth.js';
import type { ControlPlaneState, VersionedDocument } from './control-plane-state.js';
import type { StreamEvent } from './event-history.js';

export interface ControlPlaneServerOptions {
  state: ControlPlaneState;
  token: string;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** A comment is sent this often so agents (and proxies) know the stream is alive. Default 15 s. */
  heartbeatMs?: number;
  /** Stream connections kept at once; more get 503. Default 10 000. */
  maxStreams?: number;
  /** Bytes an agent may fall behind before its stream is cut (it reconnects and replays). Default 4 MiB. */
  maxBacklogBytes?: number;
}

const PATHS = {
  baseline: '/v1/baseline',
  edges: '/v1/edges',
  stream: '/v1/stream',
  metrics: '/metrics',
  health: '/healthz',
};

/**
 * The control plane's HTTP(S) server: the baseline MMDB and the declared edges (with ETags and their
 * delta positions), and the event stream of deltas and rules. Every path but /healthz needs the
 * bearer token; a refused request is counted by path.
 */
export class ControlPlaneServer {
  private readonly server: Server;
  private readonly auth: BearerAuth;
  private readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  private readonly streams = new Set<ServerResponse>();
  private readonly refused: Map<string, Counter> = new Map();
  private readonly slowClients: Counter;
  private refusalsLogged = 0;

  constructor(private readonly options: ControlPlaneServerOptions) {
    this.auth = new BearerAuth(options.token);
    this.logger = options.logger ?? silentLogger();
    this.metrics = options.metrics ?? new MetricsRegistry();
    for (const path of Object.values(PATHS))
      this.refused.set(
        path,
        this.metrics.counter(
          'control_plane_auth_failures_total',
          'Requests refused for a missing or wrong bearer token',
          { path },
        ),
      );
    this.refused.set(
      'other',
      this.metrics.counter(
        'control_plane_auth_failures_total',
        'Requests refused for a missing or wrong bearer token',
        { path: 'other' },
      ),
    );
    this.slowClients = this.metrics.counter(
      'control_plane_slow_streams_total',
      'Streams cut because the agent fell too far behind',
    );
    const { state } = options;
    this.metrics.collect('control_plane_streams', 'Agents connected to the stream', 'gauge', () => [
      { labels: {}, value: this.streams.size },
    ]);
    this.metrics.collect('control_plane_seq', 'Current seq of each feed', 'gauge', () => [
      { labels: { feed: 'identity' }, value: state.positions.identity },
      { labels: { feed: 'edges' }, value: state.positions.edges },
    ]);
    this.metrics.collect(
      'control_plane_inventory_entries',
      'Addresses and networks in the inventory',
      'gauge',
      () => [{ labels: {}, value: state.inventorySize }],
    );
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    this.server =
      options.tls === undefined ? createHttpServer(handler) : createHttpsServer(options.tls, handler);
  }

  /** Listens; port 0 picks a free port. Resolves with the address bound. */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Where the server listens, once listening. */
  address(): AddressInfo | null {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a : null;
  }

  /** Closes every stream and stops listening. */
  async close(): Promise<void> {
    for (const res of this.streams) res.destroy();
    this.streams.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://control-plane').pathname;
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
    if (path === PATHS.health) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (!this.auth.allows(req)) return this.refuse(req, res, path);
    switch (path) {
      case PATHS.baseline:
        return this.document(req, res, this.options.state.baseline(), 'application/octet-stream');
      case PATHS.edges:
        return this.document(req, res, this.options.state.edgesDocument(), 'text/plain; charset=utf-8');
      case PATHS.stream:
        return this.stream(req, res);
      case PATHS.metrics:
        return void res
          .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
          .end(this.metrics.render());
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such path: ${path}\n`);
    }
  }

  private refuse(req: IncomingMessage, res: ServerResponse, path: string): void {
    (this.refused.get(path) ?? (this.refused.get('other') as Counter)).inc();
    // The first refusals are logged; after that they are only counted, so a misconfigured fleet cannot flood the log.
    if (this.refusalsLogged++ < 20)
      this.logger.warn(
        { path, from: req.socket.remoteAddress },
        'control plane: refused a request without the right bearer token',
      );
    res
      .writeHead(401, { 'www-authenticate': 'Bearer realm="glia"', 'content-type': 'text/plain' })
      .end('a valid bearer token is required\n');
  }

  private document(req: IncomingMessage, res: ServerResponse, doc: VersionedDocument, type: string): void {
    const headers = {
      etag: doc.etag,
      [POSITION_HEADERS.epoch]: this.options.state.epoch,
      [POSITION_HEADERS.seq]: String(doc.seq),
      'cache-control': 'no-cache',
    };
    if (req.headers['if-none-match'] === doc.etag) return void res.writeHead(304, headers).end();
    res
      .writeHead(200, { ...headers, 'content-type': type, 'content-length': String(doc.body.length) })
      .end(doc.body);
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    if (this.streams.size >= (this.options.maxStreams ?? 10_000))
      return void res.writeHead(503, { 'retry-after': '5' }).end('too many streams\n');
    const last = req.headers['last-event-id'];
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.socket?.setNoDelay(true);
    this.streams.add(res);
    const maxBacklog = this.options.maxBacklogBytes ?? 4 << 20;
    const send = (event: StreamEvent): void => {
      if (res.writableLength > maxBacklog) {
        this.slowClients.inc();
        res.destroy();
        return;
      }
      res.write(`id: ${event.id}\nevent: ${event.name}\ndata: ${event.data}\n\n`);
    };
    const unsubscribe = this.options.state.subscribe(send);
    res.write('retry: 1000\n\n');
    for (const event of this.options.state.greeting(typeof last === 'string' ? last : undefined)) send(event);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), this.options.heartbeatMs ?? 15_000);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(res);
    });
  }
}
