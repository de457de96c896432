import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { ipv4, tcp } from '../build/frames.js';
import { DecodedPacket } from '../decode/decoded.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/link-types.js';
import { FlowState } from './flow-state.js';
import { FlowTable } from './flow-table.js';

/**
 * FlowTable against a model of its two generations as plain arrays of flow numbers: a lookup hits
 * the young array, or moves the flow from the old array to the young one; an insert into a full
 * young array (capacity/2 flows) drops the old array, counting its flows as evictions, and the
 * young one becomes old. Packets are looked up as the capture logic does (find, insert on a miss),
 * with hashes that collide on purpose, so chains in both generations are walked and unlinked at
 * their head, middle and tail.
 */
const FLOWS = 12;
const packets = Array.from({ length: FLOWS }, (_, i) => {
  const frame = ipv4(
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 6 },
    tcp({ sport: 2000 + i, dport: 80, flags: 0x10 }),
  );
  const p = new DecodedPacket();
  new PacketDecoder().decode(p, frame, 0, frame.length, LinkType.RAW);
  return p;
});

class Model {
  young: number[] = [];
  old: number[] = [];
  evictions = 0;
  constructor(private readonly generation: number) {}

  /** Whether the flow was there; it is there afterwards either way. */
  touch(flow: number): boolean {
    if (this.young.includes(flow)) return true;
    const inOld = this.old.includes(flow);
    if (inOld) this.old = this.old.filter((f) => f !== flow);
    if (this.young.length >= this.generation) {
      this.evictions += this.old.length;
      this.old = this.young;
      this.young = [];
    }
    this.young.push(flow);
    return inOld;
  }
}

describe('FlowTable against a two-generation model', () => {
  it('hits, misses, size and evictions after every lookup', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat({ max: FLOWS - 1 }), { minLength: 1, maxLength: 80 }),
        (capacity, buckets, lookups) => {
          const table = new FlowTable(capacity);
          const model = new Model(Math.floor(capacity / 2));
          const states = new Map<number, FlowState>();
          const step = (flow: number): void => {
            const hash = flow % buckets;
            const found = table.find(hash, packets[flow], true);
            if (model.touch(flow)) expect(found).toBe(states.get(flow));
            else {
              expect(found).toBeUndefined();
              const state = new FlowState('lo', 'hi', packets[flow], true);
              states.set(flow, state);
              table.insert(hash, state);
            }
            expect([table.size, table.evictions]).toEqual([
              model.young.length + model.old.length,
              model.evictions,
            ]);
          };
          lookups.forEach(step);
          // Then every flow the model still holds, old generation first.
          [...model.old, ...model.young].forEach(step);
        },
      ),
      propertyRuns('FlowTable vs two-generation model', 300),
    );
  });

  it('clear forgets every flow', () => {
    const table = new FlowTable(8);
    packets.slice(0, 6).forEach((p, i) => table.insert(i % 2, new FlowState('lo', 'hi', p, true)));
    table.clear();
    expect(table.size).toBe(0);
    packets.slice(0, 6).forEach((p, i) => expect(table.find(i % 2, p, true)).toBeUndefined());
  });

  it.each([1, 0, -4, Number.NaN])('refuses a capacity of %d', (capacity) => {
    expect(() => new FlowTable(capacity)).toThrow(new RangeError('FlowTable capacity must be at least 2'));
  });
});
