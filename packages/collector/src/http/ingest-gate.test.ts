import { describe, expect, it } from 'vitest';
import { IngestGate } from './ingest-gate.js';

describe('IngestGate', () => {
  it('lets `limit` in at once, the rest in arrival order as slots free; leaving twice frees one slot', async () => {
    const gate = new IngestGate(2);
    const order: number[] = [];
    const leaves: Array<() => void> = [];
    const entered = [1, 2, 3, 4, 5].map((n) =>
      gate.enter().then((leave) => {
        order.push(n);
        leaves.push(leave);
      }),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([1, 2]);
    expect(gate.peakWaiting).toBe(3);
    leaves[0]();
    leaves[0](); // a second leave of the same upload does nothing
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([1, 2, 3]);
    leaves[1]();
    leaves[2]();
    await Promise.all(entered);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });
});
