/** One event of the control-plane stream, serialized once for every connection. */
export interface StreamEvent {
  /** `<epoch>:<n>`: n counts the events of this epoch. */
  id: string;
  n: number;
  name: string;
  data: string;
}

/**
 * The last events of this epoch, bounded, so an agent that reconnects with Last-Event-ID gets what
 * it missed. Older positions, or another epoch's, cannot be replayed: the heads sent on every
 * connection then tell the agent to resync.
 */
export class EventHistory {
  private readonly ring: StreamEvent[] = [];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {}

  push(event: StreamEvent): void {
    if (this.count < this.capacity) {
      this.ring.push(event);
      this.count++;
    } else {
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Events after n, or null when n is not covered (too old, or ahead of what was sent). */
  after(n: number, latest: number): StreamEvent[] | null {
    if (n === latest) return [];
    if (n > latest || this.count === 0) return null;
    const oldest = this.ring[this.start].n;
    if (n < oldest - 1) return null;
    const out: StreamEvent[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(this.start + i) % this.capacity];
      if (e.n > n) out.push(e);
    }
    return out;
  }
}
