import type { Observation } from '@glia/core';
import { SourceWindow } from './source-window.js';

export interface FlowWindowsOptions {
  windowNs: bigint;
  maxSources: number;
  maxEntriesPerSource: number;
}

const SWEEP_LIMIT = 1024;

type Seen = Pick<Observation, 'ts' | 'client' | 'clientPort' | 'server' | 'serverPort' | 'proto'>;

/**
 * Per-source sliding windows for every client IP seen, in packet time. Sources are kept least
 * recently seen first; beyond maxSources the stalest is forgotten, and sources whose whole window
 * has gone stale are swept a couple at a time as traffic moves on, so idle ones cost nothing.
 */
export class FlowWindows {
  private readonly sources = new Map<string, SourceWindow>();
  private lastObservation: Seen | null = null;
  private lastSource: SourceWindow | null = null;
  private lastClient = '';
  /** Newest packet time recorded from any source. */
  private newest = -1n;
  private nextSweep = -1n;
  sourceEvictions = 0;
  sourcesExpired = 0;
  /** Entry evictions of sources that are no longer tracked (live ones report their own). */
  private retiredEntryEvictions = 0;

  constructor(private readonly options: FlowWindowsOptions) {}

  get trackedSources(): number {
    return this.sources.size;
  }

  /** Keys forgotten early because a source's connection, port or destination map was full. */
  get entryEvictions(): number {
    let n = this.retiredEntryEvictions;
    for (const w of this.sources.values()) n += w.evictions;
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
    window.record({
      key: `${o.clientPort} ${o.server} ${o.serverPort} ${o.proto}`,
      port: o.proto === 'udp' ? 65536 + o.serverPort : o.serverPort,
      server: o.server,
      ts: o.ts,
    });
    if (o.ts > this.newest) this.newest = o.ts;
    this.lastObservation = o;
    this.lastSource = window;
    this.sweepIdle();
    return window;
  }

  private sourceOf(client: string): SourceWindow {
    // Already the most recently used (it stays in the map: only a new source evicts, and that
    // changes lastClient): no reordering needed.
    if (client === this.lastClient && this.lastSource !== null) return this.lastSource;
    let window = this.sources.get(client);
    if (window !== undefined) {
      this.sources.delete(client);
      this.sources.set(client, window);
    } else {
      if (this.sources.size >= this.options.maxSources) this.evictStalest();
      window = new SourceWindow(this.options.windowNs, this.options.maxEntriesPerSource);
      this.sources.set(client, window);
    }
    this.lastClient = client;
    return window;
  }

  private evictStalest(): void {
    const first = this.sources.entries().next();
    if (first.done === true) return;
    this.sources.delete(first.value[0]);
    this.retiredEntryEvictions += first.value[1].evictions;
    this.sourceEvictions++;
  }

  /**
   * Forgets sources whose whole window is stale. Runs once packet time has moved on by 1/64 of the
   * window since the last sweep, and removes at most SWEEP_LIMIT sources: bounded work, rarely.
   */
  private sweepIdle(): void {
    if (this.newest < this.nextSweep) return;
    this.nextSweep = this.newest + this.options.windowNs / 64n;
    const cutoff = this.newest - this.options.windowNs;
    let swept = 0;
    for (const [client, window] of this.sources) {
      if (swept >= SWEEP_LIMIT || window === this.lastSource || !window.idleSince(cutoff)) return;
      this.sources.delete(client);
      this.retiredEntryEvictions += window.evictions;
      this.sourcesExpired++;
      swept++;
    }
  }
}
