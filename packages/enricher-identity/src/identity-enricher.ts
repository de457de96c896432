import {
  errorMessage,
  PluginHealth,
  type EnricherInstance,
  type FieldResolvers,
  type Health,
  type Observation,
  type PluginContext,
} from '@glia/core';
import {
  cacheSizes,
  IDENTITY_DEFAULTS,
  resolveIdentityConfig,
  type IdentityConfig,
  type ResolvedIdentityConfig,
} from './config.js';
import { DeclaredEdges } from './edges/declared-edges.js';
import { readEdgesDelta, type EdgesDelta } from './edges/edges-delta.js';
import { formatEdgesProblem, parsePolicyEdges, type EdgeLine } from './edges/policy-edges.js';
import { EdgeIdentities } from './edge-identities.js';
import { IdentityMetrics, type Feed } from './identity-metrics.js';
import { IdentityStore } from './identity-store.js';
import { IdentityBaseline } from './mmdb/identity-mmdb.js';
import type { SequencedDelta } from './overlay/delta-sequence.js';
import { readIdentityDelta, type IdentityDelta } from './overlay/identity-delta.js';
import type { IdentityRecord } from './record/identity-record.js';
import { DocumentSource } from './sources/document-source.js';
import { ControlPlaneStream } from './stream/control-plane-stream.js';
import { isTransient } from './stream/http-request.js';
import { SyncedDocument } from './synced-document.js';

const flag = (v: boolean | undefined): number | undefined => (v === undefined ? undefined : v ? 1 : 0);

/**
 * The `identity` enricher (DESIGN §7): IP → workload identity from the baseline MMDB and the
 * control plane's deltas, declared edges, and rule sets the control plane pushes. Every rule field
 * of an observation is read from one cached EdgeFacts.
 */
export class IdentityEnricher implements EnricherInstance {
  readonly store: IdentityStore;
  readonly metrics: IdentityMetrics;
  private readonly state = new PluginHealth();
  private readonly facts: EdgeIdentities;
  private edges: DeclaredEdges | null = null;
  private config: ResolvedIdentityConfig | null = null;
  private identity: SyncedDocument<IdentityBaseline, IdentityDelta> | null = null;
  private edgesFeed: SyncedDocument<EdgeLine[], EdgesDelta> | null = null;
  private stream: ControlPlaneStream | null = null;
  private watches: Array<{ close(): void }> = [];
  private problem: string | null = null;

  constructor(
    private readonly ctx: PluginContext,
    private readonly raw: Partial<IdentityConfig>,
  ) {
    const sizes = cacheSizes(raw, ctx.memory);
    this.store = new IdentityStore({
      cacheSize: sizes.cache_size,
      maxOverlay: raw.max_overlay ?? IDENTITY_DEFAULTS.max_overlay,
    });
    this.facts = new EdgeIdentities(this.store, () => this.edges, sizes.edge_cache_size);
    this.metrics = new IdentityMetrics(ctx.metrics, ctx.name, {
      store: this.store,
      edgeCache: this.facts,
      feeds: () => ({ identity: this.identity ?? undefined, edges: this.edgesFeed ?? undefined }),
      stream: () => this.stream?.client ?? null,
      declaredEdges: () => this.edges?.size ?? 0,
    });
  }

  /** Loads the baseline and edges (a failure fails the start), then follows the control plane. */
  async start(): Promise<void> {
    if (this.config !== null) return;
    this.state.starting();
    const config = resolveIdentityConfig(this.raw, this.ctx.baseDir, this.ctx.memory);
    this.config = config;
    const auth = {
      ...(config.token !== undefined ? { token: config.token } : {}),
      ...(config.ca !== undefined ? { ca: config.ca } : {}),
    };
    const identitySource = new DocumentSource(config.baseline, auth);
    this.identity = new SyncedDocument<IdentityBaseline, IdentityDelta>({
      source: identitySource,
      parse: (body, source) => new IdentityBaseline(body, source),
      readDelta: readIdentityDelta,
      replace: (baseline) => {
        this.store.replaceBaseline(baseline);
        this.facts.version++;
      },
      apply: (delta) => {
        if (!this.store.applyDelta(delta)) return false;
        this.facts.version++;
        return true;
      },
      ...this.feedHooks('identity'),
    });
    await this.firstLoad('identity', this.identity);
    if (config.edgesSource !== null) {
      const edgesSource = new DocumentSource(config.edgesSource, auth);
      this.edgesFeed = new SyncedDocument<EdgeLine[], EdgesDelta>({
        source: edgesSource,
        parse: (body, source) => {
          const { lines, problems } = parsePolicyEdges(body.toString('utf8'), source);
          if (problems.length > 0) throw new Error(problems.map(formatEdgesProblem).join('\n'));
          return lines;
        },
        readDelta: readEdgesDelta,
        replace: (lines) => {
          this.edges = new DeclaredEdges(lines);
          this.facts.version++;
        },
        apply: (delta) => {
          const edges = this.edges as DeclaredEdges;
          for (const line of delta.removed) edges.remove(line);
          for (const line of delta.added) edges.add(line);
          this.facts.version++;
          return true;
        },
        ...this.feedHooks('edges'),
      });
      await this.firstLoad('edges', this.edgesFeed);
    }
    if (config.watch) {
      // A changed file is a new document: re-pulled like after a gap, swapped in whole when it reads.
      for (const doc of [this.identity, this.edgesFeed]) {
        const watch = doc?.source.watch(() => void doc.sync.resync('file changed'));
        if (watch !== undefined && watch !== null) this.watches.push(watch);
      }
    }
    if (config.stream !== null) {
      this.stream = new ControlPlaneStream({
        url: config.stream,
        auth,
        ctx: this.ctx,
        metrics: this.metrics,
        acceptRules: config.accept_rules,
        initialBackoffMs: config.reconnect_initial_ms,
        maxBackoffMs: config.reconnect_max_ms,
        onDelta: (feed, json) => this.onDelta(feed, json),
        onChange: () => this.refreshHealth(),
      });
      this.stream.start();
    }
    this.refreshHealth();
  }

  stop(): void {
    if (this.config !== null) this.state.stopping();
    this.stream?.stop();
    this.stream = null;
    for (const w of this.watches) w.close();
    this.watches = [];
    this.identity?.close();
    this.edgesFeed?.close();
    this.config = null;
    this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }

  resolvers(): FieldResolvers {
    const side = (name: 'src' | 'dst'): FieldResolvers => {
      const of = (o: Observation): IdentityRecord | null => this.facts.of(o)[name];
      return {
        [`identity.k8s.${name}_namespace`]: (o) => of(o)?.namespace,
        [`identity.k8s.${name}_workload`]: (o) => of(o)?.workload,
        [`identity.k8s.${name}_app`]: (o) => of(o)?.app,
        [`identity.k8s.${name}_label`]: (o) => of(o)?.labels,
      };
    };
    return {
      ...side('src'),
      ...side('dst'),
      'identity.internet_exposed': (o) => flag(this.facts.of(o).dst?.internet_exposed),
      'identity.control_plane': (o) => flag(this.facts.of(o).dst?.control_plane),
      'edge.declared': (o) => flag(this.facts.of(o).decision?.declared),
      'edge.policy_violation': (o) => flag(this.facts.of(o).decision?.violation),
    };
  }

  /**
   * Loads a document at start. A file that cannot be read, a token the control plane refuses, an
   * untrusted certificate fail the start (the config is wrong); a control plane that cannot be
   * reached yet does not: the plugin starts degraded and keeps re-pulling with backoff, as after a gap.
   */
  private async firstLoad<S, D extends SequencedDelta>(feed: Feed, doc: SyncedDocument<S, D>): Promise<void> {
    try {
      await doc.load();
    } catch (error) {
      if ('file' in doc.source.location || !isTransient(error)) throw error;
      this.problem = `${feed}: ${errorMessage(error)}; retrying`;
      this.ctx.logger.warn(
        { feed, err: errorMessage(error) },
        'identity: the control plane is not reachable yet; retrying',
      );
      void doc.sync.resync('first load failed');
    }
  }

  private onDelta(feed: Feed, json: unknown): void {
    const doc = feed === 'identity' ? this.identity : this.edgesFeed;
    if (doc === null) return;
    const outcome = doc.receive(json);
    this.metrics.delta(feed, outcome);
    if (outcome === 'invalid')
      this.ctx.logger.warn({ feed, problem: doc.lastInvalid }, 'identity: a delta was refused');
  }

  private feedHooks(feed: Feed) {
    return {
      onResync: (reason: string) => {
        this.metrics.resyncs[feed].inc();
        this.ctx.logger.info({ feed, reason }, 'identity: dropping the overlay and re-pulling');
      },
      onRepulled: () => this.refreshHealth(),
      onRepullFailed: (error: unknown) => {
        this.problem = `${feed}: re-pull failed: ${errorMessage(error)}`;
        this.ctx.logger.warn(
          { feed, err: errorMessage(error) },
          'identity: re-pull failed; keeping what is in force and retrying',
        );
        this.refreshHealth();
      },
    };
  }

  private refreshHealth(): void {
    if (this.config === null) return;
    const resyncing = this.identity?.sync.resyncing === true || this.edgesFeed?.sync.resyncing === true;
    if (!resyncing) this.problem = null;
    const reason = this.problem ?? this.stream?.problem ?? null;
    if (reason === null) this.state.ok();
    else this.state.degraded(reason);
  }
}
