import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_MB, MEMORY_SHARES, MemoryBudget } from './memory-budget.js';

const MB = 1024 * 1024;

describe('MemoryBudget', () => {
  it('hands out the whole budget, every share once', () => {
    expect(Object.values(MEMORY_SHARES).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it.each([
    {
      name: 'flow table at the default',
      mb: DEFAULT_MEMORY_MB,
      store: 'flow_table',
      want: Math.floor((150 * MB * 12) / 100),
    },
    { name: 'flow at 32 MB', mb: 32, store: 'flow', want: Math.floor((32 * MB * 20) / 100) },
    { name: 'plugins at 1 GB', mb: 1024, store: 'plugins', want: Math.floor((1024 * MB * 4) / 100) },
  ] as const)('$name: its percentage of limits.memory_mb', ({ mb, store, want }) => {
    expect(new MemoryBudget(mb).bytes(store)).toBe(want);
  });

  it.each([
    {
      name: 'whole share',
      fraction: undefined,
      min: undefined,
      want: Math.floor((150 * MB * 8) / 100 / 512),
    },
    {
      name: 'half the share',
      fraction: 0.5,
      min: undefined,
      want: Math.floor((150 * MB * 8) / 100 / 2 / 512),
    },
    { name: 'at least the minimum', fraction: 0.000001, min: 16, want: 16 },
  ])('entriesFor, $name', ({ fraction, min, want }) => {
    expect(new MemoryBudget(150).entriesFor('fqdn', 512, fraction, min)).toBe(want);
  });

  it.each([0, -1, Number.NaN])('refuses a budget of %s', (mb) => {
    expect(() => new MemoryBudget(mb)).toThrow(/limits.memory_mb must be positive/);
  });
});
