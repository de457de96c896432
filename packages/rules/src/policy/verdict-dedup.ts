/** DESIGN §4: the same (edge, action, matched rules) within this much packet time yields one verdict. */
export const VERDICT_WINDOW_NS = 60_000_000_000n;
export const DEFAULT_DEDUP_CAPACITY = 100_000;

/**
 * Remembers when each verdict key was last published, in packet time, with bounded memory. The
 * Map is kept in order of publication, so at the cap the key published longest ago is evicted
 * (and counted): it is the first whose window runs out anyway, and suppressing a repeat costs
 * one lookup, no re-insertion. An evicted key simply yields a verdict again next time.
 */
export class VerdictDedup {
  /** key → end of its window (publication time + window), so a repeat costs no BigInt arithmetic. */
  private readonly published = new Map<string, bigint>();
  evictions = 0;

  constructor(
    private readonly windowNs: bigint = VERDICT_WINDOW_NS,
    private readonly capacity: number = DEFAULT_DEDUP_CAPACITY,
  ) {
    if (capacity < 1) throw new RangeError('dedup capacity must be at least 1');
  }

  get size(): number {
    return this.published.size;
  }

  /**
   * True when a verdict for key at ts should be published (and records it). Packet time may step
   * back a little when captures interleave; such a verdict counts as inside the window.
   */
  admit(key: string, ts: bigint): boolean {
    const windowEnd = this.published.get(key);
    if (windowEnd !== undefined) {
      if (ts < windowEnd) return false;
      this.published.delete(key);
    } else if (this.published.size >= this.capacity) {
      const oldest = this.published.keys().next().value as string;
      this.published.delete(oldest);
      this.evictions++;
    }
    this.published.set(key, ts + this.windowNs);
    return true;
  }

  clear(): void {
    this.published.clear();
  }
}
