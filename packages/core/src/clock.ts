/**
 * Time for every TTL, window and rate. Live: the wall clock. Replay: the packet timestamps, so a
 * replay gives the answers live traffic gave.
 */
export interface Clock {
  /** Nanoseconds since the epoch. */
  now(): bigint;
  /** Milliseconds since the epoch (a float may lose sub-millisecond precision). */
  nowMs(): number;
  /**
   * Present on a clock that follows packet time (a replay): a capture calls it with each event's
   * time before publishing the event. Called through the interface (`clock.advance?.(ts)`), not
   * by `instanceof`, so a plugin built against its own copy of @glia/core works too.
   */
  advance?(ts: bigint): void;
}

export class WallClock implements Clock {
  now(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
  }
  nowMs(): number {
    return Date.now();
  }
}

/** Follows packet time; never goes backwards when captures interleave slightly out of order. */
export class PacketClock implements Clock {
  private current: bigint;

  constructor(start = 0n) {
    this.current = start;
  }

  advance(ts: bigint): void {
    if (ts > this.current) this.current = ts;
  }

  now(): bigint {
    return this.current;
  }

  nowMs(): number {
    return Number(this.current / 1_000_000n);
  }
}
