import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { DirectionClassifier } from './direction.js';
import { shannonBits } from './entropy.js';
import { FlowWindows } from './flow-windows.js';

/**
 * FlowWindows against a naive model that keeps every sighting and recounts from scratch: for the
 * client of each observation, the window is (newest − 60 s, newest] with newest the latest packet
 * time seen from that client; a connection (client port, server, server port, protocol), a
 * destination port (with its protocol) and a destination are in it when their latest sighting is.
 * The port entropy is the textbook formula over live connections per port, × 100 rounded half up.
 * Times go forward (or stand still) with nanosecond jitter, so window edges are hit exactly.
 */
const S = 1_000_000_000n;
const WINDOW = 60n * S;
const T0 = 1_700_000_000n * S;

interface Sighting {
  ts: bigint;
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
  proto: 'tcp' | 'udp';
}

function model(
  history: Sighting[],
  client: string,
): { flows: number; ports: number; dsts: number; entropy: number } {
  const mine = history.filter((h) => h.client === client);
  const newest = mine.reduce((m, h) => (h.ts > m ? h.ts : m), mine[0].ts);
  const latest = new Map<string, bigint>();
  const port = new Map<string, bigint>();
  const dst = new Map<string, bigint>();
  const portOf = new Map<string, string>();
  for (const h of mine) {
    const key = `${h.clientPort} ${h.server} ${h.serverPort} ${h.proto}`;
    const p = `${h.proto}/${h.serverPort}`;
    for (const [map, k] of [
      [latest, key],
      [port, p],
      [dst, h.server],
    ] as const)
      if ((map.get(k) ?? -1n) < h.ts) map.set(k, h.ts);
    portOf.set(key, p);
  }
  const live = (map: Map<string, bigint>): string[] =>
    [...map].filter(([, ts]) => ts > newest - WINDOW).map(([k]) => k);
  const perPort = new Map<string, number>();
  for (const key of live(latest))
    perPort.set(portOf.get(key) ?? '', (perPort.get(portOf.get(key) ?? '') ?? 0) + 1);
  const bits = shannonBits([...perPort.values()]);
  return {
    flows: live(latest).length,
    ports: live(port).length,
    dsts: live(dst).length,
    entropy: Math.floor(bits * 100 + 0.5 + 1e-9),
  };
}

const step = fc.record({
  advance: fc.oneof(
    fc.constant(0n),
    fc.bigInt({ min: 1n, max: 5n * S }),
    fc.bigInt({ min: 20n * S, max: 61n * S }),
  ),
  jitter: fc.bigInt({ min: -1n, max: 1n }),
  client: fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8::1'),
  clientPort: fc.integer({ min: 40000, max: 40003 }),
  server: fc.constantFrom('10.9.0.1', '10.9.0.2', '10.9.0.3'),
  serverPort: fc.constantFrom(22, 53, 80, 443),
  proto: fc.constantFrom('tcp' as const, 'udp' as const),
});

describe('FlowWindows against a recount of every sighting', () => {
  it('flows, distinct ports and destinations, and the port entropy, after every observation', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 100, maxEntriesPerSource: 4096 });
        const history: Sighting[] = [];
        let ts = T0;
        for (const s of steps) {
          // Forward, or exactly one window (± 1 ns) after an earlier sighting, to land on the edge.
          ts =
            s.advance === 0n && history.length > 0 && s.jitter !== 0n
              ? history[0].ts + WINDOW + s.jitter
              : ts + s.advance;
          if (ts < (history.at(-1)?.ts ?? T0)) ts = history.at(-1)?.ts ?? T0;
          const sighting: Sighting = { ts, ...s };
          history.push(sighting);
          const w = windows.record({ ...sighting });
          const want = model(history, s.client);
          expect({
            flows: w.flows,
            ports: w.uniqueDstPorts,
            dsts: w.uniqueDsts,
            entropy: w.dstPortEntropyX100,
          }).toEqual(want);
        }
      }),
      propertyRuns('FlowWindows vs recount', 200),
    );
  });
});

describe('FlowWindows corner cases (named)', () => {
  const at = (seconds: number, serverPort = 80, proto: 'tcp' | 'udp' = 'tcp', clientPort = 40000) => ({
    ts: T0 + BigInt(seconds) * S,
    client: '10.0.0.1',
    clientPort,
    server: '10.9.0.1',
    serverPort,
    proto,
  });

  it('a late, older observation does not move the window back', () => {
    const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 10, maxEntriesPerSource: 100 });
    windows.record(at(100, 80));
    const w = windows.record(at(10, 81, 'tcp', 40001));
    expect(w.flows).toBe(1);
    expect(w.uniqueDstPorts).toBe(1);
    // Exactly one window older than the newest: just outside (newest − window, newest].
    expect(windows.record(at(40, 82, 'tcp', 40002)).flows).toBe(1);
    expect(windows.record(at(41, 83, 'tcp', 40003)).flows).toBe(2);
  });

  it('TCP and UDP on the same port are two destination ports', () => {
    const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 10, maxEntriesPerSource: 100 });
    windows.record(at(1, 53, 'tcp'));
    expect(windows.record(at(2, 53, 'udp')).uniqueDstPorts).toBe(2);
  });

  it('TCP 65535 and UDP 1 are two destination ports (the UDP ports sit above the TCP range)', () => {
    const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 10, maxEntriesPerSource: 100 });
    windows.record(at(1, 65535, 'tcp'));
    expect(windows.record(at(2, 1, 'udp')).uniqueDstPorts).toBe(2);
  });

  it('idle sources are swept once packet time passes their window; the source just seen stays', () => {
    const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 100, maxEntriesPerSource: 100 });
    for (let i = 1; i <= 5; i++) windows.record({ ...at(0), client: `10.0.1.${i}` });
    windows.record({ ...at(30), client: '10.0.2.1' });
    expect(windows.trackedSources).toBe(6);
    expect(windows.sourcesExpired).toBe(0);
    windows.record({ ...at(60), client: '10.0.2.2' }); // exactly one window after: idle
    expect(windows.sourcesExpired).toBe(5);
    expect(windows.trackedSources).toBe(2);
    windows.record({ ...at(200), client: '10.0.2.2' });
    expect(windows.trackedSources).toBe(1);
  });

  it('destinations evicted from a full window count as entry evictions', () => {
    const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 2, maxEntriesPerSource: 2 });
    for (const server of ['10.9.0.1', '10.9.0.2', '10.9.0.3'])
      windows.record({ ...at(0), server, client: '10.0.4.1' });
    // Three connections (one per server) and three destinations in maps of two; one port.
    expect(windows.entryEvictions).toBe(2);
  });

  it('entry evictions of swept and evicted sources still count', () => {
    const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 2, maxEntriesPerSource: 2 });
    for (const port of [1, 2, 3]) windows.record({ ...at(0, port), client: '10.0.3.1' });
    expect(windows.entryEvictions).toBe(2);
    for (const port of [1, 2, 3]) windows.record({ ...at(1, port), client: '10.0.3.2' });
    windows.record({ ...at(2), client: '10.0.3.3' }); // evicts 10.0.3.1, the stalest
    expect(windows.sourceEvictions).toBe(1);
    expect(windows.entryEvictions).toBe(4);
    // 10.0.3.3 again, far later: 10.0.3.2 is swept as idle (no new source, so no eviction).
    windows.record({ ...at(100), client: '10.0.3.3' });
    expect(windows.sourcesExpired).toBe(1);
    expect(windows.sourceEvictions).toBe(1);
    expect(windows.entryEvictions).toBe(4);
  });

  it('the same observation twice counts once', () => {
    const windows = new FlowWindows({ windowNs: WINDOW, maxSources: 10, maxEntriesPerSource: 100 });
    const o = at(1);
    windows.record(o);
    expect(windows.record(o).flows).toBe(1);
  });
});

describe('shannonBits, the reference the fields are documented by', () => {
  it('ignores zero counts', () => expect(shannonBits([3, 0, 1, 0])).toBe(shannonBits([3, 1])));
});

describe('DirectionClassifier configuration errors', () => {
  it.each([
    [
      'home_net',
      { home_net: ['10.0.0.0/33'], pod_nets: [] },
      /^network\.home_net: entry 0 "10\.0\.0\.0\/33"/,
    ],
    ['pod_nets', { home_net: [], pod_nets: ['10.0.0.0/8', 'x'] }, /^network\.pod_nets: entry 1 "x"/],
  ])('names the bad %s entry and keeps the cause', (_name, network, message) => {
    let error: unknown;
    try {
      new DirectionClassifier(network);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).cause).toBeInstanceOf(RangeError);
  });
});
