import { describe, expect, it } from 'vitest';
import { VerdictDedup } from './verdict-dedup.js';

const S = 1_000_000_000n;

describe('VerdictDedup', () => {
  it.each([
    [
      'a repeat inside the window is suppressed',
      [
        ['a', 0n, true],
        ['a', 59n * S, false],
      ],
    ],
    [
      'the window ends at publication + window',
      [
        ['a', 0n, true],
        ['a', 60n * S, true],
      ],
    ],
    [
      'the window restarts at the publication, not the repeat',
      [
        ['a', 0n, true],
        ['a', 30n * S, false],
        ['a', 61n * S, true],
        ['a', 90n * S, false],
      ],
    ],
    [
      'packet time stepping back counts as inside the window',
      [
        ['a', 100n * S, true],
        ['a', 99n * S, false],
      ],
    ],
    [
      'other keys are independent',
      [
        ['a', 0n, true],
        ['b', 1n, true],
        ['a', 2n, false],
        ['b', 3n, false],
      ],
    ],
  ] as const)('%s', (_name, steps) => {
    const dedup = new VerdictDedup(60n * S, 10);
    for (const [edge, ts, admitted] of steps)
      expect(dedup.admit(edge, '10.0.0.1', 22, 'tcp', 0, ts)).toBe(admitted);
  });

  it.each([
    ['client', ['10.0.0.2', '10.0.0.1', 22, 'tcp', 0]],
    ['server', ['10.0.0.1', '10.0.0.2', 22, 'tcp', 0]],
    ['port', ['10.0.0.1', '10.0.0.1', 23, 'tcp', 0]],
    ['proto', ['10.0.0.1', '10.0.0.1', 22, 'udp', 0]],
    ['outcome', ['10.0.0.1', '10.0.0.1', 22, 'tcp', 1]],
    ['the split between client and server', ['10.0.0.11', '0.0.0.1', 22, 'tcp', 0]],
  ] as const)('a key differing only in its %s is another key', (_name, key) => {
    const dedup = new VerdictDedup(60n * S, 10);
    expect(dedup.admit('10.0.0.1', '10.0.0.1', 22, 'tcp', 0, 0n)).toBe(true);
    const [client, server, port, proto, outcome] = key;
    expect(dedup.admit(client, server, port, proto, outcome, 1n)).toBe(true);
    expect(dedup.size).toBe(2);
  });

  // Pairs of keys that differ in one part and hash alike (found by a birthday search over the
  // 30-bit key hash): the table puts them in one probe run, and only comparing every part tells
  // them apart. Should the hash change, they stay two distinct keys that must be kept apart.
  type Key = readonly [client: string, server: string, port: number, proto: string, outcome: number];
  it.each<[string, Key, Key]>([
    ['port', ['10.0.0.1', '10.0.0.2', 5044, 'tcp', 0], ['10.0.0.1', '10.0.0.2', 9551, 'tcp', 0]],
    ['outcome', ['10.0.0.1', '10.0.0.2', 443, 'tcp', 26276], ['10.0.0.1', '10.0.0.2', 443, 'tcp', 36463]],
    ['client', ['10.0.105.234', '10.0.0.2', 443, 'tcp', 0], ['10.0.215.17', '10.0.0.2', 443, 'tcp', 0]],
    ['server', ['10.0.0.1', '10.0.12.44', 443, 'tcp', 0], ['10.0.0.1', '10.0.178.104', 443, 'tcp', 0]],
    ['proto', ['10.0.0.1', '10.0.0.2', 443, 'p29466', 0], ['10.0.0.1', '10.0.0.2', 443, 'p49512', 0]],
  ])('keys hashing alike but differing in their %s are two keys', (_name, a, b) => {
    const dedup = new VerdictDedup(60n * S, 10);
    expect(dedup.admit(...a, 0n)).toBe(true);
    expect(dedup.admit(...b, 1n)).toBe(true);
    expect(dedup.admit(...a, 2n)).toBe(false);
    expect(dedup.admit(...b, 3n)).toBe(false);
    expect(dedup.size).toBe(2);
  });

  it('empty parts make a key like any other', () => {
    const dedup = new VerdictDedup(60n * S, 10);
    expect(dedup.admit('', '', 0, '', 0, 0n)).toBe(true);
    expect(dedup.admit('', '', 0, '', 0, 1n)).toBe(false);
    expect(dedup.admit('', '', 0, 'tcp', 0, 2n)).toBe(true);
    expect(dedup.size).toBe(2);
  });

  it.each([0, -1])('a capacity of %s is refused', (capacity) => {
    expect(() => new VerdictDedup(60n * S, capacity)).toThrow(
      new RangeError('dedup capacity must be at least 1'),
    );
  });

  it('at the cap the key published longest ago is evicted and counted', () => {
    const dedup = new VerdictDedup(60n * S, 2);
    dedup.admit('a', 's', 1, 'tcp', 0, 0n);
    dedup.admit('b', 's', 1, 'tcp', 0, 1n);
    dedup.admit('a', 's', 1, 'tcp', 0, 61n * S); // a is published again: b is now the oldest
    dedup.admit('c', 's', 1, 'tcp', 0, 62n * S);
    expect(dedup.evictions).toBe(1);
    expect(dedup.admit('a', 's', 1, 'tcp', 0, 63n * S)).toBe(false);
    expect(dedup.admit('b', 's', 1, 'tcp', 0, 63n * S)).toBe(true);
    expect(dedup.size).toBe(2);
  });

  it('clear forgets every key', () => {
    const dedup = new VerdictDedup(60n * S, 4);
    dedup.admit('a', 's', 1, 'tcp', 0, 0n);
    dedup.clear();
    expect(dedup.size).toBe(0);
    expect(dedup.admit('a', 's', 1, 'tcp', 0, 1n)).toBe(true);
  });

  it('agrees with a Map in publication order on 200 000 random admissions (growth, eviction, probe runs)', () => {
    let seed = 7;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (const capacity of [1, 7, 64, 1000]) {
      const dedup = new VerdictDedup(1000n, capacity);
      const model = new Map<string, bigint>();
      let evictions = 0;
      let ts = 0n;
      for (let i = 0; i < 50_000; i++) {
        ts += BigInt(rand(20));
        const key = [
          `10.0.${rand(8)}.${rand(40)}`,
          `10.1.0.${rand(30)}`,
          rand(3),
          rand(5) === 0 ? 'udp' : 'tcp',
          rand(3),
        ] as const;
        const k = key.join('|');
        let expected = true;
        const end = model.get(k);
        if (end !== undefined) {
          if (ts < end) expected = false;
          else model.delete(k);
        } else if (model.size >= capacity) {
          model.delete(model.keys().next().value as string);
          evictions++;
        }
        if (expected) model.set(k, ts + 1000n);
        expect(dedup.admit(...key, ts)).toBe(expected);
      }
      expect(dedup.size).toBe(model.size);
      expect(dedup.evictions).toBe(evictions);
    }
  });
});
