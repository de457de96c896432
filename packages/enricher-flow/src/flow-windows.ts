import type { Observation } from '@glia/core';
import { RecencyList, type RecencyNode } from './recency-list.js';
import { SourceWindow, type ConnectionSighting } from './source-window.js';

export interface FlowWindowsOptions {
  windowNs: bigint;
  maxSources: number;
  maxEntriesPerSource: number;
  /**
   * Connections, ports and destinations held over all sources together; beyond it the least
   * recently seen sources are forgotten whole (default: no limit but the other two).
   */
  maxEntries?: number;
}

const SWEEP_LIMIT = 1024;

interface TrackedSource extends RecencyNode<string> {
  window: SourceWindow;
  /** On the protected list (seen more than once), else on probation. */
  kept: boolean;
}

/** The share of max_sources kept for sources seen more than once (see FlowWindows). */
const PROTECTED_FRACTION = 0.75;

type Seen = Pick<Observation, 'ts' | 'client' | 'clientPort' | 'server' | 'serverPort' | 'proto'>;

/**
 * Per-source sliding windows for every client IP seen, in packet time. Sources whose whole window
 * has gone stale are swept a couple at a time as traffic moves on, so idle ones cost nothing.
 *
 * At the caps (max_sources, max_entries) sources are forgotten by a segmented LRU, so a flood of
 * one-packet sources (random-source SYNs) cannot push out the sources worth watching: a new source
 * starts on probation and moves to the protected list when it is seen again; sources are forgotten
 * from the probation list first, least recently seen first, and the protected list (3/4 of
 * max_sources) hands its least recent source back to probation when it is full. A scanner, seen
 * on every probe, stays tracked through a million spoofed sources.
 */
export class FlowWindows {
  private readonly probation = new RecencyList<string, TrackedSource>();
  private readonly protectedSources = new RecencyList<string, TrackedSource>();
  private readonly maxProtected: number;
  private lastObservation: Seen | null = null;
  private lastSource: SourceWindow | null = null;
  private lastClient = '';
  private lastNode: TrackedSource | null = null;
  /**
   * Time inside the windows is a double of ns since the first observation's ts: BigInt arithmetic
   * and a boxed BigInt per tracked key cost more than the whole window update otherwise. Exact to
   * the nanosecond for 2^53 ns (104 days) after the first observation, then to a few ns.
   */
  private epoch: bigint | null = null;
  /** Filled anew for each observation: SourceWindow.record keeps its fields, not the object. */
  private readonly sighting: ConnectionSighting = { key: '', port: 0, server: '', ts: 0 };
  private readonly windowNs: number;
  /** Newest packet time recorded from any source. */
  private newest = -Infinity;
  private nextSweep = -Infinity;
  sourceEvictions = 0;
  sourcesExpired = 0;
  /** Entries (connections, ports, destinations) of every tracked source. */
  private entries = 0;
  private readonly maxEntries: number;
  /** Entry evictions of sources that are no longer tracked (live ones report their own). */
  private retiredEntryEvictions = 0;

  constructor(private readonly options: FlowWindowsOptions) {
    this.windowNs = Number(options.windowNs);
    this.maxEntries = options.maxEntries ?? Infinity;
    this.maxProtected = Math.max(1, Math.floor(options.maxSources * PROTECTED_FRACTION));
  }

  /** Connections, ports and destinations held over all tracked sources. */
  get trackedEntries(): number {
    return this.entries;
  }

  get trackedSources(): number {
    return this.probation.size + this.protectedSources.size;
  }

  /** Keys forgotten early because a source's connection, port or destination map was full. */
  get entryEvictions(): number {
    let n = this.retiredEntryEvictions;
    for (const list of [this.probation, this.protectedSources]) {
      for (let node = list.front(); node !== null; node = node.next) n += node.window.evictions;
    }
    return n;
  }

  /**
   * Records an observation into its source's window and returns that window, as of this
   * observation. Idempotent: the subscriber and resolve() may both call it, in either order.
   */
  record(o: Seen): SourceWindow {
    // The same observation again (every flow.* field of it, and the bus subscriber): nothing new.
    if (o === this.lastObservation && this.lastSource !== null) return this.lastSource;
    const window = this.sourceOf(o.client);
    this.epoch ??= o.ts;
    const ts = Number(o.ts - this.epoch);
    const s = this.sighting;
    s.key = `${o.clientPort} ${o.server} ${o.serverPort} ${o.proto}`;
    s.port = o.proto === 'udp' ? 65536 + o.serverPort : o.serverPort;
    s.server = o.server;
    s.ts = ts;
    const before = window.entries;
    window.record(s);
    this.entries += window.entries - before;
    if (this.entries > this.maxEntries) this.evictForEntries(window);
    if (ts > this.newest) this.newest = ts;
    this.lastObservation = o;
    this.lastSource = window;
    this.sweepIdle();
    return window;
  }

  private sourceOf(client: string): SourceWindow {
    // Already the most recently used (only a new source evicts, and that changes lastClient): no
    // reordering needed, but a second sighting still earns protection.
    if (client === this.lastClient && this.lastNode !== null) {
      if (!this.lastNode.kept) this.protect(this.lastNode);
      return this.lastNode.window;
    }
    let node = this.protectedSources.get(client);
    if (node !== undefined) {
      this.protectedSources.moveToBack(node);
    } else if ((node = this.probation.get(client)) !== undefined) {
      this.protect(node);
    } else {
      if (this.trackedSources >= this.options.maxSources) this.evictStalest();
      node = this.probation.append({
        key: client,
        window: new SourceWindow(this.windowNs, this.options.maxEntriesPerSource),
        kept: false,
        prev: null,
        next: null,
      });
    }
    this.lastClient = client;
    this.lastNode = node;
    return node.window;
  }

  /** Seen again: from probation to the protected list. */
  private protect(node: TrackedSource): void {
    this.probation.remove(node);
    if (this.protectedSources.size >= this.maxProtected) this.demoteStalest();
    node.kept = true;
    this.protectedSources.append(node);
  }

  private demoteStalest(): void {
    const stalest = this.protectedSources.front();
    if (stalest === null) return;
    this.protectedSources.remove(stalest);
    stalest.kept = false;
    this.probation.append(stalest);
  }

  /** The source forgotten next at a cap: the least recently seen on probation, else protected. */
  private nextVictim(): TrackedSource | null {
    return this.probation.front() ?? this.protectedSources.front();
  }

  private evictStalest(): void {
    const stalest = this.nextVictim();
    if (stalest === null) return;
    this.forget(stalest);
    this.sourceEvictions++;
  }

  /**
   * Over the entry budget: forgets the least recently seen sources until it holds again. The
   * source just recorded is the most recent, so it goes last, and only if it alone is over.
   */
  private evictForEntries(current: SourceWindow): void {
    while (this.entries > this.maxEntries) {
      const stalest = this.nextVictim();
      if (stalest === null || stalest.window === current) return;
      this.evictStalest();
    }
  }

  private forget(node: TrackedSource): void {
    if (node.kept) this.protectedSources.remove(node);
    else this.probation.remove(node);
    if (node === this.lastNode) {
      this.lastNode = null;
      this.lastClient = '';
    }
    this.entries -= node.window.entries;
    this.retiredEntryEvictions += node.window.evictions;
  }

  /**
   * Forgets sources whose whole window is stale, from the least recently seen on. Runs once packet
   * time has moved on by 1/64 of the window since the last sweep, and removes at most SWEEP_LIMIT
   * sources: bounded work, rarely.
   */
  private sweepIdle(): void {
    if (this.newest < this.nextSweep) return;
    this.nextSweep = this.newest + this.windowNs / 64;
    const cutoff = this.newest - this.windowNs;
    let swept = 0;
    for (const list of [this.probation, this.protectedSources]) {
      for (; swept < SWEEP_LIMIT; swept++) {
        const stalest = list.front();
        if (stalest === null || stalest.window === this.lastSource || !stalest.window.idleSince(cutoff))
          break;
        this.forget(stalest);
        this.sourcesExpired++;
      }
    }
  }
}
