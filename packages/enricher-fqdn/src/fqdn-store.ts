import { Counter, type Clock } from '@glia/core';

export interface FqdnStoreLimits {
  /** Addresses kept; the least recently used one goes first. */
  maxEntries: number;
  /** Names kept per address; the least recently resolved one goes first. */
  maxNamesPerIp: number;
  /** Record TTLs are raised to this many seconds... */
  minTtl: number;
  /** ...and lowered to this many. */
  maxTtl: number;
}

/** The store's counters: metric series of the plugin, or free-standing ones. */
export interface FqdnStoreCounters {
  /** IP → name mappings written (new or refreshed). */
  stored: Counter;
  /** Addresses evicted because the store was full. */
  evictedEntries: Counter;
  /** Names dropped because their address had maxNamesPerIp newer ones. */
  evictedNames: Counter;
  /** Names dropped because their TTL ran out in packet time. */
  expiredNames: Counter;
}

export function freeCounters(): FqdnStoreCounters {
  return {
    stored: new Counter({}),
    evictedEntries: new Counter({}),
    evictedNames: new Counter({}),
    expiredNames: new Counter({}),
  };
}

interface NameEntry {
  name: string;
  /** Packet time in milliseconds. */
  expiresAt: number;
}

/**
 * IP → the names it was resolved from, each with its record TTL, in packet time.
 *
 * A Map in recency order is the LRU (delete + set moves an entry to the end; the first key is the
 * eldest). lru-cache was not used: its TTLs follow performance.now(), never packet time, and the
 * store needs per-name expiry inside each address entry anyway.
 */
export class FqdnStore {
  // Names of one address, most recently resolved first; short (maxNamesPerIp), so arrays beat maps.
  private readonly entries = new Map<string, NameEntry[]>();

  constructor(
    private readonly limits: FqdnStoreLimits,
    private readonly clock: Clock,
    readonly counters: FqdnStoreCounters = freeCounters(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Records that `name` resolved to `address` with a record TTL of `ttl` seconds, now. */
  add(address: string, name: string, ttl: number): void {
    if (name === '') return;
    const now = this.clock.nowMs();
    const seconds = Math.min(Math.max(ttl, this.limits.minTtl), this.limits.maxTtl);
    const entry: NameEntry = { name, expiresAt: now + seconds * 1000 };
    let names = this.entries.get(address);
    if (names === undefined) {
      names = [entry];
      this.makeRoom(now);
    } else {
      this.entries.delete(address);
      this.dropExpired(names, now);
      const at = names.findIndex((n) => n.name === name);
      if (at >= 0) names.splice(at, 1);
      names.unshift(entry);
      if (names.length > this.limits.maxNamesPerIp) {
        this.counters.evictedNames.inc(names.length - this.limits.maxNamesPerIp);
        names.length = this.limits.maxNamesPerIp;
      }
    }
    this.entries.set(address, names);
    this.counters.stored.inc();
  }

  /**
   * Records a resolution: `names` from the head of a CNAME chain to the address record's owner,
   * `ttls` in seconds for each. The head is written last so it becomes the most recent name.
   */
  addChain(address: string, names: readonly string[], ttls: readonly number[]): void {
    for (let i = names.length - 1; i >= 0; i--) this.add(address, names[i], ttls[i]);
  }

  /** The name most recently resolved to `address` that has not expired. */
  latest(address: string): string | undefined {
    const names = this.current(address);
    return names === undefined ? undefined : names[0].name;
  }

  /** All unexpired names of `address`, most recently resolved first (a fresh array). */
  names(address: string): string[] {
    const names = this.current(address);
    return names === undefined ? [] : names.map((n) => n.name);
  }

  clear(): void {
    this.entries.clear();
  }

  /** The live names of an address, refreshed in the LRU, with expired names removed. */
  private current(address: string): NameEntry[] | undefined {
    const names = this.entries.get(address);
    if (names === undefined) return undefined;
    const live = this.dropExpired(names, this.clock.nowMs());
    this.entries.delete(address);
    if (live === 0) return undefined;
    this.entries.set(address, names);
    return names;
  }

  /** Removes expired names in place; returns how many are left. */
  private dropExpired(names: NameEntry[], now: number): number {
    let kept = 0;
    for (let i = 0; i < names.length; i++) if (names[i].expiresAt > now) names[kept++] = names[i];
    if (kept < names.length) this.counters.expiredNames.inc(names.length - kept);
    names.length = kept;
    return kept;
  }

  /**
   * Before a new address goes in: drop the eldest entries if they have fully expired (cheap
   * housekeeping, so dead entries do not wait for capacity pressure), then evict to stay in bounds.
   */
  private makeRoom(now: number): void {
    for (let sweep = 0; sweep < 2; sweep++) {
      const eldest = this.entries.entries().next();
      if (eldest.done === true) break;
      const [address, names] = eldest.value;
      if (this.dropExpired(names, now) > 0) break;
      this.entries.delete(address);
    }
    while (this.entries.size >= this.limits.maxEntries) {
      const eldest = this.entries.keys().next();
      if (eldest.done === true) break;
      this.entries.delete(eldest.value);
      this.counters.evictedEntries.inc();
    }
  }
}
