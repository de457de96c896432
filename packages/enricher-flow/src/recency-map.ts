import { RecencyList, type RecencyNode } from './recency-list.js';

interface Sighting<K> extends RecencyNode<K> {
  /** Mutable here: a forgotten node is reused for the next new key. */
  key: K;
  /** Last time the key was seen (the owner's time unit). */
  ts: number;
  /** A number the owner attaches to the key (a connection's port); handed back when it is forgotten. */
  tag: number;
}

/**
 * A capped set of keys with the last time each was seen, oldest first. Expiry pops from the
 * front; a full set forgets its least recently seen key to make room (counted in `evictions`).
 */
export class RecencyMap<K> {
  private readonly list = new RecencyList<K, Sighting<K>>();
  /**
   * The node forgotten last, reused by the next new key: a full map forgets one key for each new
   * one, and without reuse every connection of a busy source leaves a node behind that lived long
   * enough to reach the old generation.
   */
  private spare: Sighting<K> | null = null;
  evictions = 0;

  constructor(
    private readonly cap: number,
    private readonly onForget?: (tag: number) => void,
  ) {}

  get size(): number {
    return this.list.size;
  }

  /** Records a sighting; true when the key is new to the window. Repeating a sighting is a no-op. */
  touch(key: K, ts: number, tag = 0): boolean {
    const node = this.list.get(key);
    if (node === undefined) {
      if (this.list.size >= this.cap) this.forgetFront(true);
      const spare = this.spare;
      if (spare === null) {
        this.list.append({ key, ts, tag, prev: null, next: null });
      } else {
        this.spare = null;
        spare.key = key;
        spare.ts = ts;
        spare.tag = tag;
        this.list.append(spare);
      }
      return true;
    }
    if (ts > node.ts) {
      node.ts = ts;
      this.list.moveToBack(node);
    }
    return false;
  }

  /**
   * Forgets every key last seen at or before the cutoff. Packets slightly out of order can leave an
   * older key behind a newer one; it then goes as soon as the keys in front of it do.
   */
  expire(cutoff: number): void {
    for (let front = this.list.front(); front !== null && front.ts <= cutoff; front = this.list.front()) {
      this.forgetFront(false);
    }
  }

  private forgetFront(evicted: boolean): void {
    const front = this.list.front();
    if (front === null) return;
    this.list.remove(front);
    if (evicted) this.evictions++;
    this.onForget?.(front.tag);
    this.spare = front;
  }
}
