import { PacketClock } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { FqdnStore, type FqdnStoreLimits } from './fqdn-store.js';

const SECOND = 1_000_000_000n;

function store(limits: Partial<FqdnStoreLimits> = {}): { s: FqdnStore; clock: PacketClock } {
  const clock = new PacketClock(1_700_000_000n * SECOND);
  const s = new FqdnStore(
    { maxEntries: 100, maxNamesPerIp: 16, minTtl: 60, maxTtl: 86_400, ...limits },
    clock,
  );
  return { s, clock };
}

describe('FqdnStore', () => {
  it('returns the most recent name first', () => {
    const { s } = store();
    s.add('1.2.3.4', 'a.example', 300);
    s.add('1.2.3.4', 'b.example', 300);
    expect(s.latest('1.2.3.4')).toBe('b.example');
    expect(s.names('1.2.3.4')).toEqual(['b.example', 'a.example']);
    s.add('1.2.3.4', 'a.example', 300);
    expect(s.names('1.2.3.4')).toEqual(['a.example', 'b.example']);
    expect(s.counters.stored.value).toBe(3);
  });

  it('puts the head of a chain first', () => {
    const { s } = store();
    s.addChain('1.2.3.4', ['www.example.com', 'edge.cdn.net'], [300, 300]);
    expect(s.latest('1.2.3.4')).toBe('www.example.com');
    expect(s.names('1.2.3.4')).toEqual(['www.example.com', 'edge.cdn.net']);
  });

  it('knows nothing of unknown addresses and ignores empty names', () => {
    const { s } = store();
    s.add('1.2.3.4', '', 300);
    expect(s.latest('1.2.3.4')).toBeUndefined();
    expect(s.names('1.2.3.4')).toEqual([]);
    expect(s.size).toBe(0);
  });

  it.each([
    { name: 'TTL below min_ttl is raised', ttl: 5, alive: 59, dead: 60 },
    { name: 'TTL 0 lives min_ttl', ttl: 0, alive: 59, dead: 60 },
    { name: 'TTL in range is kept', ttl: 300, alive: 299, dead: 300 },
    { name: 'TTL above max_ttl is lowered', ttl: 1_000_000, alive: 86_399, dead: 86_400 },
  ])('$name', ({ ttl, alive, dead }) => {
    const { s, clock } = store();
    const start = clock.now();
    s.add('10.0.0.1', 'x.example', ttl);
    clock.advance(start + BigInt(alive) * SECOND);
    expect(s.latest('10.0.0.1')).toBe('x.example');
    clock.advance(start + BigInt(dead) * SECOND);
    expect(s.latest('10.0.0.1')).toBeUndefined();
    expect(s.counters.expiredNames.value).toBe(1);
    expect(s.size).toBe(0);
  });

  it('expires names one by one in packet time, newest surviving', () => {
    const { s, clock } = store();
    const start = clock.now();
    s.add('10.0.0.1', 'short.example', 60);
    s.add('10.0.0.1', 'long.example', 600);
    s.add('10.0.0.1', 'mid.example', 120);
    clock.advance(start + 100n * SECOND);
    expect(s.names('10.0.0.1')).toEqual(['mid.example', 'long.example']);
    clock.advance(start + 200n * SECOND);
    expect(s.names('10.0.0.1')).toEqual(['long.example']);
    expect(s.counters.expiredNames.value).toBe(2);
  });

  it('never reads the wall clock: a frozen packet clock keeps entries forever', async () => {
    const { s } = store({ minTtl: 0, maxTtl: 0 });
    s.add('10.0.0.1', 'x.example', 0); // expires at exactly now; packet time does not move
    await new Promise((done) => setTimeout(done, 5));
    expect(s.latest('10.0.0.1')).toBeUndefined(); // expiresAt > now is false at equal times
    const fresh = store({ minTtl: 1, maxTtl: 1 });
    fresh.s.add('10.0.0.1', 'x.example', 0);
    await new Promise((done) => setTimeout(done, 1100));
    expect(fresh.s.latest('10.0.0.1')).toBe('x.example');
  });

  it('evicts the least recently used address at max_entries', () => {
    const { s } = store({ maxEntries: 3 });
    s.add('10.0.0.1', 'one', 300);
    s.add('10.0.0.2', 'two', 300);
    s.add('10.0.0.3', 'three', 300);
    expect(s.latest('10.0.0.1')).toBe('one'); // a lookup is a use: 10.0.0.2 is now the eldest
    s.add('10.0.0.4', 'four', 300);
    expect(s.size).toBe(3);
    expect(s.latest('10.0.0.2')).toBeUndefined();
    expect(s.names('10.0.0.1')).toEqual(['one']);
    expect(s.counters.evictedEntries.value).toBe(1);
    // recency now: 3, 4, 1 (the lookup just above used 1)
    s.add('10.0.0.3', 'three-again', 300); // a write is a use too: 4, 1, 3
    s.add('10.0.0.5', 'five', 300);
    expect(s.latest('10.0.0.4')).toBeUndefined();
    expect(s.latest('10.0.0.1')).toBe('one');
    expect(s.names('10.0.0.3')).toEqual(['three-again', 'three']);
    expect(s.counters.evictedEntries.value).toBe(2);
  });

  it('drops fully expired eldest entries before evicting live ones', () => {
    const { s, clock } = store({ maxEntries: 2 });
    const start = clock.now();
    s.add('10.0.0.1', 'old', 60);
    s.add('10.0.0.2', 'live', 3600);
    clock.advance(start + 120n * SECOND);
    s.add('10.0.0.3', 'new', 60);
    expect(s.latest('10.0.0.2')).toBe('live');
    expect(s.counters.evictedEntries.value).toBe(0);
    expect(s.counters.expiredNames.value).toBe(1);
  });

  it('the housekeeping before a new address drops at most the two eldest expired addresses', () => {
    const { s, clock } = store();
    const start = clock.now();
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) s.add(address, 'old', 60);
    clock.advance(start + 120n * SECOND);
    s.add('10.0.0.4', 'new', 60);
    expect(s.size).toBe(2); // 10.0.0.3 waits for the next new address
    expect(s.counters.expiredNames.value).toBe(2);
    s.add('10.0.0.5', 'new', 60); // drops 10.0.0.3, stops at the live 10.0.0.4
    expect(s.size).toBe(2);
    expect(s.counters.expiredNames.value).toBe(3);
    expect(s.counters.evictedEntries.value).toBe(0);
  });

  it('keeps at most max_names_per_ip names, dropping the least recent', () => {
    const { s } = store({ maxNamesPerIp: 2 });
    s.add('10.0.0.1', 'a', 300);
    s.add('10.0.0.1', 'b', 300);
    s.add('10.0.0.1', 'c', 300);
    expect(s.names('10.0.0.1')).toEqual(['c', 'b']);
    expect(s.counters.evictedNames.value).toBe(1);
  });

  it('a refreshed name takes its new TTL', () => {
    const { s, clock } = store();
    const start = clock.now();
    s.add('10.0.0.1', 'x', 3600);
    s.add('10.0.0.1', 'x', 60);
    clock.advance(start + 61n * SECOND);
    expect(s.latest('10.0.0.1')).toBeUndefined();
  });

  it('stays within max_entries under a flood of addresses', () => {
    const { s } = store({ maxEntries: 1000 });
    for (let i = 0; i < 50_000; i++)
      s.add(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `h${i}.example`, 300);
    expect(s.size).toBe(1000);
    expect(s.counters.evictedEntries.value).toBe(49_000);
    expect(s.latest('10.0.195.79')).toBe('h49999.example');
  });

  // Speed (a Map-order LRU once walked deleted slots: 50 s for this flood) is measured by
  // bench/enrichers/fqdn.mjs, not timed here.
  it('a flood of 250 000 addresses through 50 000 entries keeps exactly the newest 50 000', () => {
    const { s } = store({ maxEntries: 50_000 });
    const addresses = Array.from(
      { length: 250_000 },
      (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    );
    for (const a of addresses) s.add(a, 'flood.example', 300);
    expect(s.size).toBe(50_000);
    expect(s.counters.evictedEntries.value).toBe(200_000);
    expect(s.latest(addresses[199_999])).toBeUndefined();
    expect(s.latest(addresses[200_000])).toBe('flood.example');
  });
});
