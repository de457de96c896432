import { BoundedLru } from '@glia/core';
import { JA4TS_MAX_SYNACKS } from './ja4ts-delays.js';

/**
 * A SYN-ACK more than this long after the previous one of the same 4-tuple starts a new history:
 * the port was reused. Linux gives up on a SYN-ACK after about 63 s of backoff.
 */
export const SYNACK_RETRANSMIT_HORIZON_NS = 120_000_000_000n;

/** SYN-ACK times per connection, for the JA4TS retransmission delays. Bounded LRU of connections. */
export class SynAckHistory {
  private readonly connections: BoundedLru<string, bigint[]>;

  constructor(maxConnections: number) {
    this.connections = new BoundedLru(maxConnections);
  }

  get size(): number {
    return this.connections.size;
  }

  get evictions(): number {
    return this.connections.evictions;
  }

  record(key: string, ts: bigint): void {
    const times = this.connections.get(key);
    if (times === undefined || ts - times[times.length - 1] > SYNACK_RETRANSMIT_HORIZON_NS) {
      this.connections.set(key, [ts]);
      return;
    }
    if (times.length < JA4TS_MAX_SYNACKS && !times.includes(ts)) times.push(ts);
  }

  /**
   * The SYN-ACK times of the connection up to and including `ts`, whether or not the SYN-ACK at
   * `ts` was recorded yet (observations may be resolved before or after the conn subscriber runs).
   */
  timesUpTo(key: string, ts: bigint): bigint[] {
    const earlier = (this.connections.peek(key) ?? []).filter(
      (t) => t < ts && ts - t <= SYNACK_RETRANSMIT_HORIZON_NS,
    );
    earlier.push(ts);
    return earlier;
  }

  clear(): void {
    this.connections.clear();
  }
}
