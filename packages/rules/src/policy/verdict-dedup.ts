/** DESIGN §4: the same (edge, action, matched rules) within this much packet time yields one verdict. */
export const VERDICT_WINDOW_NS = 60_000_000_000n;
export const DEFAULT_DEDUP_CAPACITY = 100_000;

const NONE = -1;

/**
 * Remembers when each verdict key (edge `client>server:port/proto` and outcome number) was last
 * published, in packet time, with bounded memory. Keys are hashed from their parts into an
 * open-addressing table, so checking a repeat builds no string and allocates nothing (a string
 * key per match and its hashing in a Map were a tenth of the policy stage's time). Entries are
 * kept in a list in order of publication, so at the cap the key published longest ago is evicted
 * (and counted): it is the first whose window runs out anyway. An evicted key simply yields a
 * verdict again next time.
 */
export class VerdictDedup {
  // Entry parts, by entry number (< capacity).
  private readonly clients: string[] = [];
  private readonly servers: string[] = [];
  private readonly ports: number[] = [];
  private readonly protos: string[] = [];
  private readonly outcomes: number[] = [];
  private readonly hashes: number[] = [];
  /** End of each entry's window (publication time + window), so a repeat costs no BigInt arithmetic. */
  private readonly windowEnds: bigint[] = [];
  // Publication order: a doubly linked list of entry numbers, oldest first.
  private readonly older: number[] = [];
  private readonly newer: number[] = [];
  private oldest = NONE;
  private newest = NONE;
  /** Hash table of entry number + 1 (0 = empty), linear probing, at most half full. */
  private table = new Int32Array(16);
  private count = 0;
  evictions = 0;

  constructor(
    private readonly windowNs: bigint = VERDICT_WINDOW_NS,
    private readonly capacity: number = DEFAULT_DEDUP_CAPACITY,
  ) {
    if (capacity < 1) throw new RangeError('dedup capacity must be at least 1');
  }

  get size(): number {
    return this.count;
  }

  /**
   * True when a verdict for this key at ts should be published (and records it). Packet time may
   * step back a little when captures interleave; such a verdict counts as inside the window.
   */
  admit(client: string, server: string, port: number, proto: string, outcome: number, ts: bigint): boolean {
    const hash = keyHash(client, server, port, proto, outcome);
    const table = this.table;
    const mask = table.length - 1;
    let i = hash & mask;
    for (let e = table[i] - 1; e !== NONE; e = table[i] - 1) {
      if (
        this.hashes[e] === hash &&
        this.ports[e] === port &&
        this.outcomes[e] === outcome &&
        this.clients[e] === client &&
        this.servers[e] === server &&
        this.protos[e] === proto
      ) {
        if (ts < this.windowEnds[e]) return false;
        this.windowEnds[e] = ts + this.windowNs;
        this.unlink(e);
        this.append(e);
        return true;
      }
      i = (i + 1) & mask;
    }
    let entry: number;
    if (this.count < this.capacity) {
      entry = this.count++;
      if (this.count * 2 > table.length) {
        this.grow();
        i = this.freeSlot(hash);
      }
    } else {
      entry = this.oldest;
      this.unlink(entry);
      this.removeFromTable(entry);
      this.evictions++;
      i = this.freeSlot(hash);
    }
    this.clients[entry] = client;
    this.servers[entry] = server;
    this.ports[entry] = port;
    this.protos[entry] = proto;
    this.outcomes[entry] = outcome;
    this.hashes[entry] = hash;
    this.windowEnds[entry] = ts + this.windowNs;
    this.table[i] = entry + 1;
    this.append(entry);
    return true;
  }

  clear(): void {
    for (const list of [this.clients, this.servers, this.ports, this.protos, this.outcomes, this.hashes])
      list.length = 0;
    this.windowEnds.length = 0;
    this.older.length = 0;
    this.newer.length = 0;
    this.oldest = this.newest = NONE;
    this.table = new Int32Array(16);
    this.count = 0;
  }

  private freeSlot(hash: number): number {
    const mask = this.table.length - 1;
    let i = hash & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i++) {
      if (old[i] !== 0) this.table[this.freeSlot(this.hashes[old[i] - 1])] = old[i];
    }
  }

  /** Removes an entry from the table, shifting later entries of its probe run back (no tombstones). */
  private removeFromTable(entry: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let hole = this.hashes[entry] & mask;
    while (table[hole] !== entry + 1) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[table[j] - 1] & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!stays) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
  }

  private unlink(entry: number): void {
    const before = this.older[entry];
    const after = this.newer[entry];
    if (before === NONE) this.oldest = after;
    else this.newer[before] = after;
    if (after === NONE) this.newest = before;
    else this.older[after] = before;
  }

  private append(entry: number): void {
    this.older[entry] = this.newest;
    this.newer[entry] = NONE;
    if (this.newest === NONE) this.oldest = entry;
    else this.newer[this.newest] = entry;
    this.newest = entry;
  }
}

/** FNV-1a over the parts, finished with murmur3's mix so the low bits index the table well. */
function keyHash(client: string, server: string, port: number, proto: string, outcome: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < client.length; i++) h = Math.imul(h ^ client.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x3e, 0x01000193); // '>' keeps "a"+"bc" apart from "ab"+"c"
  for (let i = 0; i < server.length; i++) h = Math.imul(h ^ server.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ port, 0x01000193);
  for (let i = 0; i < proto.length; i++) h = Math.imul(h ^ proto.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ outcome, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff; // a small integer: stays unboxed in arrays
}
