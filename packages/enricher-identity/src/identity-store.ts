import { BoundedLru } from '@glia/core';
import { IdentityBaseline } from './mmdb/identity-mmdb.js';
import type { IdentityDelta } from './overlay/identity-delta.js';
import { IdentityOverlay } from './overlay/identity-overlay.js';
import type { IdentityRecord } from './record/identity-record.js';

export interface IdentityStoreLimits {
  /** Addresses whose identity is cached. */
  cacheSize: number;
  /** Overlay entries; a delta that would pass it asks for a resync instead. */
  maxOverlay: number;
}

interface Cached {
  generation: number;
  record: IdentityRecord | null;
}

export interface IdentityStoreCounters {
  lookups: number;
  cacheHits: number;
  overlayHits: number;
  baselineHits: number;
}

/**
 * IP → identity: the overlay of deltas over the baseline MMDB, with the answer cached per address.
 * A host delta forgets just the addresses it touched; a network delta or a new baseline moves
 * the generation, which makes every cached answer stale at once (no walk over the cache).
 */
export class IdentityStore {
  private baselineNow: IdentityBaseline;
  private readonly overlay = new IdentityOverlay();
  private readonly cache: BoundedLru<string, Cached>;
  private generation = 0;
  readonly counters: IdentityStoreCounters = { lookups: 0, cacheHits: 0, overlayHits: 0, baselineHits: 0 };

  constructor(
    private readonly limits: IdentityStoreLimits,
    baseline: IdentityBaseline = IdentityBaseline.empty(),
  ) {
    this.baselineNow = baseline;
    this.cache = new BoundedLru(limits.cacheSize);
  }

  get baseline(): IdentityBaseline {
    return this.baselineNow;
  }

  get overlaySize(): number {
    return this.overlay.size;
  }

  get cacheEvictions(): number {
    return this.cache.evictions;
  }

  /** The identity of an address in canonical text, or null when nothing names it. */
  lookup(ip: string): IdentityRecord | null {
    this.counters.lookups++;
    const cached = this.cache.get(ip);
    if (cached !== undefined && cached.generation === this.generation) {
      this.counters.cacheHits++;
      return cached.record;
    }
    const record = this.resolve(ip);
    this.cache.set(ip, { generation: this.generation, record });
    return record;
  }

  /** Swaps in a new baseline and drops the overlay, as one step between two lookups. */
  replaceBaseline(baseline: IdentityBaseline | null): void {
    if (baseline !== null) this.baselineNow = baseline;
    this.overlay.clear();
    this.generation++;
  }

  /** Applies a delta to the overlay; false (and nothing applied) when it would pass maxOverlay. */
  applyDelta(delta: IdentityDelta): boolean {
    if (this.overlay.size + delta.upserts.length + delta.removes.length > this.limits.maxOverlay)
      return false;
    const touched = this.overlay.apply(delta);
    for (const key of touched) {
      if (key.includes('/')) {
        this.generation++;
        break;
      }
      this.cache.delete(key);
    }
    return true;
  }

  private resolve(ip: string): IdentityRecord | null {
    const fromOverlay = this.overlay.lookup(ip);
    if (fromOverlay !== undefined) {
      this.counters.overlayHits++;
      return fromOverlay.record;
    }
    const match = this.baselineNow.lookup(ip);
    if (match !== null) this.counters.baselineHits++;
    return match?.record ?? null;
  }
}
