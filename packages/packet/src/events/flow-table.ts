import type { DecodedPacket } from '../decode/decoded.js';
import { FlowState } from './flow-state.js';

/**
 * The flow states of the capture-event logic, looked up per packet without building a string key:
 * a 31-bit hash of the canonical tuple indexes a Map, colliding flows chain through
 * FlowState.next, and the tuple is compared field by field.
 *
 * Bounded as a two-generation approximation of LRU, which keeps a hit to one Map lookup on the
 * per-packet hot path: two generations of at most capacity/2 flows each; a hit in the old
 * generation moves the flow to the young one, and when the young one is full the old one is
 * dropped (its flows counted as evictions).
 */
export class FlowTable {
  private young = new Map<number, FlowState>();
  private old = new Map<number, FlowState>();
  private youngCount = 0;
  private oldCount = 0;
  private readonly generation: number;
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError('FlowTable capacity must be at least 2');
    this.generation = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.youngCount + this.oldCount;
  }

  /** The state of the packet's flow; `srcIsLo` says which endpoint of the packet is the canonical "lo". */
  find(hash: number, p: DecodedPacket, srcIsLo: boolean): FlowState | undefined {
    for (let s = this.young.get(hash); s !== undefined; s = s.next ?? undefined)
      if (s.matches(p, srcIsLo)) return s;
    let prev: FlowState | undefined;
    for (let s = this.old.get(hash); s !== undefined; prev = s, s = s.next ?? undefined) {
      if (!s.matches(p, srcIsLo)) continue;
      if (prev === undefined) {
        if (s.next === null) this.old.delete(hash);
        else this.old.set(hash, s.next);
      } else {
        prev.next = s.next;
      }
      this.oldCount--;
      this.insert(hash, s);
      return s;
    }
    return undefined;
  }

  insert(hash: number, state: FlowState): void {
    if (this.youngCount >= this.generation) {
      this.evictions += this.oldCount;
      this.old = this.young;
      this.oldCount = this.youngCount;
      this.young = new Map();
      this.youngCount = 0;
    }
    state.next = this.young.get(hash) ?? null;
    this.young.set(hash, state);
    this.youngCount++;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
    this.youngCount = 0;
    this.oldCount = 0;
  }
}

/** Mixes one 32-bit word into a running hash (murmur3's round). */
export function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x7fffffff;
}
