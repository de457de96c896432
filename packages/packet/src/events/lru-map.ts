/**
 * A bounded map that forgets the least recently used entries when full, counting what it evicts.
 *
 * It is a two-generation approximation of LRU, chosen for the per-packet hot path: a hit in the
 * young generation is one Map lookup (an exact LRU would delete and re-insert on every hit). When
 * the young generation holds capacity/2 entries it becomes the old one and the previous old one is
 * dropped; entries used since are promoted, so an entry is evicted only after going unused for a
 * whole generation. At most `capacity` entries are held.
 */
export class LruMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError('LruMap capacity must be at least 2');
    this.generation = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Looks an entry up and marks it recently used. */
  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.insert(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (this.young.has(key)) {
      this.young.set(key, value);
      return;
    }
    this.old.delete(key);
    this.insert(key, value);
  }

  delete(key: K): boolean {
    return this.young.delete(key) || this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  private insert(key: K, value: V): void {
    if (this.young.size >= this.generation) {
      this.evictions += this.old.size;
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
