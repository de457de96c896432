import { describe, expect, it } from 'vitest';
import { EdgeTable } from './edge-table.js';

const a = { client: '10.0.0.1', server: '10.0.0.2', port: 80, proto: 'tcp' as const };
const b = { ...a, port: 443 };

describe('EdgeTable', () => {
  it('adds, extends (never shortens), expires at the exact time, and removes', () => {
    const t = new EdgeTable(10);
    expect(t.put(a, ['r1'], 1000, 5000, true)).toMatchObject({ fresh: true, entry: { expiresAt: 6000 } });
    expect(t.put(a, ['r2'], 2000, 1000, true)).toMatchObject({
      fresh: false,
      entry: { expiresAt: 6000, ruleIds: ['r1', 'r2'] },
    });
    expect(t.put(a, ['r1'], 3000, 5000, true)?.entry.expiresAt).toBe(8000);
    t.put(b, ['r3'], 3000, 1000, false);
    expect(t.expire(3999).map((e) => e.edge.port)).toEqual([]);
    expect(t.expire(4000).map((e) => e.edge.port)).toEqual([443]);
    expect(t.remove(a)?.ruleIds).toEqual(['r1', 'r2']);
    expect(t.remove(a)).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it('refuses a new ban when full, but still extends one in force', () => {
    const t = new EdgeTable(1);
    t.put(a, ['r'], 0, 10, true);
    expect(t.put(b, ['r'], 0, 10, true)).toBeNull();
    expect(t.put(a, ['r'], 0, 20, true)?.entry.expiresAt).toBe(20);
  });

  it('keys edges by client, server, port and proto', () => {
    const t = new EdgeTable(10);
    for (const e of [
      a,
      b,
      { ...a, proto: 'udp' as const },
      { ...a, client: '10.0.0.3' },
      { ...a, server: '10.0.0.1', client: '10.0.0.2' },
    ])
      expect(t.put(e, [], 0, 1, true)?.fresh).toBe(true);
    expect(t.size).toBe(5);
  });
});
