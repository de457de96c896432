import { formatIPv4 } from './ip.js';

/**
 * One string per IPv4 address rather than one per flow or record: a busy server is an endpoint of
 * most flows, and downstream lookups by address then compare the same string. Bounded: the cache
 * starts over when it holds `capacity` addresses (cheaper than LRU upkeep on the packet path, and a
 * miss only costs one formatting).
 */
export class Ipv4TextCache {
  private readonly texts = new Map<number, string>();

  constructor(private readonly capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`Ipv4TextCache capacity must be a positive integer, got ${capacity}`);
  }

  /** The dotted-quad text of `address` (an unsigned 32-bit value). */
  text(address: number): string {
    let text = this.texts.get(address);
    if (text === undefined) {
      text = formatIPv4(address);
      if (this.texts.size >= this.capacity) this.texts.clear();
      this.texts.set(address, text);
    }
    return text;
  }

  get size(): number {
    return this.texts.size;
  }
}
