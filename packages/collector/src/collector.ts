import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CidrSet, errorMessage, MetricsRegistry, silentLogger, type Logger } from '@glia/core';
import {
  filterByTime,
  filterGraph,
  resolveGraph,
  toDot,
  toMermaid,
  type GraphFilter,
  type RawGraph,
  type ServiceGraph,
} from '@glia/service-graph';
import { parseListen, type CollectorConfig } from './config.js';
import { parseGraphQuery } from './graph-query.js';
import { EventStream } from './http/event-stream.js';
import { IngestGate } from './http/ingest-gate.js';
import { HttpError } from './http/request-body.js';
import { handle, sliceFrom, type RouteTarget } from './http/routes.js';
import { WebAssets } from './http/web-assets.js';
import { MmdbIdentity } from './mmdb-identity.js';
import type { GraphStore } from './store/graph-store.js';
import { PostgresStore } from './store/postgres-store.js';
import { SqliteStore } from './store/sqlite-store.js';

export interface CollectorOptions {
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** Wall clock (ms); tests inject one. */
  now?: () => number;
  /** A store other than the one the config names (tests, benchmarks). */
  store?: GraphStore;
}

/** Live pages hear about changes at most this often; a burst of uploads becomes one event. */
const PUBLISH_EVERY_MS = 1000;
const PRUNE_EVERY_MS = 10 * 60_000;

export function storeFor(config: CollectorConfig): GraphStore {
  return config.store.type === 'sqlite'
    ? new SqliteStore(config.store.path)
    : new PostgresStore(config.store.url, config.store.pool);
}

/**
 * `glia collector`: accepts the agents' observed slices (bearer token), stores them with the merge
 * rule, and serves the graph (JSON, DOT, Mermaid), its live page and a change stream (SSE).
 */
export class Collector implements RouteTarget {
  readonly store: GraphStore;
  readonly assets = new WebAssets();
  readonly token: string;
  readonly readToken: string | undefined;
  readonly maxBodyBytes: number;
  readonly maxJsonBytes: number;
  readonly ingest: IngestGate;
  private readonly events = new EventStream();
  private readonly identity: MmdbIdentity | null;
  private readonly internal: CidrSet;
  private readonly logger: Logger;
  private readonly metrics: MetricsRegistry;
  private readonly now: () => number;
  private server: Server | null = null;
  private version = 0;
  private cache: { version: number; raw: RawGraph } | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private readonly counters = { slices: 0, edges: 0, refused: 0 };

  constructor(
    readonly config: CollectorConfig,
    options: CollectorOptions = {},
  ) {
    this.store = options.store ?? storeFor(config);
    this.token = config.token;
    this.readToken = config.read_token;
    this.maxBodyBytes = config.max_body_bytes;
    this.maxJsonBytes = config.max_json_bytes;
    this.ingest = new IngestGate(config.max_concurrent_uploads);
    this.logger = options.logger ?? silentLogger();
    this.metrics = options.metrics ?? new MetricsRegistry();
    this.now = options.now ?? Date.now;
    this.identity = config.identity === undefined ? null : new MmdbIdentity(config.identity.mmdb, this.now);
    this.internal = CidrSet.parse([...config.network.home_net, ...config.network.pod_nets]);
    this.registerMetrics();
  }

  /** Opens the store and the identity baseline, then listens; returns the bound address. */
  async start(): Promise<{ host: string; port: number }> {
    // Bad input first, before the store creates anything on disk.
    const { host, port } = parseListen(this.config.listen);
    this.identity?.load();
    await this.store.init();
    this.store.onChange(() => this.changed());
    const server = createServer((req, res) => void handle(this, req, res));
    // Agents and pages keep connections open between uploads: hold an idle one longer than a
    // client (or a load balancer, ~60 s) would, so the server never closes a socket a client is
    // just reusing ("other side closed").
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS).unref();
    const bound = server.address() as AddressInfo;
    return { host: bound.address, port: bound.port };
  }

  async stop(): Promise<void> {
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer);
    if (this.publishTimer !== null) clearTimeout(this.publishTimer);
    this.pruneTimer = this.publishTimer = null;
    this.events.close();
    const server = this.server;
    this.server = null;
    if (server !== null) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await this.store.close();
  }

  async accept(agent: string, body: unknown): Promise<void> {
    let slice;
    try {
      slice = sliceFrom(agent, body);
    } catch (error) {
      this.counters.refused++;
      this.logger.warn({ agent, err: errorMessage(error) }, 'refused a slice');
      throw error;
    }
    await this.store.put(slice, this.now());
    this.counters.slices++;
    this.counters.edges += slice.edges.length;
  }

  /** The resolved graph, filtered; the unfiltered raw graph is cached until the next change. */
  async graph(filter: GraphFilter = {}): Promise<ServiceGraph> {
    let raw: RawGraph;
    if (filter.from === undefined && filter.to === undefined) {
      if (this.cache?.version !== this.version) {
        const version = this.version;
        this.cache = {
          version,
          raw: this.bounded(await this.store.read(undefined, undefined, this.config.max_graph_edges)),
        };
      }
      raw = this.cache.raw;
    } else {
      const read = await this.store.read(filter.from, filter.to, this.config.max_graph_edges);
      raw = filterByTime(this.bounded(read), filter.from, filter.to);
    }
    const graph = resolveGraph(raw, {
      identity: this.identity?.lookup,
      isInternal: (ip) => this.internal.has(ip),
      now: this.now(),
    });
    return filterGraph(graph, filter);
  }

  /** Refuses a graph past max_graph_edges: the store read at most one edge more than that. */
  private bounded(raw: RawGraph): RawGraph {
    if (raw.edges.length <= this.config.max_graph_edges) return raw;
    throw new HttpError(
      413,
      `the graph has more than ${this.config.max_graph_edges} edges (max_graph_edges): narrow it with from= (a time range)`,
    );
  }

  async graphResponse(params: URLSearchParams): Promise<{ type: string; body: string }> {
    const { filter, format } = parseGraphQuery(params, this.now());
    const graph = await this.graph(filter);
    if (format === 'dot') return { type: 'text/vnd.graphviz; charset=utf-8', body: toDot(graph) };
    if (format === 'mermaid') return { type: 'text/plain; charset=utf-8', body: toMermaid(graph) };
    return { type: 'application/json', body: JSON.stringify(graph) };
  }

  subscribe(req: IncomingMessage, res: ServerResponse): void {
    this.events.add(req, res, { event: 'hello', data: { version: this.version } });
  }

  async agentsJson(): Promise<string> {
    return JSON.stringify({ agents: await this.store.agents() });
  }

  async health(): Promise<{ ok: boolean; body: string }> {
    try {
      const counts = await this.store.counts();
      const problem = this.identity?.problem ?? null;
      return {
        ok: true,
        body: JSON.stringify({
          status: problem === null ? 'ok' : 'degraded',
          problem,
          store: this.store.kind,
          ...counts,
        }),
      };
    } catch (error) {
      return {
        ok: false,
        body: JSON.stringify({ status: 'failed', problem: `store: ${errorMessage(error)}` }),
      };
    }
  }

  metricsText(): string {
    return this.metrics.render();
  }

  onRequestError(error: unknown, req: IncomingMessage): void {
    this.logger.error({ method: req.method, url: req.url, err: errorMessage(error) }, 'request failed');
  }

  private changed(): void {
    this.version++;
    this.publishTimer ??= setTimeout(() => {
      this.publishTimer = null;
      this.events.publish('graph', { version: this.version });
    }, PUBLISH_EVERY_MS);
  }

  private async prune(): Promise<void> {
    try {
      const deleted = await this.store.prune(this.now() - this.config.retention * 1000);
      if (deleted > 0) this.changed();
    } catch (error) {
      this.logger.warn({ err: errorMessage(error) }, 'pruning the graph store failed');
    }
  }

  private registerMetrics(): void {
    const m = this.metrics;
    const one = (value: () => number) => () => [{ labels: {}, value: value() }];
    m.collect(
      'collector_slices_total',
      'Slices accepted',
      'counter',
      one(() => this.counters.slices),
    );
    m.collect(
      'collector_edges_total',
      'Edges in accepted slices',
      'counter',
      one(() => this.counters.edges),
    );
    m.collect(
      'collector_slices_refused_total',
      'Uploads refused as malformed',
      'counter',
      one(() => this.counters.refused),
    );
    m.collect(
      'collector_sse_clients',
      'Live pages connected',
      'gauge',
      one(() => this.events.size),
    );
    m.collect(
      'collector_sse_dropped_total',
      'Live pages disconnected for reading too slowly',
      'counter',
      one(() => this.events.dropped),
    );
  }
}
