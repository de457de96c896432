import type { BannedEdge, EnforcementBackend } from '@glia/core';
import type { BpfMap } from '@glia/libbpf';
import { edgeKey } from './edge-key.js';

/**
 * The observer's banned_edges map as an enforcement backend. Values are expiry times on the
 * kernel's monotonic clock (bpf_ktime_get_ns, which process.hrtime also reads): the programs stop
 * dropping an edge at its expiry by themselves, whatever user space is doing then.
 */
export class BannedEdgesMap implements EnforcementBackend {
  constructor(
    readonly name: string,
    private readonly map: BpfMap,
  ) {}

  install(edge: BannedEdge, ttlMs: number): void {
    const value = Buffer.alloc(8);
    value.writeBigUInt64LE(process.hrtime.bigint() + BigInt(Math.round(ttlMs * 1e6)));
    this.map.update(edgeKey(edge), value);
  }

  remove(edge: BannedEdge): boolean {
    return this.map.delete(edgeKey(edge));
  }

  /** Entries in the map now (expired ones included until removed). */
  size(): number {
    let n = 0;
    for (const _ of this.map.keys()) n++;
    return n;
  }
}
