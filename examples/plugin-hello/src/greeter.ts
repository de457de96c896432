import type { Observation } from '@glia/core';

/**
 * Remembers which servers (ip, port, proto) have been seen, up to a bound; the pure part of the
 * plugin, tested on its own.
 */
export class ServerGreeter {
  private readonly seen = new Map<string, bigint>();
  evicted = 0;

  constructor(private readonly maxServers: number) {}

  /** True the first time a server is observed (again after it was evicted). */
  firstContact(o: Observation): boolean {
    const key = `${o.server}|${o.serverPort}|${o.proto}`;
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.maxServers) {
      // Map iteration order is insertion order: drop the oldest.
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
      this.evicted++;
    }
    this.seen.set(key, o.ts);
    return true;
  }

  /** When a server was first seen, if it still is remembered. */
  firstSeen(o: Observation): bigint | undefined {
    return this.seen.get(`${o.server}|${o.serverPort}|${o.proto}`);
  }
}
