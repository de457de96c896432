import { JA4TS_MAX_SYNACKS } from './ja4ts-delays.js';

/**
 * A SYN-ACK more than this long after the previous one of the same 4-tuple starts a new history:
 * the port was reused. Linux gives up on a SYN-ACK after about 63 s of backoff.
 */
export const SYNACK_RETRANSMIT_HORIZON_NS = 120_000_000_000n;

/** A connection as the SYN-ACK's sender (the server) sees it. */
export interface SynAckConnection {
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

const EMPTY = -1;

/**
 * SYN-ACK times per connection, for the JA4TS retransmission delays, in a fixed table of
 * `capacity` connections: the oldest connection recorded is forgotten first (counted in
 * `evictions`). Every connection with a SYN-ACK gets an entry, and most are never looked at again,
 * so the table allocates nothing per entry: the connection's parts sit in parallel arrays (the
 * address strings are the events' own), chained from a hash table, and the times of the rare
 * retransmitted SYN-ACKs in a side map.
 */
export class SynAckHistory {
  private readonly srcs: string[];
  private readonly dsts: string[];
  private readonly ports: Int32Array;
  private readonly hashes: Int32Array;
  /** First SYN-ACK time of each entry. */
  private readonly firsts: bigint[];
  /** Later SYN-ACK times of an entry, when it had any (retransmissions). */
  private readonly later = new Map<number, bigint[]>();
  /** Bucket heads (entry number, EMPTY) and each entry's next in its bucket. */
  private readonly buckets: Int32Array;
  private readonly chain: Int32Array;
  /** The entry written next: entries are reused oldest first. */
  private cursor = 0;
  private count = 0;
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError('SynAckHistory capacity must be a positive integer');
    this.srcs = new Array<string>(capacity).fill('');
    this.dsts = new Array<string>(capacity).fill('');
    this.ports = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.firsts = new Array<bigint>(capacity).fill(0n);
    this.chain = new Int32Array(capacity).fill(EMPTY);
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.buckets = new Int32Array(size).fill(EMPTY);
  }

  get size(): number {
    return this.count;
  }

  record(c: SynAckConnection, ts: bigint): void {
    const hash = connectionHash(c);
    const e = this.find(c, hash);
    if (e === EMPTY) {
      this.insert(c, hash, ts);
      return;
    }
    const more = this.later.get(e);
    const last = more === undefined ? this.firsts[e] : more[more.length - 1];
    if (ts - last > SYNACK_RETRANSMIT_HORIZON_NS) {
      // The port was reused: a new history.
      this.firsts[e] = ts;
      this.later.delete(e);
      return;
    }
    if (ts === this.firsts[e] || more?.includes(ts) === true) return;
    if (1 + (more?.length ?? 0) >= JA4TS_MAX_SYNACKS) return;
    if (more === undefined) this.later.set(e, [ts]);
    else more.push(ts);
  }

  /**
   * The SYN-ACK times of the connection up to and including `ts`, whether or not the SYN-ACK at
   * `ts` was recorded yet (observations may be resolved before or after the conn subscriber runs).
   */
  timesUpTo(c: SynAckConnection, ts: bigint): bigint[] {
    const e = this.find(c, connectionHash(c));
    const out: bigint[] = [];
    if (e !== EMPTY) {
      const first = this.firsts[e];
      if (first < ts && ts - first <= SYNACK_RETRANSMIT_HORIZON_NS) out.push(first);
      for (const t of this.later.get(e) ?? [])
        if (t < ts && ts - t <= SYNACK_RETRANSMIT_HORIZON_NS) out.push(t);
    }
    out.push(ts);
    return out;
  }

  private find(c: SynAckConnection, hash: number): number {
    const ports = (c.sport << 16) | c.dport;
    for (let e = this.buckets[hash & (this.buckets.length - 1)]; e !== EMPTY; e = this.chain[e]) {
      if (
        this.hashes[e] === hash &&
        this.ports[e] === ports &&
        this.srcs[e] === c.src &&
        this.dsts[e] === c.dst
      )
        return e;
    }
    return EMPTY;
  }

  private insert(c: SynAckConnection, hash: number, ts: bigint): void {
    const e = this.cursor;
    this.cursor = e + 1 === this.capacity ? 0 : e + 1;
    if (this.count === this.capacity) {
      this.unlink(e);
      this.later.delete(e);
      this.evictions++;
    } else {
      this.count++;
    }
    this.srcs[e] = c.src;
    this.dsts[e] = c.dst;
    this.ports[e] = (c.sport << 16) | c.dport;
    this.hashes[e] = hash;
    this.firsts[e] = ts;
    const bucket = hash & (this.buckets.length - 1);
    this.chain[e] = this.buckets[bucket];
    this.buckets[bucket] = e;
  }

  private unlink(e: number): void {
    const bucket = this.hashes[e] & (this.buckets.length - 1);
    if (this.buckets[bucket] === e) {
      this.buckets[bucket] = this.chain[e];
      return;
    }
    for (let p = this.buckets[bucket]; p !== EMPTY; p = this.chain[p]) {
      if (this.chain[p] === e) {
        this.chain[p] = this.chain[e];
        return;
      }
    }
  }
}

/** FNV-1a over both addresses' characters and the ports: no string is built. */
function connectionHash(c: SynAckConnection): number {
  let h = 0x811c9dc5;
  const src = c.src;
  for (let i = 0; i < src.length; i++) h = Math.imul(h ^ src.charCodeAt(i), 0x01000193);
  const dst = c.dst;
  for (let i = 0; i < dst.length; i++) h = Math.imul(h ^ dst.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ c.sport, 0x01000193);
  h = Math.imul(h ^ c.dport, 0x01000193);
  return h;
}
