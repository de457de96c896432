import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../events.js';
import { Bus } from './bus.js';

const flow = (n: number): FlowEvent => ({
  ts: BigInt(n),
  iface: 'eth0',
  dir: 'ingress',
  src: '10.0.0.1',
  dst: '10.0.0.2',
  sport: 40000 + n,
  dport: 80,
  proto: 'tcp',
});

describe('Bus', () => {
  it('delivers synchronously to every subscriber in subscription order', () => {
    const bus = new Bus();
    const seen: string[] = [];
    bus.subscribe('flow', (e) => seen.push(`a${e.ts}`));
    bus.subscribe('flow', (e) => seen.push(`b${e.ts}`));
    bus.publish('flow', flow(1));
    expect(seen).toEqual(['a1', 'b1']);
  });

  it('publishes a batch in order to each subscriber', () => {
    const bus = new Bus();
    const seen: bigint[] = [];
    bus.subscribe('flow', (e) => seen.push(e.ts));
    bus.publishBatch('flow', [flow(1), flow(2), flow(3)]);
    expect(seen).toEqual([1n, 2n, 3n]);
  });

  it('unsubscribes, idempotently, without disturbing a publish in progress', () => {
    const bus = new Bus();
    const seen: string[] = [];
    const offB = bus.subscribe('flow', () => seen.push('b'));
    bus.subscribe('flow', () => {
      seen.push('a');
      offB();
    });
    bus.subscribe('flow', () => seen.push('c'));
    // a runs after b here; removing b mid-publish must not skip c.
    bus.publish('flow', flow(1));
    bus.publish('flow', flow(2));
    offB();
    expect(seen).toEqual(['b', 'a', 'c', 'a', 'c']);
    expect(bus.subscriberCount('flow')).toBe(2);
  });

  it('isolates a throwing subscriber and reports it', () => {
    const errors: string[] = [];
    const bus = new Bus((topic, e) => errors.push(`${topic}:${(e as Error).message}`));
    const seen: number[] = [];
    bus.subscribe('flow', () => {
      throw new Error('boom');
    });
    bus.subscribe('flow', (e) => seen.push(Number(e.ts)));
    bus.publish('flow', flow(7));
    expect(seen).toEqual([7]);
    expect(errors).toEqual(['flow:boom']);
    expect(bus.errors).toBe(1);
  });

  it('does nothing for a topic without subscribers', () => {
    const bus = new Bus();
    expect(bus.hasSubscribers('dns')).toBe(false);
    expect(() => bus.publish('flow', flow(1))).not.toThrow();
  });
});
