/** The links a node needs to sit in a RecencyList; owners extend it with their own fields. */
export interface RecencyNode<K> {
  readonly key: K;
  prev: this | null;
  next: this | null;
}

/**
 * Keys in the order they were last touched, least recent first: a Map for lookup plus an intrusive
 * doubly linked list for order. Not a plain Map used as a queue: V8 leaves deleted entries as holes
 * that iteration from the front must skip, so popping the oldest of a busy Map costs O(holes),
 * exactly the load a scan or a source flood produces. Nodes carry the owner's fields directly, so
 * a tracked key costs one object besides its Map entry.
 */
export class RecencyList<K, N extends RecencyNode<K>> {
  private readonly nodes = new Map<K, N>();
  private head: N | null = null;
  private tail: N | null = null;

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): N | undefined {
    return this.nodes.get(key);
  }

  /** The least recently touched node. */
  front(): N | null {
    return this.head;
  }

  /** The most recently touched node. */
  back(): N | null {
    return this.tail;
  }

  /** Adds a node whose key is not in the list, as the most recent. Its links are overwritten. */
  append(node: N): N {
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.nodes.set(node.key, node);
    return node;
  }

  moveToBack(node: N): void {
    if (node === this.tail) return;
    this.unlink(node);
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
  }

  remove(node: N): void {
    this.unlink(node);
    node.prev = null;
    node.next = null;
    this.nodes.delete(node.key);
  }

  private unlink(node: N): void {
    if (node.prev === null) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev;
    else node.next.prev = node.prev;
  }
}
