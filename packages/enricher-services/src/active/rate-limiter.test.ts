import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it.each([
    {
      name: 'a burst, then one per interval',
      rate: 2,
      burst: 2,
      takes: [0, 0, 0, 499, 500, 999, 1000],
      want: [true, true, false, false, true, false, true],
    },
    {
      name: 'idle time refills up to the burst only',
      rate: 1,
      burst: 1,
      takes: [0, 10_000, 10_000, 11_000],
      want: [true, true, false, true],
    },
    { name: 'fractional rates', rate: 0.5, burst: 1, takes: [0, 1000, 2000], want: [true, false, true] },
  ])('$name', ({ rate, burst, takes, want }) => {
    const limiter = new RateLimiter(rate, burst, 0);
    expect(takes.map((t) => limiter.tryTake(t))).toEqual(want);
  });

  it('says how long until the next token', () => {
    const limiter = new RateLimiter(4, 1, 0);
    expect(limiter.tryTake(0)).toBe(true);
    expect(limiter.waitMs(0)).toBe(250);
    expect(limiter.waitMs(100)).toBe(150);
    expect(limiter.waitMs(250)).toBe(0);
  });
});
