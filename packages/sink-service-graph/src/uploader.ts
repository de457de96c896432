import { errorMessage } from '@glia/core';
import { retryDelay } from './backoff.js';

/** One encoded slice waiting for upload. */
export interface PendingSlice {
  seq: number;
  edges: number;
  body: Buffer;
}

/** Sends one body; resolves with the HTTP status, rejects on a network error or timeout. */
export type SendFn = (body: Buffer, signal: AbortSignal) => Promise<number>;

export interface UploaderOptions {
  send: SendFn;
  maxSlices: number;
  maxBytes: number;
  retryInitialMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  random?: () => number;
  /** Called when the oldest slice is dropped for room: the next drain should be full. */
  onDropped?: (slice: PendingSlice) => void;
  onFailure?: (reason: string) => void;
}

export interface UploaderCounters {
  sent: number;
  edgesSent: number;
  bytesSent: number;
  failedAttempts: number;
  /** Slices dropped because the backlog was full (oldest first). */
  dropped: number;
  edgesDropped: number;
  /** Slices the collector refused (4xx other than 408/429): retrying cannot help. */
  rejected: number;
  /** Slices still waiting when stop() gave up. */
  unsent: number;
}

/**
 * A bounded backlog of encoded slices and one send loop: oldest first, one at a time (so an
 * agent's slices reach the collector in order), retried with exponential backoff and jitter while
 * the collector is down or failing. The loop never runs on the hot path; enqueue() only appends.
 */
export class Uploader {
  private readonly queue: PendingSlice[] = [];
  private queuedBytes = 0;
  private loop: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  /** Aborted by stop(): cuts a backoff wait short and ends retrying. */
  private readonly finishing = new AbortController();
  private inFlight: PendingSlice | null = null;
  private attempt = 0;
  /** Why the last attempt failed; null after a success. */
  lastFailure: string | null = null;
  readonly counters: UploaderCounters = {
    sent: 0,
    edgesSent: 0,
    bytesSent: 0,
    failedAttempts: 0,
    dropped: 0,
    edgesDropped: 0,
    rejected: 0,
    unsent: 0,
  };

  constructor(private readonly options: UploaderOptions) {}

  get size(): number {
    return this.queue.length;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  enqueue(slice: PendingSlice): void {
    if (this.stopping.signal.aborted) {
      this.counters.unsent++;
      return;
    }
    this.queue.push(slice);
    this.queuedBytes += slice.body.length;
    // Keep the newest (it carries the latest cumulative counts of what it holds) and the one in
    // flight (it may already have arrived).
    while (this.queue.length > this.options.maxSlices || this.queuedBytes > this.options.maxBytes) {
      const at = this.queue[0] === this.inFlight ? 1 : 0;
      if (at >= this.queue.length - 1) break;
      const [old] = this.queue.splice(at, 1);
      this.queuedBytes -= old.body.length;
      this.counters.dropped++;
      this.counters.edgesDropped += old.edges;
      this.options.onDropped?.(old);
    }
    this.loop ??= this.run();
  }

  /**
   * Sends what is waiting, in order, with no more retries: it ends at the first failure, when the
   * backlog is empty, or at the deadline; what is left is counted as unsent.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.finishing.abort();
    const timer = setTimeout(() => this.stopping.abort(), deadlineMs);
    try {
      if (this.queue.length > 0) this.loop ??= this.run();
      await this.loop;
    } finally {
      clearTimeout(timer);
      this.stopping.abort();
      this.counters.unsent += this.queue.length;
      this.queue.length = 0;
      this.queuedBytes = 0;
    }
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.stopping.signal.aborted) {
        const slice = this.queue[0];
        this.inFlight = slice;
        const outcome = await this.attemptOnce(slice);
        this.inFlight = null;
        if (outcome === 'retry' && this.finishing.signal.aborted) break;
        if (outcome === 'retry') {
          const wait = retryDelay(
            this.attempt++,
            this.options.retryInitialMs,
            this.options.retryMaxMs,
            this.options.random ?? Math.random,
          );
          await sleep(wait, this.finishing.signal);
          continue;
        }
        this.attempt = 0;
        this.queue.shift();
        this.queuedBytes -= slice.body.length;
      }
    } finally {
      this.loop = null;
    }
  }

  private async attemptOnce(slice: PendingSlice): Promise<'done' | 'retry'> {
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    let status: number;
    try {
      status = await this.options.send(slice.body, signal);
    } catch (error) {
      this.fail(errorMessage(causeOf(error)));
      return 'retry';
    }
    if (status >= 200 && status < 300) {
      this.counters.sent++;
      this.counters.edgesSent += slice.edges;
      this.counters.bytesSent += slice.body.length;
      this.lastFailure = null;
      return 'done';
    }
    if (status === 408 || status === 429 || status >= 500) {
      this.fail(`HTTP ${status}`);
      return 'retry';
    }
    this.counters.rejected++;
    this.fail(`HTTP ${status}: the collector refused slice ${slice.seq}`);
    return 'done';
  }

  private fail(reason: string): void {
    this.counters.failedAttempts++;
    if (reason !== this.lastFailure) this.options.onFailure?.(reason);
    this.lastFailure = reason;
  }
}

/** fetch wraps the system's reason (ECONNREFUSED, a timeout) in `cause`. */
function causeOf(error: unknown): unknown {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message.length > 0 ? cause : error;
  return error;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
