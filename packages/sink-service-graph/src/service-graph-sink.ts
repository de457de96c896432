import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import {
  CORE_FIELDS,
  PluginHealth,
  TOKENS,
  type FieldDefinition,
  type Health,
  type PluginContext,
  type SinkInstance,
} from '@glia/core';
import { GraphAccumulator, SLICE_VERSION, type ObservedSlice } from '@glia/service-graph';
import type { ServiceGraphConfig } from './config.js';
import { GraphRecorder } from './graph-recorder.js';
import { Uploader, type SendFn } from './uploader.js';

const gzip = promisify(gzipCallback);

export interface ServiceGraphSinkOptions {
  /** How a body reaches the collector; default: an HTTP PUT with fetch. */
  send?: SendFn;
  /** How long stop() tries to upload what is left. */
  stopTimeoutMs?: number;
  random?: () => number;
}

/** Below the runtime's own 5 s stop bound. */
const DEFAULT_STOP_TIMEOUT_MS = 4000;

/**
 * The service-graph sink: every observation and verdict goes into a bounded accumulator
 * synchronously (a map update, plus field reads when an edge is first seen in an interval); every
 * `interval` seconds what changed is drained into a slice, gzipped and handed to the uploader's
 * bounded backlog. Uploading never blocks the pipeline.
 */
export class ServiceGraphSink implements SinkInstance {
  private readonly lifecycle = new PluginHealth();
  readonly accumulator: GraphAccumulator;
  readonly uploader: Uploader;
  readonly agentId: string;
  readonly url: string;
  private readonly epoch = Date.now();
  private seq = 0;
  /** Set when a slice was dropped: the next drain carries everything still held. */
  private resync = false;
  private readonly recorder: GraphRecorder;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: ServiceGraphConfig,
    private readonly options: ServiceGraphSinkOptions = {},
  ) {
    this.agentId = config.agent_id ?? ctx.agentId;
    this.url = `${config.url.replace(/\/+$/, '')}/v1/observed/${encodeURIComponent(this.agentId)}`;
    this.accumulator = new GraphAccumulator({
      maxEdges: config.max_edges,
      maxNodes: config.max_nodes,
      maxFlows: config.max_flows,
      idleMs: config.idle_timeout * 1000,
      flowIdleMs: 300_000,
    });
    this.recorder = new GraphRecorder(
      ctx.bus,
      this.accumulator,
      () => this.fieldDefinitions(),
      (message: string) => ctx.logger.warn(message),
    );
    this.uploader = new Uploader({
      send: options.send ?? this.httpSend(),
      maxSlices: config.backlog,
      maxBytes: config.backlog_bytes,
      retryInitialMs: config.retry_initial * 1000,
      retryMaxMs: config.retry_max * 1000,
      timeoutMs: config.timeout * 1000,
      random: options.random,
      onDropped: () => {
        this.resync = true;
      },
      onFailure: (reason) => ctx.logger.warn({ url: this.url }, `service graph upload failed: ${reason}`),
    });
    this.registerMetrics();
  }

  start(): void {
    if (this.timer !== null || this.stopping !== null) return;
    this.lifecycle.starting();
    this.recorder.start();
    this.timer = setInterval(() => this.tick(), this.config.interval * 1000);
    this.timer.unref();
    this.lifecycle.ok();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  health(): Health {
    const state = this.lifecycle.get();
    if (state.state !== 'ok') return state;
    const problems: string[] = [];
    const u = this.uploader;
    if (u.lastFailure !== null)
      problems.push(`upload to ${this.url} failing: ${u.lastFailure} (${u.size} slices waiting)`);
    if (u.counters.dropped > 0) problems.push(`${u.counters.dropped} slices dropped: backlog full`);
    if (u.counters.rejected > 0) problems.push(`${u.counters.rejected} slices refused by the collector`);
    const c = this.accumulator.counters;
    if (c.edgesRefused > 0) problems.push(`${c.edgesRefused} new edges refused: max_edges reached`);
    return problems.length > 0 ? { state: 'degraded', reason: problems.join('; ') } : state;
  }

  /** Drains now and waits until the slice is encoded and queued (tests, stop). */
  flush(): Promise<void> {
    this.tick();
    return this.draining;
  }

  private fieldDefinitions(): readonly FieldDefinition[] {
    const c = this.ctx.container;
    return c.isRegistered(TOKENS.Fields, true) ? c.resolve(TOKENS.Fields)() : CORE_FIELDS;
  }

  private tick(): void {
    const full = this.resync || this.seq === 0;
    this.resync = false;
    const drained = this.accumulator.drain(this.ctx.clock.nowMs(), full);
    if (drained.edges.length === 0 && drained.nodes.length === 0 && !full) return;
    const slice: ObservedSlice = {
      version: SLICE_VERSION,
      agent: this.agentId,
      epoch: this.epoch,
      seq: ++this.seq,
      full,
      generated_at: this.ctx.clock.nowMs(),
      edges: drained.edges,
      nodes: drained.nodes,
    };
    // Encoding runs on libuv's pool; slices stay in order because each waits for the previous.
    this.draining = this.draining.then(async () => {
      const body = await gzip(JSON.stringify(slice));
      this.uploader.enqueue({ seq: slice.seq, edges: slice.edges.length, body });
    });
  }

  private async shutdown(): Promise<void> {
    if (this.timer === null) {
      this.lifecycle.stopped();
      return;
    }
    this.lifecycle.stopping();
    clearInterval(this.timer);
    this.timer = null;
    this.recorder.stop();
    await this.flush();
    await this.uploader.stop(this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    if (this.uploader.counters.unsent > 0)
      this.ctx.logger.warn(
        { url: this.url, unsent: this.uploader.counters.unsent },
        'service graph slices left unsent at stop',
      );
    this.lifecycle.stopped();
  }

  private httpSend(): SendFn {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    };
    if (this.config.token !== undefined) headers.authorization = `Bearer ${this.config.token}`;
    return async (body, signal) => {
      const response = await fetch(this.url, { method: 'PUT', headers, body, signal });
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    };
  }

  private registerMetrics(): void {
    const labels = { plugin: this.ctx.name };
    const m = this.ctx.metrics;
    const u = this.uploader.counters;
    const a = this.accumulator;
    const one = (value: () => number) => () => [{ labels, value: value() }];
    m.collect(
      'service_graph_slices_sent_total',
      'Slices the collector accepted',
      'counter',
      one(() => u.sent),
    );
    m.collect(
      'service_graph_edges_sent_total',
      'Edges in accepted slices',
      'counter',
      one(() => u.edgesSent),
    );
    m.collect(
      'service_graph_upload_failures_total',
      'Upload attempts that failed (retried)',
      'counter',
      one(() => u.failedAttempts),
    );
    m.collect('service_graph_slices_dropped_total', 'Slices dropped, by reason', 'counter', () => [
      { labels: { ...labels, reason: 'backlog_full' }, value: u.dropped },
      { labels: { ...labels, reason: 'refused' }, value: u.rejected },
      { labels: { ...labels, reason: 'unsent_at_stop' }, value: u.unsent },
    ]);
    m.collect(
      'service_graph_edges_dropped_total',
      'Edges in slices dropped because the backlog was full',
      'counter',
      one(() => u.edgesDropped),
    );
    m.collect(
      'service_graph_backlog_slices',
      'Slices waiting for upload',
      'gauge',
      one(() => this.uploader.size),
    );
    m.collect(
      'service_graph_backlog_bytes',
      'Compressed bytes waiting for upload',
      'gauge',
      one(() => this.uploader.bytes),
    );
    m.collect(
      'service_graph_edges',
      'Edges held by the accumulator',
      'gauge',
      one(() => a.edgeCount),
    );
    m.collect(
      'service_graph_nodes',
      'Addresses with facts held by the accumulator',
      'gauge',
      one(() => a.nodeCount),
    );
    m.collect(
      'service_graph_edges_refused_total',
      'New edges refused: max_edges reached',
      'counter',
      one(() => a.counters.edgesRefused),
    );
    m.collect(
      'service_graph_edges_expired_total',
      'Edges forgotten after idle_timeout',
      'counter',
      one(() => a.counters.edgesExpired),
    );
  }
}
