import type { BannedEdge, EnforcementBackend } from '@glia/core';
import type { BpfMap } from '@glia/libbpf';
import { edgeKey } from './edge-key.js';

/**
 * The observer's banned_edges map as an enforcement backend. Values are expiry times on the
 * kernel's monotonic clock (bpf_ktime_get_ns, which process.hrtime also reads): the programs stop
 * dropping an edge at its expiry by themselves, whatever user space is doing then.
 */
export class BannedEdgesMap implements EnforcementBackend {
  private entries: number;

  /**
   * `inUse` is the observer's bans_in_use array: the number of entries, which the programs read
   * first so that packets pay for no banned_edges lookup while there is no ban.
   */
  constructor(
    readonly name: string,
    private readonly map: BpfMap,
    private readonly inUse: BpfMap,
  ) {
    this.entries = this.size();
    this.publishCount();
  }

  install(edge: BannedEdge, ttlMs: number): void {
    const key = edgeKey(edge);
    const fresh = this.map.lookup(key) === undefined;
    const value = Buffer.alloc(8);
    value.writeBigUInt64LE(process.hrtime.bigint() + BigInt(Math.round(ttlMs * 1e6)));
    this.map.update(key, value);
    if (fresh) {
      this.entries++;
      this.publishCount();
    }
  }

  remove(edge: BannedEdge): boolean {
    const removed = this.map.delete(edgeKey(edge));
    if (removed) {
      this.entries--;
      this.publishCount();
    }
    return removed;
  }

  private publishCount(): void {
    const value = Buffer.alloc(4);
    value.writeUInt32LE(Math.max(0, this.entries));
    this.inUse.update(Buffer.alloc(4), value);
  }

  /** Entries in the map now (expired ones included until removed). */
  size(): number {
    let n = 0;
    for (const _ of this.map.keys()) n++;
    return n;
  }
}
