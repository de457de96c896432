import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.js';

describe('BoundedQueue', () => {
  it('hands everything accepted to the consumer, in order, in batches', async () => {
    const got: number[] = [];
    const batches: number[] = [];
    const q = new BoundedQueue<number>({
      capacity: 1000,
      batchSize: 100,
      consume: async (batch) => {
        batches.push(batch.length);
        got.push(...batch);
      },
    });
    for (let i = 0; i < 250; i++) q.push(i);
    await q.flush();
    expect(got).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(batches).toEqual([100, 100, 50]);
    expect(q.dropped).toBe(0);
  });

  it('drops and counts when full instead of blocking the publisher', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const got: number[] = [];
    const q = new BoundedQueue<number>({
      capacity: 10,
      batchSize: 5,
      consume: async (b) => {
        await gate;
        got.push(...b);
      },
    });
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (q.push(i)) accepted++;
    expect(accepted).toBe(10);
    expect(q.dropped).toBe(90);
    release();
    await q.flush();
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('counts a failing batch and keeps draining', async () => {
    const errors: unknown[] = [];
    const got: number[] = [];
    const q = new BoundedQueue<number>({
      capacity: 100,
      batchSize: 2,
      consume: async (b) => {
        if (b.includes(2)) throw new Error('disk full');
        got.push(...b);
      },
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 6; i++) q.push(i);
    await q.flush();
    expect(got).toEqual([0, 1, 4, 5]);
    expect(q.failedBatches).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('refuses pushes after close but drains what it had', async () => {
    const got: number[] = [];
    const q = new BoundedQueue<number>({ capacity: 10, consume: async (b) => void got.push(...b) });
    q.push(1);
    await q.close();
    expect(q.push(2)).toBe(false);
    expect(got).toEqual([1]);
    expect(q.dropped).toBe(1);
  });
});
