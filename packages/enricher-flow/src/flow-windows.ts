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
}

type Seen = Pick<Observation, 'ts' | 'client' | 'clientPort' | 'server' | 'serverPort' | 'proto'>;

/**
 * Per-source sliding windows for every client IP seen, in packet time. Sources are kept least
 * recently seen first; beyond maxSources the stalest is forgotten, and sources whose whole window
 * has gone stale are swept a couple at a time as traffic moves on, so idle ones cost nothing.
 */
export class FlowWindows {
  private readonly sources = new RecencyList<string, TrackedSource>();
  private lastObservation: Seen | null = null;
  private lastSource: SourceWindow | null = null;
  private lastClient = '';
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
  }

  /** Connections, ports and destinations held over all tracked sources. */
  get trackedEntries(): number {
    return this.entries;
  }

  get trackedSources(): number {
    return this.sources.size;
  }

  /** Keys forgotten early because a source's connection, port or destination map was full. */
  get entryEvictions(): number {
    let n = this.retiredEntryEvictions;
    for (let node = this.sources.front(); node !== null; node = node.next) n += node.window.evictions;
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
    // Already the most recently used (it stays in the map: only a new source evicts, and that
    // changes lastClient): no reordering needed.
    if (client === this.lastClient && this.lastSource !== null) return this.lastSource;
    const node = this.sources.get(client);
    let window: SourceWindow;
    if (node !== undefined) {
      this.sources.moveToBack(node);
      window = node.window;
    } else {
      if (this.sources.size >= this.options.maxSources) this.evictStalest();
      window = new SourceWindow(this.windowNs, this.options.maxEntriesPerSource);
      this.sources.append({ key: client, window, prev: null, next: null });
    }
    this.lastClient = client;
    return window;
  }

  private evictStalest(): void {
    const stalest = this.sources.front();
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
      const stalest = this.sources.front();
      if (stalest === null || stalest.window === current) return;
      this.evictStalest();
    }
  }

  private forget(node: TrackedSource): void {
    this.sources.remove(node);
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
    for (let swept = 0; swept < SWEEP_LIMIT; swept++) {
      const stalest = this.sources.front();
      if (stalest === null || stalest.window === this.lastSource || !stalest.window.idleSince(cutoff)) return;
      this.forget(stalest);
      this.sourcesExpired++;
    }
  }
}
