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

/** One address: its names, most recently resolved first, and its place in the recency list. */
interface AddressEntry {
  address: string;
  // Short (maxNamesPerIp), so an array beats a map.
  names: NameEntry[];
  older: AddressEntry | null;
  newer: AddressEntry | null;
}

/**
 * IP → the names it was resolved from, each with its record TTL, in packet time.
 *
 * The LRU is a Map for lookup plus a doubly linked recency list. A Map alone in recency order
 * (delete + set to touch, first key to evict) degrades badly: V8 leaves deleted slots in place and
 * finding the first live key walks them, which made evicting at 100 000 entries run at ~4 000
 * inserts/s under a flood of new addresses. lru-cache was not used: its TTLs follow
 * performance.now(), never packet time, and the store needs per-name expiry inside each address.
 */
export class FqdnStore {
  private readonly entries = new Map<string, AddressEntry>();
  private oldest: AddressEntry | null = null;
  private newest: AddressEntry | null = null;

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
    const fresh: NameEntry = { name, expiresAt: now + seconds * 1000 };
    const entry = this.entries.get(address);
    if (entry === undefined) {
      this.makeRoom(now);
      const created: AddressEntry = { address, names: [fresh], older: null, newer: null };
      this.entries.set(address, created);
      this.link(created);
    } else {
      const names = entry.names;
      this.dropExpired(names, now);
      const at = names.findIndex((n) => n.name === name);
      if (at >= 0) names.splice(at, 1);
      names.unshift(fresh);
      if (names.length > this.limits.maxNamesPerIp) {
        this.counters.evictedNames.inc(names.length - this.limits.maxNamesPerIp);
        names.length = this.limits.maxNamesPerIp;
      }
      this.touch(entry);
    }
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
    this.oldest = null;
    this.newest = null;
  }

  /** The live names of an address, marked recently used, with expired names removed. */
  private current(address: string): NameEntry[] | undefined {
    const entry = this.entries.get(address);
    if (entry === undefined) return undefined;
    if (this.dropExpired(entry.names, this.clock.nowMs()) === 0) {
      this.remove(entry);
      return undefined;
    }
    this.touch(entry);
    return entry.names;
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
    for (let sweep = 0; sweep < 2 && this.oldest !== null; sweep++) {
      if (this.dropExpired(this.oldest.names, now) > 0) break;
      this.remove(this.oldest);
    }
    while (this.entries.size >= this.limits.maxEntries && this.oldest !== null) {
      this.remove(this.oldest);
      this.counters.evictedEntries.inc();
    }
  }

  private link(entry: AddressEntry): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest !== null) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: AddressEntry): void {
    if (entry.older !== null) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }

  private touch(entry: AddressEntry): void {
    if (this.newest === entry) return;
    this.unlink(entry);
    this.link(entry);
  }

  private remove(entry: AddressEntry): void {
    this.unlink(entry);
    this.entries.delete(entry.address);
  }
}
