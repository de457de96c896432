import { DeltaSequence, type DeltaPosition, type SequencedDelta } from './delta-sequence.js';

/** What became of one delta. */
export type ReceiveOutcome = 'applied' | 'duplicate' | 'current' | 'resync' | 'buffered' | 'dropped';

export interface DeltaSyncOptions<D extends SequencedDelta> {
  /** Applies a delta to the overlay; returning false asks for a resync instead (the overlay is full). */
  apply(delta: D): boolean;
  /**
   * Re-pulls the baseline and, in one step, swaps it in and drops the overlay. Resolves to the
   * position the new baseline is at, or null when it does not say (a file).
   */
  repull(): Promise<DeltaPosition | null>;
  /** Deltas kept while a re-pull runs. Default 10 000; past it they are dropped and counted. */
  maxBuffered?: number;
  /** First retry of a failed re-pull, doubled per failure up to 30 s. Default 1 000 ms. */
  retryMs?: number;
  onResync?(reason: string): void;
  /** After a re-pull succeeded and the deltas that waited were replayed. */
  onRepulled?(): void;
  onRepullFailed?(error: unknown): void;
}

export interface DeltaSyncCounters {
  applied: number;
  duplicates: number;
  resyncs: number;
  repulls: number;
  repullFailures: number;
  dropped: number;
}

/**
 * Keeps an overlay in step with a stream of deltas under the epoch/seq rule (DESIGN §7). A new
 * epoch or a gap re-pulls the baseline exactly once, however many deltas arrive meanwhile: they
 * wait in a bounded buffer and are replayed on top of the new baseline, where the ones it already
 * holds are duplicates. Lookups meanwhile see the old baseline and overlay, never a half state.
 */
export class DeltaSync<D extends SequencedDelta> {
  private readonly sequence = new DeltaSequence();
  private pulling: Promise<void> | null = null;
  private buffer: D[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;
  readonly counters: DeltaSyncCounters = {
    applied: 0,
    duplicates: 0,
    resyncs: 0,
    repulls: 0,
    repullFailures: 0,
    dropped: 0,
  };

  constructor(private readonly options: DeltaSyncOptions<D>) {}

  get position(): DeltaPosition | null {
    return this.sequence.position;
  }

  /** Whether a re-pull is running (or waiting to retry). */
  get resyncing(): boolean {
    return this.pulling !== null || this.retryTimer !== null;
  }

  /** Sets the position of a baseline loaded outside a resync (the first load). */
  start(position: DeltaPosition | null): void {
    this.sequence.reset(position);
  }

  receive(delta: D): ReceiveOutcome {
    if (this.resyncing) {
      if (this.buffer.length >= (this.options.maxBuffered ?? 10_000)) {
        this.counters.dropped++;
        return 'dropped';
      }
      this.buffer.push(delta);
      return 'buffered';
    }
    const verdict = this.sequence.check(delta);
    switch (verdict.action) {
      case 'duplicate':
        this.counters.duplicates++;
        return 'duplicate';
      case 'current':
        this.sequence.advance(delta);
        return 'current';
      case 'resync':
        this.buffer.push(delta);
        void this.resync(verdict.reason);
        return 'resync';
      case 'apply':
        if (!this.options.apply(delta)) {
          this.buffer.push(delta);
          void this.resync('overlay full');
          return 'resync';
        }
        this.sequence.advance(delta);
        this.counters.applied++;
        return 'applied';
    }
  }

  /** Re-pulls the baseline once; a call while one runs joins it. */
  resync(reason: string): Promise<void> {
    if (this.pulling !== null) return this.pulling;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.counters.resyncs++;
    this.options.onResync?.(reason);
    const run = this.pull().finally(() => {
      if (this.pulling === run) this.pulling = null;
    });
    this.pulling = run;
    return run;
  }

  /** Stops retrying; deltas received afterwards are still checked but nothing is re-pulled. */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.buffer = [];
  }

  private async pull(): Promise<void> {
    this.counters.repulls++;
    let position: DeltaPosition | null;
    try {
      position = await this.options.repull();
    } catch (error) {
      this.counters.repullFailures++;
      this.options.onRepullFailed?.(error);
      if (!this.closed) {
        const delay = Math.min(30_000, (this.options.retryMs ?? 1_000) * 2 ** this.failures++);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.resync('retry');
        }, delay);
        this.retryTimer.unref();
      }
      return;
    }
    this.failures = 0;
    this.sequence.reset(position);
    const waiting = this.buffer;
    this.buffer = [];
    // Cleared first so a delta in the buffer that still shows a gap starts a new resync.
    this.pulling = null;
    for (const delta of waiting) this.receive(delta);
    this.options.onRepulled?.();
  }
}
