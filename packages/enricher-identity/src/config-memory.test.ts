import { MemoryBudget } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { BYTES_PER_CACHED_ADDRESS, BYTES_PER_CACHED_EDGE, cacheSizes, IDENTITY_DEFAULTS } from './config.js';

describe('identity cache sizes', () => {
  const memory = new MemoryBudget(150);
  const half = memory.bytes('identity') / 2;

  it.each([
    {
      name: 'from the identity share of limits.memory_mb',
      config: {},
      budget: memory,
      want: {
        cache_size: Math.floor(half / BYTES_PER_CACHED_ADDRESS),
        edge_cache_size: Math.floor(half / BYTES_PER_CACHED_EDGE),
      },
    },
    {
      name: 'twice the budget, twice the caches',
      config: {},
      budget: new MemoryBudget(300),
      want: {
        cache_size: 2 * Math.floor(half / BYTES_PER_CACHED_ADDRESS),
        edge_cache_size: 2 * Math.floor(half / BYTES_PER_CACHED_EDGE),
      },
    },
    {
      name: 'explicit sizes win',
      config: { cache_size: 5, edge_cache_size: 7 },
      budget: memory,
      want: { cache_size: 5, edge_cache_size: 7 },
    },
    {
      name: 'no budget: the defaults',
      config: {},
      budget: undefined,
      want: { cache_size: IDENTITY_DEFAULTS.cache_size, edge_cache_size: IDENTITY_DEFAULTS.edge_cache_size },
    },
  ])('$name', ({ config, budget, want }) => {
    expect(cacheSizes(config, budget)).toEqual(want);
  });
});
