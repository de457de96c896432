interface Entry {
  /** Last time the key was seen, ns of packet time. */
  ts: bigint;
  /** A number the owner attaches to the key (a connection's port); handed back when it is forgotten. */
  tag: number;
}

const NONE = -1n;

/**
 * A capped map of keys to the last time each was seen, kept oldest first (a JavaScript Map keeps
 * insertion order, and a key seen again is re-inserted at the back). Expiry pops from the front;
 * a full map forgets its least recently seen key to make room.
 */
export class RecencyMap<K> {
  private readonly entries = new Map<K, Entry>();
  /**
   * A lower bound of the front entry's time, so expire() can skip iterating (which allocates) when
   * nothing can be due: the common case on the hot path.
   */
  private earliest = NONE;
  evictions = 0;

  constructor(
    private readonly cap: number,
    private readonly onForget?: (tag: number) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records a sighting; true when the key is new to the window. Repeating a sighting is a no-op. */
  touch(key: K, ts: bigint, tag = 0): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.cap) this.evictOldest();
      this.entries.set(key, { ts, tag });
      if (this.earliest === NONE || ts < this.earliest) this.earliest = ts;
      return true;
    }
    if (ts > entry.ts) {
      entry.ts = ts;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return false;
  }

  /**
   * Forgets every key last seen at or before the cutoff. Packets slightly out of order can leave an
   * older key behind a newer one; it then goes as soon as the keys in front of it do.
   */
  expire(cutoff: bigint): void {
    if (this.earliest === NONE || this.earliest > cutoff) return;
    this.earliest = NONE;
    for (const [key, entry] of this.entries) {
      if (entry.ts > cutoff) {
        this.earliest = entry.ts;
        break;
      }
      this.entries.delete(key);
      this.onForget?.(entry.tag);
    }
  }

  private evictOldest(): void {
    const first = this.entries.entries().next();
    if (first.done === true) return;
    const [key, entry] = first.value;
    this.entries.delete(key);
    this.evictions++;
    this.onForget?.(entry.tag);
    // The new front is no older than the evicted one, so `earliest` stays a valid lower bound.
  }
}
