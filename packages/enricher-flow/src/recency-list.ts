export interface RecencyNode<K, V> {
  readonly key: K;
  value: V;
  prev: RecencyNode<K, V> | null;
  next: RecencyNode<K, V> | null;
}

/**
 * Keys in the order they were last touched, least recent first: a Map for lookup plus a doubly
 * linked list for order. Not a plain Map used as a queue: V8 leaves deleted entries as holes that
 * iteration from the front must skip, so popping the oldest of a busy Map costs O(holes), which
 * is exactly the load a scan or a source flood produces.
 */
export class RecencyList<K, V> {
  private readonly nodes = new Map<K, RecencyNode<K, V>>();
  private head: RecencyNode<K, V> | null = null;
  private tail: RecencyNode<K, V> | null = null;

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): RecencyNode<K, V> | undefined {
    return this.nodes.get(key);
  }

  /** The least recently touched node. */
  front(): RecencyNode<K, V> | null {
    return this.head;
  }

  /** The most recently touched node. */
  back(): RecencyNode<K, V> | null {
    return this.tail;
  }

  /** Adds a key that is not in the list, as the most recent. */
  append(key: K, value: V): RecencyNode<K, V> {
    const node: RecencyNode<K, V> = { key, value, prev: this.tail, next: null };
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.nodes.set(key, node);
    return node;
  }

  moveToBack(node: RecencyNode<K, V>): void {
    if (node === this.tail) return;
    this.unlink(node);
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
  }

  remove(node: RecencyNode<K, V>): void {
    this.unlink(node);
    node.prev = null;
    node.next = null;
    this.nodes.delete(node.key);
  }

  private unlink(node: RecencyNode<K, V>): void {
    if (node.prev === null) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev;
    else node.next.prev = node.prev;
  }
}
