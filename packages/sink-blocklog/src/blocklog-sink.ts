import {
  BoundedQueue,
  PluginHealth,
  errorMessage,
  type Counter,
  type Health,
  type PluginContext,
  type SinkInstance,
  type Verdict,
} from '@glia/core';
import type { LineOutput } from './output.js';
import { auditRecord, RECORDED_FIELDS } from './record.js';

export interface BlocklogSinkOptions {
  /** Records the queue holds before it drops new ones. */
  queueCapacity: number;
  /** How long stop() waits for the queue to drain before it gives up and closes the output. */
  stopTimeoutMs?: number;
}

/** Below the runtime's own 5 s stop bound, so the file is closed before the runtime moves on. */
const DEFAULT_STOP_TIMEOUT_MS = 4000;

/**
 * Writes one JSON line per verdict. The bus handler only serializes and enqueues; the disk is
 * written by the queue's drain loop, so a slow or full disk costs dropped records, never a stalled
 * hot path.
 */
export class BlocklogSink implements SinkInstance {
  private readonly lifecycle = new PluginHealth();
  private readonly queue: BoundedQueue<string>;
  private unsubscribe: (() => void) | null = null;
  private running = false;
  private outputClosed = false;
  private stopping: Promise<void> | null = null;
  /** The last write error, cleared by the next successful write. */
  private writeError: string | null = null;
  private readonly written: Counter;
  private readonly dropped: Counter;
  private readonly writeFailed: Counter;
  private readonly unflushed: Counter;

  constructor(
    private readonly ctx: PluginContext,
    private readonly output: LineOutput,
    private readonly options: BlocklogSinkOptions,
  ) {
    const labels = { plugin: ctx.name };
    this.written = ctx.metrics.counter('blocklog_records_written_total', 'Audit records written', labels);
    this.dropped = ctx.metrics.counter(
      'blocklog_records_dropped_total',
      'Audit records dropped because the write queue was full',
      labels,
    );
    this.writeFailed = ctx.metrics.counter(
      'blocklog_records_write_failed_total',
      'Audit records in writes that failed (some of them may have reached the file)',
      labels,
    );
    this.unflushed = ctx.metrics.counter(
      'blocklog_records_unflushed_total',
      'Audit records still queued when stop() gave up waiting',
      labels,
    );
    this.queue = new BoundedQueue<string>({
      capacity: options.queueCapacity,
      batchSize: 1024,
      consume: (lines) => this.writeBatch(lines),
    });
  }

  wantsFields(): readonly string[] {
    return RECORDED_FIELDS;
  }

  async start(): Promise<void> {
    if (this.running || this.stopping !== null) return;
    this.lifecycle.starting();
    try {
      await this.output.open();
    } catch (error) {
      // Keep running: the next batch retries the open, so a directory created later recovers.
      this.writeError = `cannot open ${this.output.target}: ${errorMessage(error)}`;
      this.ctx.logger.error({ target: this.output.target }, this.writeError);
    }
    if (this.stopping !== null) {
      // stop() ran while the file was opening: do not subscribe behind its back.
      await this.output.close();
      return;
    }
    this.unsubscribe = this.ctx.bus.subscribe('verdict', (verdict) => this.accept(verdict));
    this.running = true;
  }

  /** The hot path: serialize now (the record is what was true at verdict time) and enqueue. */
  accept(verdict: Verdict): void {
    const line = JSON.stringify(auditRecord(verdict, this.ctx.agentId)) + '\n';
    if (!this.queue.push(line)) this.dropped.inc();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  health(): Health {
    if (!this.running) return this.lifecycle.get();
    if (this.writeError !== null) return { state: 'failed', reason: this.writeError };
    const problems: string[] = [];
    if (this.dropped.value > 0) problems.push(`${this.dropped.value} records dropped: write queue full`);
    if (this.writeFailed.value > 0) problems.push(`${this.writeFailed.value} records in failed writes`);
    return problems.length > 0 ? { state: 'degraded', reason: problems.join('; ') } : { state: 'ok' };
  }

  private async writeBatch(lines: string[]): Promise<void> {
    // After a stop that timed out, what the drain loop still hands over is counted, not written:
    // writing would reopen the file behind the runtime's back.
    if (this.outputClosed) {
      this.unflushed.inc(lines.length);
      return;
    }
    try {
      await this.output.write(lines);
      this.written.inc(lines.length);
      this.writeError = null;
    } catch (error) {
      this.writeFailed.inc(lines.length);
      const reason = `write to ${this.output.target} failed: ${errorMessage(error)}`;
      if (reason !== this.writeError) this.ctx.logger.error({ target: this.output.target }, reason);
      this.writeError = reason;
    }
  }

  private async shutdown(): Promise<void> {
    if (!this.running) {
      this.lifecycle.stopped();
      return;
    }
    this.running = false;
    this.lifecycle.stopping();
    this.unsubscribe?.();
    this.unsubscribe = null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    });
    try {
      const drained = await Promise.race([this.queue.close().then(() => 'drained' as const), timeout]);
      if (drained === 'timeout') {
        this.outputClosed = true;
        this.ctx.logger.warn({ queued: this.queue.size }, 'block log did not drain before the stop deadline');
      }
    } finally {
      clearTimeout(timer);
    }
    this.outputClosed = true;
    try {
      await this.output.close();
    } catch (error) {
      this.ctx.logger.warn({ target: this.output.target }, `closing failed: ${errorMessage(error)}`);
    }
    this.lifecycle.stopped();
  }
}
