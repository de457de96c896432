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
