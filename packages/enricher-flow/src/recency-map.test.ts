import { describe, expect, it } from 'vitest';
import { RecencyMap } from './recency-map.js';

/** Touches keys as `key@ts#tag` steps; returns the map and the tags handed back when forgotten. */
function run(
  cap: number,
  steps: string[],
  cutoff?: number,
): { map: RecencyMap<string>; forgotten: number[] } {
  const forgotten: number[] = [];
  const map = new RecencyMap<string>(cap, (tag) => forgotten.push(tag));
  for (const step of steps) {
    const [key, rest] = step.split('@');
    const [ts, tag] = rest.split('#').map(Number);
    map.touch(key, ts, tag);
  }
  if (cutoff !== undefined) map.expire(cutoff);
  return { map, forgotten };
}

describe('RecencyMap', () => {
  it.each([
    {
      name: 'a full map forgets its least recently seen key for a new one, many times over',
      cap: 2,
      steps: ['a@1#1', 'b@2#2', 'c@3#3', 'd@4#4', 'e@5#5'],
      size: 2,
      evictions: 3,
      forgotten: [1, 2, 3],
      new: { e: false, d: false, a: true },
    },
    {
      name: 'a touched key is kept over an older one',
      cap: 2,
      steps: ['a@1#1', 'b@2#2', 'a@3#1', 'c@4#3'],
      size: 2,
      evictions: 1,
      forgotten: [2],
      new: { a: false, c: false, b: true },
    },
    {
      name: 'a repeated sighting (same key, same time) is a no-op: the key stays the least recent',
      cap: 2,
      steps: ['a@5#1', 'b@5#2', 'a@5#1', 'c@6#3'],
      size: 2,
      evictions: 1,
      forgotten: [1],
      new: { b: false, c: false, a: true },
    },
    {
      name: 'a sighting older than the last one (out of order) does not make the key more recent',
      cap: 2,
      steps: ['a@5#1', 'b@6#2', 'a@3#1', 'c@7#3'],
      size: 2,
      evictions: 1,
      forgotten: [1],
      new: { b: false, c: false, a: true },
    },
    {
      name: 'a sighting older than the last one does not bring its expiry forward',
      cap: 2,
      steps: ['a@5#1', 'a@3#1'],
      cutoff: 4,
      size: 1,
      evictions: 0,
      forgotten: [],
      new: { a: false },
    },
    {
      name: 'keys expired then new ones (nodes reused): each new key is its own',
      cap: 3,
      steps: ['a@1#1', 'b@2#2', 'c@10#3'],
      cutoff: 5,
      size: 1,
      evictions: 0,
      forgotten: [1, 2],
      new: { c: false, x: true, a: true },
    },
  ])('$name', ({ cap, steps, cutoff, size, evictions, forgotten, new: isNew }) => {
    const got = run(cap, steps, cutoff);
    expect(got.map.size).toBe(size);
    expect(got.map.evictions).toBe(evictions);
    expect(got.forgotten).toEqual(forgotten);
    // touch() at an old time changes nothing for a key held, and says whether the key was new.
    for (const [key, want] of Object.entries(isNew)) {
      const probe = run(cap, steps, cutoff);
      expect(probe.map.touch(key, 0, 99)).toBe(want);
    }
  });

  it('hands back the tag of the key a reused node held, not of the key it holds now', () => {
    const forgotten: number[] = [];
    const map = new RecencyMap<string>(1, (tag) => forgotten.push(tag));
    map.touch('a', 1, 10);
    map.touch('b', 2, 20); // forgets a, its node now holds b
    map.touch('c', 3, 30); // forgets b
    map.expire(3); // forgets c
    expect(forgotten).toEqual([10, 20, 30]);
    expect(map.size).toBe(0);
    expect(map.touch('b', 4, 40)).toBe(true);
  });
});
