import { describe, expect, it } from 'vitest';
import { BoundedLru } from './bounded-lru.js';

describe('BoundedLru', () => {
  it('evicts the least recently used key and counts it', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now younger than b
    lru.set('c', 3);
    expect(lru.peek('b')).toBeUndefined();
    expect(lru.peek('a')).toBe(1);
    expect(lru.evictions).toBe(1);
    expect(lru.size).toBe(2);
  });

  it('peek does not refresh, set of an existing key does not evict', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.peek('a');
    lru.set('b', 20);
    lru.set('c', 3);
    expect(lru.peek('a')).toBeUndefined();
    expect(lru.peek('b')).toBe(20);
    expect(lru.evictions).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects capacity %s', (capacity) => {
    expect(() => new BoundedLru(capacity)).toThrow(RangeError);
  });

  it('keeps exact LRU order through gets, sets, deletes and evictions (against a reference)', () => {
    const lru = new BoundedLru<number, number>(50);
    const reference: number[] = []; // oldest first
    let seed = 11;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    for (let i = 0; i < 20_000; i++) {
      const key = rand(120);
      const op = rand(4);
      const at = reference.indexOf(key);
      if (op === 0) {
        expect(lru.get(key)).toBe(at >= 0 ? key * 2 : undefined);
        if (at >= 0) reference.push(...reference.splice(at, 1));
      } else if (op === 1) {
        expect(lru.delete(key)).toBe(at >= 0);
        if (at >= 0) reference.splice(at, 1);
      } else {
        lru.set(key, key * 2);
        if (at >= 0) reference.splice(at, 1);
        else if (reference.length >= 50) reference.shift();
        reference.push(key);
      }
      expect(lru.size).toBe(reference.length);
    }
    for (const key of reference) expect(lru.peek(key)).toBe(key * 2);
  });

  it('clear() empties it and it works again after', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.clear();
    expect(lru.size).toBe(0);
    lru.set('b', 2);
    lru.set('c', 3);
    lru.set('d', 4);
    expect([lru.peek('b'), lru.peek('c'), lru.peek('d')]).toEqual([undefined, 3, 4]);
  });

  it('never grows past its capacity', () => {
    const lru = new BoundedLru<number, number>(100);
    for (let i = 0; i < 10_000; i++) lru.set(i, i);
    expect(lru.size).toBe(100);
    expect(lru.evictions).toBe(9_900);
  });
});
