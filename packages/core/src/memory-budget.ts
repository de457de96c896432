/**
 * The stores `limits.memory_mb` is divided among, and the percentage of it each gets. `runtime` is
 * not handed out: it is what Node, the code, the bus, I/O buffers and V8's young generation take
 * whatever the traffic. `plugins` is what a third-party plugin's store may take (all of them share it).
 * docs/performance.md ("Memory budget") lists the same table with what each store holds.
 */
export const MEMORY_SHARES = {
  runtime: 30,
  /** The capture-event logic's flow table (user-space capture backends: pcap replay, AF_PACKET). */
  flow_table: 12,
  /** The flow enricher's per-source windows (sources and their connections, ports, destinations). */
  flow: 20,
  /** The fqdn enricher's address → names store. */
  fqdn: 8,
  /** The ja4t enricher's per-node fingerprints and SYN-ACK histories. */
  ja4t: 6,
  /** The tls enricher's hellos being reassembled and facts per connection and edge. */
  tls: 6,
  /** The identity enricher's overlay over its baseline and its lookup cache. */
  identity: 6,
  /** The services enricher's per-server-port detections. */
  services: 4,
  /** The policy stage's verdict dedup. */
  verdict_dedup: 4,
  plugins: 4,
} as const;

export type MemoryStore = Exclude<keyof typeof MEMORY_SHARES, 'runtime'>;

export const DEFAULT_MEMORY_MB = 150;
const MB = 1024 * 1024;

/**
 * The agent's memory budget (`limits.memory_mb`) and each store's share of it in bytes. A store
 * turns its share into entry caps with its own cost per entry, measured and documented beside it
 * (`entriesFor`), and counts what it evicts at the cap. Caps a config sets explicitly win.
 */
export class MemoryBudget {
  readonly totalBytes: number;

  constructor(readonly memoryMb: number = DEFAULT_MEMORY_MB) {
    if (!(memoryMb > 0)) throw new RangeError(`limits.memory_mb must be positive, not ${memoryMb}`);
    this.totalBytes = memoryMb * MB;
  }

  /** The bytes a store may hold. */
  bytes(store: MemoryStore): number {
    return Math.floor((this.totalBytes * MEMORY_SHARES[store]) / 100);
  }

  /**
   * How many entries of `bytesPerEntry` fit in `fraction` (default all) of a store's share: at
   * least `min`, so a tiny budget still leaves every store working.
   */
  entriesFor(store: MemoryStore, bytesPerEntry: number, fraction = 1, min = 16): number {
    return Math.max(min, Math.floor((this.bytes(store) * fraction) / bytesPerEntry));
  }
}
