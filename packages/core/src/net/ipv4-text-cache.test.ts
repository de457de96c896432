import { describe, expect, it } from 'vitest';
import { Ipv4TextCache } from './ipv4-text-cache.js';

describe('Ipv4TextCache', () => {
  it('writes dotted quads, high octet first', () => {
    const cache = new Ipv4TextCache();
    expect(cache.text(0x0a010203)).toBe('10.1.2.3');
    expect(cache.text(0xffffffff)).toBe('255.255.255.255');
    expect(cache.text(0)).toBe('0.0.0.0');
  });

  it('hands back the same string for the same address', () => {
    const cache = new Ipv4TextCache();
    const first = cache.text(0xc0a80001);
    expect(cache.text(0xc0a80001)).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('starts over when full, so it never holds more than its capacity', () => {
    const cache = new Ipv4TextCache(3);
    for (let a = 1; a <= 3; a++) cache.text(a);
    expect(cache.size).toBe(3);
    expect(cache.text(4)).toBe('0.0.0.4');
    expect(cache.size).toBe(1);
    for (let a = 0; a < 100; a++) {
      cache.text(a * 7919);
      expect(cache.size).toBeLessThanOrEqual(3);
    }
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new Ipv4TextCache(0)).toThrow(/positive integer, got 0/);
    expect(() => new Ipv4TextCache(1.5)).toThrow(RangeError);
  });
});
