import { isAbsolute, resolve } from 'node:path';
import {
  PluginHealth,
  TOKENS,
  errorMessage,
  type AdminResponse,
  type BannedEdge,
  type EnforcementBackend,
  type EnforcementBackends,
  type Health,
  type PluginContext,
  type SinkInstance,
  type Verdict,
} from '@glia/core';
import { RotatingFile, StreamOutput, type LineOutput } from '@glia/sink-blocklog';
import { enforcementRecord, type EnforcementAction } from './audit.js';
import { DEFAULTS, type EnforcementConfig } from './config.js';
import { EdgeTable, type BanEntry } from './edge-table.js';
import { NeverBanGuard } from './guard.js';

/** Audit lines waiting for the output at most; beyond, they are counted as dropped. */
const MAX_PENDING_LINES = 4096;

/**
 * The `enforcement` sink (DESIGN §6): an enforced drop verdict bans its edge
 * (client, server, server port, proto) in every kernel backend (the tcx observers' banned_edges)
 * for the rule's ttl or the configured one; expired bans are removed; `glia edges list|unban`
 * reach it through the admin endpoint (/edges). Without a kernel backend it records would-drops.
 * Every install, refusal and removal is an audit record.
 */
export class EnforcementSink implements SinkInstance {
  private readonly state = new PluginHealth();
  private readonly table: EdgeTable;
  private readonly guard: NeverBanGuard;
  private readonly ttlMs: number;
  private readonly output: LineOutput;
  private backends: EnforcementBackends | null = null;
  private cleanups: Array<() => void> = [];
  private sweeper: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private pending: string[] = [];
  private started = false;
  readonly counts = {
    installed: 0,
    wouldInstall: 0,
    refused: 0,
    removed: 0,
    backendErrors: 0,
    auditDropped: 0,
  };

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: EnforcementConfig,
  ) {
    this.table = new EdgeTable(config.max_edges ?? DEFAULTS.max_edges);
    this.guard = new NeverBanGuard(ctx.network);
    this.ttlMs = (config.ttl ?? DEFAULTS.ttl) * 1000;
    const audit = config.audit ?? DEFAULTS.audit;
    this.output =
      audit === 'stdout' || audit === 'stderr'
        ? new StreamOutput(audit)
        : new RotatingFile(isAbsolute(audit) ? audit : resolve(ctx.baseDir, audit), {
            maxBytes: 100 << 20,
            maxFiles: 5,
          });
  }

  health(): Health {
    return this.state.get();
  }

  /** The bans in force (and would-drops), for /edges and tests. */
  edges(): BanEntry[] {
    return this.table.list();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.state.starting();
    try {
      await this.output.open();
    } catch (error) {
      this.state.failed(`cannot open audit output ${this.output.target}: ${errorMessage(error)}`);
    }
    const { container } = this.ctx;
    if (container.isRegistered(TOKENS.EnforcementBackends, true)) {
      this.backends = container.resolve(TOKENS.EnforcementBackends);
      this.cleanups.push(this.backends.watch((backend, event) => event === 'added' && this.catchUp(backend)));
    }
    if (container.isRegistered(TOKENS.AdminRoutes, true)) {
      const routes = container.resolve(TOKENS.AdminRoutes);
      this.cleanups.push(
        routes.add('GET', '/edges', () => this.listRoute()),
        routes.add('POST', '/edges/unban', (r) => this.unbanRoute(r.body)),
      );
    }
    this.cleanups.push(this.ctx.bus.subscribe('verdict', (v) => this.onVerdict(v)));
    this.sweeper = setInterval(
      () => this.sweep(),
      this.config.sweep_interval_ms ?? DEFAULTS.sweep_interval_ms,
    );
    this.sweeper.unref();
    this.registerMetrics();
    if (this.state.get().state === 'starting') this.state.ok();
  }

  async stop(): Promise<void> {
    if (this.state.get().state === 'stopped') return;
    this.state.stopping();
    for (const c of this.cleanups.splice(0)) c();
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
    // Bans die with the maps when the capture stops; the trail says they ended here.
    for (const entry of this.table.list()) {
      this.table.remove(entry.edge);
      if (entry.installed) this.audit('Remove', entry.edge, entry.ruleIds, { reason: 'shutdown' });
    }
    this.flush();
    await this.writing;
    if (this.started) await this.output.close();
    this.started = false;
    this.state.stopped();
  }

  private onVerdict(v: Verdict): void {
    if (v.action !== 'drop' || !v.enforce) return;
    const o = v.observation;
    this.ban({ client: o.client, server: o.server, port: o.serverPort, proto: o.proto }, v.ruleIds, v.ttl);
  }

  /** Bans an edge (or extends its ban) in every backend; returns what happened. */
  ban(edge: BannedEdge, ruleIds: readonly string[], ttlSeconds?: number): EnforcementAction {
    const refusal = this.guard.refusal(edge);
    if (refusal !== null) {
      this.counts.refused++;
      this.audit('Refused', edge, ruleIds, { reason: refusal });
      return 'Refused';
    }
    const ttlMs = ttlSeconds !== undefined ? ttlSeconds * 1000 : this.ttlMs;
    const now = this.ctx.clock.nowMs();
    const backends = this.backends?.list() ?? [];
    const put = this.table.put(edge, [...ruleIds], now, ttlMs, backends.length > 0);
    if (put === null) {
      this.counts.refused++;
      this.audit('Refused', edge, ruleIds, {
        reason: `max_edges (${this.table.capacity}) bans already in force`,
      });
      return 'Refused';
    }
    const remaining = put.entry.expiresAt - now;
    if (backends.length === 0) {
      this.counts.wouldInstall++;
      this.audit('WouldInstall', edge, ruleIds, {
        ttlMs: remaining,
        expiresAtMs: put.entry.expiresAt,
        reason: 'no kernel backend',
      });
      return 'WouldInstall';
    }
    const names = this.installInto(backends, put.entry, remaining);
    this.counts.installed++;
    this.audit('Install', edge, ruleIds, {
      ttlMs: remaining,
      expiresAtMs: put.entry.expiresAt,
      backends: names,
      ...(put.fresh ? {} : { reason: 'refresh' }),
    });
    return 'Install';
  }

  /** Lifts a ban before its expiry; whether there was one. */
  unban(edge: BannedEdge): boolean {
    const entry = this.table.remove(edge);
    if (entry === undefined) return false;
    const names = entry.installed ? this.removeFrom(entry.edge) : [];
    this.audit('Remove', entry.edge, entry.ruleIds, { reason: 'unban', backends: names });
    return true;
  }

  /** Removes the bans whose time is up (the kernel already stopped enforcing them). */
  sweep(): void {
    for (const entry of this.table.expire(this.ctx.clock.nowMs())) {
      const names = entry.installed ? this.removeFrom(entry.edge) : [];
      this.audit('Remove', entry.edge, entry.ruleIds, { reason: 'expired', backends: names });
    }
    this.flush();
  }

  private installInto(backends: readonly EnforcementBackend[], entry: BanEntry, ttlMs: number): string[] {
    const names: string[] = [];
    for (const backend of backends) {
      try {
        backend.install(entry.edge, ttlMs);
        names.push(backend.name);
      } catch (error) {
        this.backendError(backend, 'install', error);
      }
    }
    return names;
  }

  private removeFrom(edge: BannedEdge): string[] {
    const names: string[] = [];
    for (const backend of this.backends?.list() ?? []) {
      try {
        backend.remove(edge);
        names.push(backend.name);
      } catch (error) {
        this.backendError(backend, 'remove', error);
      }
    }
    this.counts.removed++;
    return names;
  }

  /** A backend registered after bans were made gets them, with the time they have left. */
  private catchUp(backend: EnforcementBackend): void {
    const now = this.ctx.clock.nowMs();
    for (const entry of this.table.list()) {
      if (entry.expiresAt <= now) continue;
      this.installInto([backend], entry, entry.expiresAt - now);
      if (!entry.installed) {
        entry.installed = true;
        this.audit('Install', entry.edge, entry.ruleIds, {
          ttlMs: entry.expiresAt - now,
          expiresAtMs: entry.expiresAt,
          backends: [backend.name],
          reason: 'backend attached',
        });
      }
    }
  }

  private backendError(backend: EnforcementBackend, op: string, error: unknown): void {
    this.counts.backendErrors++;
    this.state.degraded(`${backend.name}: ${op} failed: ${errorMessage(error)}`);
    this.ctx.logger.error({ backend: backend.name, err: errorMessage(error) }, `enforcement ${op} failed`);
  }

  private audit(
    action: EnforcementAction,
    edge: BannedEdge,
    ruleIds: readonly string[],
    extra: Parameters<typeof enforcementRecord>[3] = {},
  ): void {
    const record = enforcementRecord(
      action,
      edge,
      { nowMs: this.ctx.clock.nowMs(), agent: this.ctx.agentId, ruleIds },
      extra,
    );
    if (this.pending.length >= MAX_PENDING_LINES) {
      this.counts.auditDropped++;
      return;
    }
    this.pending.push(`${JSON.stringify(record)}\n`);
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.writing = this.writing
      .then(() => this.output.write(lines))
      .catch((error) => {
        this.state.degraded(`audit write to ${this.output.target} failed: ${errorMessage(error)}`);
      });
  }

  private listRoute(): AdminResponse {
    const now = this.ctx.clock.nowMs();
    return {
      status: 200,
      body: {
        backends: (this.backends?.list() ?? []).map((b) => b.name),
        edges: this.table.list().map((e) => ({
          client: e.edge.client,
          server: e.edge.server,
          port: e.edge.port,
          proto: e.edge.proto,
          rule_ids: e.ruleIds,
          installed: e.installed,
          since: new Date(e.since).toISOString(),
          expires: new Date(e.expiresAt).toISOString(),
          remaining_s: Math.max(0, Math.round((e.expiresAt - now) / 1000)),
        })),
      },
    };
  }

  private unbanRoute(body: unknown): AdminResponse {
    const edge = edgeOf(body);
    if (typeof edge === 'string') return { status: 400, body: { error: edge } };
    const removed = this.unban(edge);
    return {
      status: removed ? 200 : 404,
      body: removed ? { removed: edge } : { error: 'no such ban', edge },
    };
  }

  private registerMetrics(): void {
    const plugin = this.ctx.name;
    this.ctx.metrics.collect('enforcement_edges', 'Bans in force (would-drops included)', 'gauge', () => [
      { labels: { plugin }, value: this.table.size },
    ]);
    this.ctx.metrics.collect('enforcement_actions_total', 'Enforcement actions by kind', 'counter', () =>
      Object.entries(this.counts).map(([action, value]) => ({ labels: { plugin, action }, value })),
    );
  }
}

/** Reads {client, server, port, proto} from a request body; a string says what is wrong. */
export function edgeOf(body: unknown): BannedEdge | string {
  if (typeof body !== 'object' || body === null) return 'body must be {client, server, port, proto}';
  const b = body as Record<string, unknown>;
  if (typeof b.client !== 'string' || typeof b.server !== 'string')
    return 'client and server must be addresses';
  if (typeof b.port !== 'number' || !Number.isInteger(b.port) || b.port < 0 || b.port > 65535)
    return 'port must be an integer 0..65535';
  const proto = b.proto ?? 'tcp';
  if (proto !== 'tcp' && proto !== 'udp') return 'proto must be "tcp" or "udp"';
  return { client: b.client, server: b.server, port: b.port, proto };
}
