interface Node<K, V> {
  key: K;
  value: V;
  older: Node<K, V> | null;
  younger: Node<K, V> | null;
}

/**
 * A least-recently-used map with a fixed capacity: get() and set() make a key the youngest, and
 * the oldest key is evicted when a new one would overflow. Evictions are counted so the owner can
 * report them.
 *
 * Recency is an intrusive doubly linked list beside a Map, so every operation is O(1) at any size.
 * (Keeping recency in a Map's insertion order by delete and re-insert is not: V8 leaves deleted
 * slots in place and finding the oldest key walks them, which measured 48 000 ops/s at 100 000
 * entries against 1.7 M at 1 000.)
 */
export class BoundedLru<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private oldest: Node<K, V> | null = null;
  private youngest: Node<K, V> | null = null;
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError('BoundedLru capacity must be a positive integer');
  }

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    this.touch(node);
    return node.value;
  }

  /** The value without refreshing its age. */
  peek(key: K): V | undefined {
    return this.nodes.get(key)?.value;
  }

  set(key: K, value: V): void {
    const existing = this.nodes.get(key);
    if (existing !== undefined) {
      existing.value = value;
      this.touch(existing);
      return;
    }
    let node: Node<K, V>;
    if (this.nodes.size >= this.capacity && this.oldest !== null) {
      // The evicted node carries the new key: a full LRU churns one node per insert, and a node
      // that lived that long has reached V8's old generation, where garbage costs a full GC.
      node = this.oldest;
      this.unlink(node);
      this.nodes.delete(node.key);
      this.evictions++;
      node.key = key;
      node.value = value;
    } else {
      node = { key, value, older: null, younger: null };
    }
    this.nodes.set(key, node);
    this.append(node);
  }

  delete(key: K): boolean {
    const node = this.nodes.get(key);
    if (node === undefined) return false;
    this.unlink(node);
    return this.nodes.delete(key);
  }

  clear(): void {
    this.nodes.clear();
    this.oldest = null;
    this.youngest = null;
  }

  private touch(node: Node<K, V>): void {
    if (node === this.youngest) return;
    this.unlink(node);
    this.append(node);
  }

  private append(node: Node<K, V>): void {
    node.older = this.youngest;
    node.younger = null;
    if (this.youngest !== null) this.youngest.younger = node;
    this.youngest = node;
    if (this.oldest === null) this.oldest = node;
  }

  private unlink(node: Node<K, V>): void {
    if (node.older !== null) node.older.younger = node.younger;
    else this.oldest = node.younger;
    if (node.younger !== null) node.younger.older = node.older;
    else this.youngest = node.older;
    node.older = null;
    node.younger = null;
  }
}
