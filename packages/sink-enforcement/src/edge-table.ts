import type { BannedEdge } from '@glia/core';

export interface BanEntry {
  edge: BannedEdge;
  ruleIds: string[];
  /** Clock milliseconds when the ban was first installed, and when it ends. */
  since: number;
  expiresAt: number;
  /** False when no kernel backend was there: a would-drop, recorded only. */
  installed: boolean;
}

export function banKey(edge: BannedEdge): string {
  return `${edge.client}>${edge.server}:${edge.port}/${edge.proto}`;
}

/**
 * The bans in force, by edge, with their expiry in clock milliseconds. Pure bookkeeping: the sink
 * mirrors every change into the kernel backends and the audit trail. Bounded: a ban past
 * `capacity` is refused, never evicting one in force.
 */
export class EdgeTable {
  private readonly entries = new Map<string, BanEntry>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(edge: BannedEdge): BanEntry | undefined {
    return this.entries.get(banKey(edge));
  }

  /**
   * Adds a ban or extends one in force (never shortens it). Returns the entry and whether it is new,
   * or null when the table is full.
   */
  put(
    edge: BannedEdge,
    ruleIds: string[],
    now: number,
    ttlMs: number,
    installed: boolean,
  ): { entry: BanEntry; fresh: boolean } | null {
    const key = banKey(edge);
    const current = this.entries.get(key);
    if (current !== undefined) {
      current.expiresAt = Math.max(current.expiresAt, now + ttlMs);
      for (const id of ruleIds) if (!current.ruleIds.includes(id)) current.ruleIds.push(id);
      current.installed = current.installed || installed;
      return { entry: current, fresh: false };
    }
    if (this.entries.size >= this.capacity) return null;
    const entry: BanEntry = {
      edge: { ...edge },
      ruleIds: [...ruleIds],
      since: now,
      expiresAt: now + ttlMs,
      installed,
    };
    this.entries.set(key, entry);
    return { entry, fresh: true };
  }

  remove(edge: BannedEdge): BanEntry | undefined {
    const key = banKey(edge);
    const entry = this.entries.get(key);
    if (entry !== undefined) this.entries.delete(key);
    return entry;
  }

  /** Removes and returns every ban whose expiry is at or before now. */
  expire(now: number): BanEntry[] {
    const out: BanEntry[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        out.push(entry);
      }
    }
    return out;
  }

  list(): BanEntry[] {
    return [...this.entries.values()];
  }
}
