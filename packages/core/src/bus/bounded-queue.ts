/**
 * A bounded queue in front of a slow asynchronous consumer (network upload, disk). The hot path
 * calls push() synchronously; when the queue is full the item is dropped and counted, never
 * awaited. One drain loop at a time hands batches to the consumer.
 */
export interface BoundedQueueOptions<T> {
  capacity: number;
  /** Largest batch handed to the consumer at once. */
  batchSize?: number;
  consume: (batch: T[]) => Promise<void>;
  onError?: (error: unknown) => void;
}

export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private draining: Promise<void> | null = null;
  private closed = false;
  dropped = 0;
  accepted = 0;
  consumed = 0;
  failedBatches = 0;

  constructor(private readonly options: BoundedQueueOptions<T>) {
    if (!(options.capacity > 0)) throw new RangeError('BoundedQueue capacity must be positive');
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Returns false (and counts a drop) when the queue is full or closed. */
  push(item: T): boolean {
    if (this.closed || this.size >= this.options.capacity) {
      this.dropped++;
      return false;
    }
    this.items.push(item);
    this.accepted++;
    if (this.draining === null) this.draining = this.drain();
    return true;
  }

  /** Waits until everything accepted so far has been handed to the consumer. */
  async flush(): Promise<void> {
    while (this.draining !== null) await this.draining;
  }

  /** Refuses new items, then drains what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async drain(): Promise<void> {
    // Let the publisher finish its synchronous burst before the first batch is taken.
    await Promise.resolve();
    const batchSize = this.options.batchSize ?? 256;
    try {
      while (this.size > 0) {
        const end = Math.min(this.items.length, this.head + batchSize);
        const batch = this.items.slice(this.head, end);
        this.head = end;
        if (this.head > 4096 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        try {
          await this.options.consume(batch);
          this.consumed += batch.length;
        } catch (error) {
          this.failedBatches++;
          this.options.onError?.(error);
        }
      }
    } finally {
      this.draining = null;
    }
  }
}
