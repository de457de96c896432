import { MemoryBudget } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { BYTES_PER_ENTRY, BYTES_PER_SOURCE, flowLimits } from './config.js';
import { FlowWindows } from './flow-windows.js';

const S = 1_000_000_000n;

function syn(at: bigint, client: string, server: string, serverPort: number, clientPort = 40000) {
  return { ts: at, client, clientPort, server, serverPort, proto: 'tcp' as const };
}

/** A plain model of the entry count: per source, the distinct connections, ports and servers. */
class EntryModel {
  readonly sources = new Map<string, { conns: Set<string>; ports: Set<number>; servers: Set<string> }>();
  record(o: ReturnType<typeof syn>): void {
    let s = this.sources.get(o.client);
    if (s === undefined)
      this.sources.set(o.client, (s = { conns: new Set(), ports: new Set(), servers: new Set() }));
    s.conns.add(`${o.clientPort} ${o.server} ${o.serverPort}`);
    s.ports.add(o.serverPort);
    s.servers.add(o.server);
  }
  entries(of: Iterable<string>): number {
    let n = 0;
    for (const c of of) {
      const s = this.sources.get(c);
      if (s !== undefined) n += s.conns.size + s.ports.size + s.servers.size;
    }
    return n;
  }
}

/** Windows of 60 s, 64 entries per source, and the given source and total-entry caps. */
const windows = (maxSources: number, maxEntries?: number): FlowWindows =>
  new FlowWindows({ windowNs: 60n * S, maxSources, maxEntriesPerSource: 64, maxEntries });

describe('FlowWindows entry budget', () => {
  it('forgets the least recently seen sources whole when all sources together hold too many entries', () => {
    const w = windows(1000, 30);
    const model = new EntryModel();
    // Ten one-connection sources (3 entries each): 30 entries, exactly the budget.
    for (let i = 0; i < 10; i++) {
      const o = syn(BigInt(i) * S, `10.1.0.${i}`, '10.0.0.1', 80);
      w.record(o);
      model.record(o);
    }
    expect(w.trackedSources).toBe(10);
    expect(w.trackedEntries).toBe(model.entries(model.sources.keys()));
    // One more source: the stalest (10.1.0.0) goes.
    w.record(syn(11n * S, '10.1.0.10', '10.0.0.1', 80));
    expect(w.trackedSources).toBe(10);
    expect(w.trackedEntries).toBe(30);
    expect(w.sourceEvictions).toBe(1);
  });

  it('keeps the source just recorded, a scanner, while others make room for it', () => {
    const w = windows(1000, 40);
    for (let i = 0; i < 10; i++) w.record(syn(0n, `10.1.0.${i}`, '10.0.0.1', 80));
    // The scanner touches 12 ports of one server: 12 + 12 + 1 entries, so 7 other sources go.
    let last = null;
    for (let port = 1; port <= 12; port++) last = w.record(syn(S, '10.9.9.9', '10.0.0.2', port));
    expect(last?.uniqueDstPorts).toBe(12);
    expect(w.trackedEntries).toBeLessThanOrEqual(40);
    expect(w.trackedSources).toBe(1 + Math.floor((40 - 25) / 3));
  });

  it('never forgets the source just recorded for the budget, even when it is the next victim', () => {
    const w = windows(1000, 9);
    // A protected source with 3 connections to 3 ports of one server: 7 entries.
    for (let port = 1; port <= 3; port++) w.record(syn(0n, '10.9.9.9', '10.0.0.2', port));
    // A new source, alone on probation, so the first in line: 3 more entries, 10 in all.
    const first = w.record(syn(S, '10.1.0.1', '10.0.0.1', 80));
    expect(w.trackedSources).toBe(2);
    expect(first.flows).toBe(1);
    // Seen again: protected, its window goes on; now the older source makes room.
    const second = w.record(syn(S, '10.1.0.1', '10.0.0.1', 81));
    expect(second).toBe(first);
    expect(second.uniqueDstPorts).toBe(2);
    expect(w.trackedSources).toBe(1);
    expect(w.trackedEntries).toBe(5);
  });

  it('keeps a source seen more than once through a flood of one-packet sources (segmented LRU)', () => {
    const w = windows(8);
    w.record(syn(0n, '10.9.9.9', '10.0.0.2', 1));
    w.record(syn(0n, '10.9.9.9', '10.0.0.2', 2));
    for (let i = 0; i < 1000; i++) w.record(syn(S, `10.2.${i >> 8}.${i & 255}`, '10.0.0.1', 80));
    expect(w.trackedSources).toBe(8);
    expect(w.sourceEvictions).toBe(1000 - 7);
    // Still tracked: its third port counts on top of the first two.
    expect(w.record(syn(2n * S, '10.9.9.9', '10.0.0.2', 3)).uniqueDstPorts).toBe(3);
    // A source seen once, then flooded past, starts over.
    expect(w.record(syn(2n * S, '10.2.0.0', '10.0.0.1', 81)).uniqueDstPorts).toBe(1);
  });

  it('counts entries leaving by window expiry and by sweeping idle sources', () => {
    const w = windows(1000, 1000);
    for (let i = 0; i < 5; i++) w.record(syn(BigInt(i) * S, '10.1.0.1', '10.0.0.1', 80 + i));
    expect(w.trackedEntries).toBe(5 + 5 + 1);
    // 2 minutes later, one new connection: the four older ones have left the window.
    w.record(syn(125n * S, '10.1.0.1', '10.0.0.1', 9000));
    expect(w.trackedEntries).toBe(3);
    // Much later another source: the first one is idle and swept.
    w.record(syn(400n * S, '10.1.0.2', '10.0.0.1', 80));
    expect(w.trackedSources).toBe(1);
    expect(w.trackedEntries).toBe(3);
  });
});

describe('FlowWindows sweep of idle sources', () => {
  const at = (seconds: number): bigint => BigInt(Math.round(seconds * 1e9));

  it('sweeps once packet time has moved on by 1/64 of the window (0.9375 s of 60 s) since the last sweep', () => {
    const w = windows(1000);
    w.record(syn(at(0), '10.1.0.1', '10.0.0.1', 80)); // a sweep at 0 s: the next is due at 0.9375 s
    w.record(syn(at(59.5), '10.1.0.2', '10.0.0.1', 80)); // a sweep: nothing idle; the next at 60.4375 s
    w.record(syn(at(60.2), '10.1.0.2', '10.0.0.1', 81)); // 10.1.0.1 is idle now, but no sweep is due
    expect(w.sourcesExpired).toBe(0);
    expect(w.trackedSources).toBe(2);
    w.record(syn(at(60.4375), '10.1.0.2', '10.0.0.1', 82)); // due exactly now
    expect(w.sourcesExpired).toBe(1);
    expect(w.trackedSources).toBe(1);
  });

  it('forgets at most 1 024 idle sources per sweep', () => {
    const w = windows(5000);
    for (let i = 0; i < 1100; i++) w.record(syn(at(0), `10.3.${i >> 8}.${i & 255}`, '10.0.0.1', 80));
    w.record(syn(at(100), '10.9.9.9', '10.0.0.1', 80));
    expect(w.sourcesExpired).toBe(1024);
    expect(w.trackedSources).toBe(1100 - 1024 + 1);
    w.record(syn(at(101), '10.9.9.9', '10.0.0.1', 81)); // the next sweep takes the rest
    expect(w.sourcesExpired).toBe(1100);
    expect(w.trackedSources).toBe(1);
  });
});

describe('flowLimits', () => {
  it('sizes the caps from the flow store share of limits.memory_mb, explicit keys winning', () => {
    const memory = new MemoryBudget(150);
    const limits = flowLimits({}, memory);
    expect(limits.maxSources).toBe(Math.floor((memory.bytes('flow') * 0.5) / BYTES_PER_SOURCE));
    expect(limits.maxEntries).toBe(Math.floor((memory.bytes('flow') * 0.5) / BYTES_PER_ENTRY));
    expect(limits.maxSources * BYTES_PER_SOURCE + limits.maxEntries * BYTES_PER_ENTRY).toBeLessThanOrEqual(
      memory.bytes('flow'),
    );
    expect(flowLimits({}, new MemoryBudget(300)).maxSources).toBe(2 * limits.maxSources);
    expect(flowLimits({ max_sources: 7, max_entries: 99 }, memory)).toMatchObject({
      maxSources: 7,
      maxEntries: 99,
    });
  });
});

/**
 * The segmented LRU of sources as the class comment states it, written plainly: a new source goes
 * to the back of probation; one seen again (a new observation) moves to the back of the protected
 * list, which holds at most max(1, ⌊3/4 · maxSources⌋) and hands its least recent source to the
 * back of probation when full; a source seen again while protected moves to its back; at
 * maxSources the front of probation is forgotten, else the front of the protected list.
 */
class SourceLruModel {
  readonly probation: string[] = [];
  readonly protectedSources: string[] = [];
  evictions = 0;
  constructor(
    readonly maxSources: number,
    readonly maxProtected = Math.max(1, Math.floor((maxSources * 3) / 4)),
  ) {}
  tracked(client: string): boolean {
    return this.probation.includes(client) || this.protectedSources.includes(client);
  }
  record(client: string): void {
    const kept = this.protectedSources.indexOf(client);
    const trial = this.probation.indexOf(client);
    if (kept >= 0) {
      this.protectedSources.splice(kept, 1);
      this.protectedSources.push(client);
    } else if (trial >= 0) {
      this.probation.splice(trial, 1);
      if (this.protectedSources.length >= this.maxProtected)
        this.probation.push(this.protectedSources.shift() as string);
      this.protectedSources.push(client);
    } else {
      if (this.probation.length + this.protectedSources.length >= this.maxSources) {
        if (this.probation.length > 0) this.probation.shift();
        else this.protectedSources.shift();
        this.evictions++;
      }
      this.probation.push(client);
    }
  }
}

describe('FlowWindows sources: segmented LRU against a plain model', () => {
  it.each([1, 2, 3, 4, 8])(
    'max_sources %i: the same sources tracked (same window) after every observation',
    (maxSources) => {
      const w = windows(maxSources);
      const model = new SourceLruModel(maxSources);
      const held = new Map<string, ReturnType<FlowWindows['record']>>();
      let state = maxSources;
      for (let i = 0; i < 3000; i++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        // Ten regulars (more than any protected list here holds) and one-off sources, each
        // observation a new object.
        const pick = (state >>> 8) % 16;
        const client = pick < 10 ? `10.0.0.${pick}` : `10.2.${i >> 8}.${i & 255}`;
        const wasTracked = model.tracked(client);
        const o = syn(BigInt(i) * 1_000_000n, client, '10.0.0.1', 80, 1024 + (i % 50000));
        const window = w.record(o);
        model.record(client);
        // A tracked source keeps its window; a new or forgotten one gets a fresh window.
        if (wasTracked) expect(window).toBe(held.get(client));
        else expect(window).not.toBe(held.get(client));
        held.set(client, window);
        // The same observation again (subscriber and resolver) is not a second sighting.
        expect(w.record(o)).toBe(window);
        expect(w.trackedSources).toBe(model.probation.length + model.protectedSources.length);
        expect(w.sourceEvictions).toBe(model.evictions);
      }
    },
  );

  it('one observation recorded twice does not protect a source: a flood still passes it by', () => {
    const w = windows(4);
    const regular = w.record(syn(0n, '10.9.9.9', '10.0.0.2', 1));
    w.record(syn(0n, '10.9.9.9', '10.0.0.2', 2)); // seen again: protected
    for (let i = 0; i < 20; i++) {
      const o = syn(S, `10.2.0.${i}`, '10.0.0.1', 80);
      w.record(o);
      w.record(o);
    }
    expect(w.record(syn(2n * S, '10.9.9.9', '10.0.0.2', 3))).toBe(regular);
  });
});
