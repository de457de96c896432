import { describe, expect, it } from 'vitest';
import { ipv4, ipv6, tcp, udp } from '../build/frames.js';
import { DecodedPacket } from '../decode/decoded.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/link-types.js';
import { FlowState } from './flow-state.js';
import { FlowTable } from './flow-table.js';

function packet(frame: Uint8Array): DecodedPacket {
  const p = new DecodedPacket();
  new PacketDecoder().decode(p, frame, 0, frame.length, LinkType.RAW);
  return p;
}

const flows = [
  packet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 1000, dport: 80, flags: 0x10 }))),
  packet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 1001, dport: 80, flags: 0x10 }))),
  packet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp(1000, 80, new Uint8Array(1)))),
  packet(ipv6({ src: 'fd00::1', dst: 'fd00::2', proto: 6 }, tcp({ sport: 1000, dport: 80, flags: 0x10 }))),
  packet(ipv6({ src: 'fd00::1', dst: 'fd00::3', proto: 6 }, tcp({ sport: 1000, dport: 80, flags: 0x10 }))),
];

describe('FlowTable', () => {
  it('tells flows apart when every hash collides, and finds each from either side', () => {
    const table = new FlowTable(100);
    const states = flows.map((p) => {
      const s = new FlowState('lo', 'hi', p, true);
      table.insert(7, s);
      return s;
    });
    flows.forEach((p, i) => expect(table.find(7, p, true)).toBe(states[i]));
    // The same flow seen from the other side: "lo" is the destination.
    const reply = packet(
      ipv4({ src: '10.0.0.2', dst: '10.0.0.1', proto: 6 }, tcp({ sport: 80, dport: 1001, flags: 0x10 })),
    );
    expect(table.find(7, reply, false)).toBe(states[1]);
    expect(table.find(7, reply, true)).toBeUndefined();
    expect(table.find(8, flows[0], true)).toBeUndefined();
  });

  it('keeps used flows across generations, evicts unused ones and counts them', () => {
    const table = new FlowTable(4);
    const states = flows.slice(0, 4).map((p, i) => {
      const s = new FlowState('lo', 'hi', p, true);
      table.insert(i % 2, s);
      return s;
    });
    // Generation of 2: flows 0 and 1 aged when 2 came in, were dropped when 4 would come in.
    expect(table.find(0, flows[2], true)).toBe(states[2]);
    table.insert(9, new FlowState('lo', 'hi', flows[4], true));
    expect(table.size).toBeLessThanOrEqual(4);
    expect(table.find(0, flows[0], true)).toBeUndefined();
    expect(table.evictions).toBeGreaterThanOrEqual(2);
  });
});
