import { resolve } from 'node:path';
import {
  PluginHealth,
  type BannerEvent,
  type ConnEvent,
  type FlowEvent,
  type Counter,
  type EnricherInstance,
  type FieldResolvers,
  type Health,
  type Observation,
  type PluginContext,
} from '@glia/core';
import { ActiveProber, checkActiveConfig } from './active/active-prober.js';
import type { ServicesConfig } from './config.js';
import { ResponseMatcher, MATCHER_DEFAULTS } from './match/response-matcher.js';
import { ServiceDatabase } from './match/service-database.js';
import { BannerDetector } from './passive/banner-detector.js';
import { NodeServiceStore, type NodeServices, type PortService } from './passive/node-services.js';

/**
 * The services enricher: identifies the service, product and version of each server port from
 * the banners the capture sees, with nmap's nmap-service-probes read at start, and keeps them per
 * node for the service graph and the service.* rule fields.
 */
export class ServicesEnricher implements EnricherInstance {
  private readonly state = new PluginHealth();
  private readonly store: NodeServiceStore;
  private db: ServiceDatabase | null = null;
  private matcher: ResponseMatcher | null = null;
  private detector: BannerDetector | null = null;
  private prober: ActiveProber | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly banners: { identified: Counter; unidentified: Counter };

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: ServicesConfig,
  ) {
    this.store = new NodeServiceStore(config.max_nodes);
    const labels = { plugin: ctx.name };
    const help = 'server banners matched by the services enricher, by result';
    this.banners = {
      identified: ctx.metrics.counter('services_banners_total', help, { ...labels, result: 'identified' }),
      unidentified: ctx.metrics.counter('services_banners_total', help, {
        ...labels,
        result: 'unidentified',
      }),
    };
    ctx.metrics.collect(
      'services_evictions_total',
      'services enricher LRU evictions, by table (sizes from limits.memory_mb unless configured)',
      'counter',
      () => [
        { labels: { ...labels, table: 'nodes' }, value: this.store.evictions },
        { labels: { ...labels, table: 'pending' }, value: this.detector?.evictions ?? 0 },
      ],
    );
    ctx.metrics.collect('services_nodes', 'nodes with a detected service', 'gauge', () => [
      { labels, value: this.store.size },
    ]);
    ctx.metrics.collect('services_matcher', 'services matcher counters, by kind', 'counter', () => {
      const c = this.matcher?.counters;
      if (c === undefined) return [];
      return [
        { labels: { ...labels, kind: 'timeouts' }, value: c.timeouts },
        { labels: { ...labels, kind: 'abandoned' }, value: c.abandoned },
        { labels: { ...labels, kind: 'quarantined' }, value: c.quarantined },
        { labels: { ...labels, kind: 'executions' }, value: c.executions },
        { labels: { ...labels, kind: 'guarded' }, value: c.guarded },
        { labels: { ...labels, kind: 'restarts' }, value: c.restarts },
      ];
    });
    ctx.metrics.collect(
      'services_probe_lines',
      'match lines of nmap-service-probes, by state',
      'gauge',
      () => {
        const s = this.db?.stats;
        if (s === undefined) return [];
        return [
          { labels: { ...labels, state: 'compiled' }, value: s.compiled },
          { labels: { ...labels, state: 'unsupported' }, value: s.unsupported.length },
          { labels: { ...labels, state: 'error' }, value: s.errors.length },
        ];
      },
    );
  }

  async start(): Promise<void> {
    if (this.unsubscribe !== null) return;
    this.state.starting();
    const path = resolve(this.ctx.baseDir, this.config.probes);
    try {
      if (this.config.active.enabled) checkActiveConfig(this.config.active);
      this.db = await ServiceDatabase.load(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.state.failed(reason);
      throw error;
    }
    const stats = this.db.stats;
    this.matcher = new ResponseMatcher({ ...MATCHER_DEFAULTS, budgetMs: this.config.match_budget_ms });
    this.detector = new BannerDetector(this.db, this.matcher, this.config.max_pending);
    this.ctx.logger.info(
      {
        path,
        probes: stats.probes,
        lines: stats.matchLines,
        compiled: stats.compiled,
        ms: Math.round(stats.parseMs),
      },
      'nmap-service-probes loaded',
    );
    for (const u of stats.unsupported)
      this.ctx.logger.warn({ path, line: u.line }, `unsupported pattern: ${u.message}`);
    for (const e of stats.errors) this.ctx.logger.warn({ path, line: e.line }, `bad line: ${e.message}`);
    for (const a of stats.approximate)
      this.ctx.logger.info({ path, line: a.line }, `approximate: ${a.message}`);
    const subscriptions = [this.ctx.bus.subscribe('banner', (e) => this.onBanner(e))];
    if (this.config.active.enabled) {
      this.prober = new ActiveProber(this.db, this.matcher, this.config.active, (ip, port, found) => {
        this.store.record(ip, port, found, this.ctx.clock.now());
        this.ctx.logger.info(
          { ip, port, service: found.service, product: found.product },
          'service identified by probing',
        );
      });
      subscriptions.push(
        this.ctx.bus.subscribe('conn', (e) => this.onServerSeen(e)),
        this.ctx.bus.subscribe('flow', (e) => this.onServerSeen(e)),
      );
    }
    this.unsubscribe = () => subscriptions.forEach((u) => u());
    const skipped = stats.unsupported.length + stats.errors.length;
    if (skipped > 0)
      this.state.degraded(`${skipped} of ${stats.matchLines} match lines of ${path} cannot be used`);
    else this.state.ok();
  }

  stop(): void {
    if (this.unsubscribe !== null) {
      this.state.stopping();
      this.unsubscribe();
      this.unsubscribe = null;
    }
    this.prober?.stop();
    this.prober = null;
    this.detector?.clear();
    this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }

  /** service.name, .product, .version, .info and .cpe of the observation's server port. */
  resolvers(): FieldResolvers {
    return {
      'service.name': (o) => this.serviceOf(o)?.service,
      'service.product': (o) => this.serviceOf(o)?.product,
      'service.version': (o) => this.serviceOf(o)?.version,
      'service.info': (o) => this.serviceOf(o)?.info,
      'service.cpe': (o) => {
        const cpe = this.serviceOf(o)?.cpe;
        return cpe === undefined || cpe.length === 0 ? undefined : cpe;
      },
    };
  }

  /**
   * The services detected on one node (IP) of the service graph, by server port (at most 64):
   * service, product, version, info, cpe... Undefined when none is known or the node was evicted.
   */
  nodeServices(ip: string): NodeServices | undefined {
    return this.store.view(ip);
  }

  /** The loaded database (null before start): its stats say what was compiled and what not. */
  database(): ServiceDatabase | null {
    return this.db;
  }

  /** The matcher's counters and the lines stopped by the time budget. */
  matcherState(): ResponseMatcher | null {
    return this.matcher;
  }

  /** The active prober (null unless `active.enabled`): its counters, and idle() for tests. */
  activeProber(): ActiveProber | null {
    return this.prober;
  }

  /** A server port seen in traffic: the prober considers it when no service is known for it. */
  private onServerSeen(e: ConnEvent | FlowEvent): void {
    if (e.proto !== 'tcp') return;
    if ('phase' in e && e.phase !== 'synack') return;
    // A SYN-ACK is sent by the server; a flow event is oriented client → server (FlowEvent).
    const [ip, port] = 'phase' in e ? [e.src, e.sport] : [e.dst, e.dport];
    if (this.store.service(ip, port) !== undefined) return;
    this.prober?.consider(ip, port, Number(this.ctx.clock.now() / 1_000_000n));
  }

  private onBanner(e: BannerEvent): void {
    if (e.sender === 'server') this.prober?.bannerSeen(e.src, e.sport);
    const verdict = this.detector?.onBanner(e);
    if (verdict === undefined || verdict === null) return;
    if (verdict.found === null) {
      this.banners.unidentified.inc();
      return;
    }
    this.banners.identified.inc();
    this.store.record(e.src, e.sport, verdict.found, e.ts);
    // Stored first, so the observation made from this fact already resolves service.* (DESIGN §4).
    this.ctx.bus.publish('fact', { phase: 'service', event: e });
  }

  private serviceOf(o: Observation): PortService | undefined {
    if (o.proto !== 'tcp') return undefined;
    return this.store.service(o.server, o.serverPort);
  }
}
