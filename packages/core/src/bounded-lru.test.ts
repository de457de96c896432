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

  it('never grows past its capacity', () => {
    const lru = new BoundedLru<number, number>(100);
    for (let i = 0; i < 10_000; i++) lru.set(i, i);
    expect(lru.size).toBe(100);
    expect(lru.evictions).toBe(9_900);
  });
});
