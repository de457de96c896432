import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { concat, ethernet, ipv4, ipv6, tcp, udp, vxlan } from '../build/frames.js';
import { DecodedPacket } from '../decode/decoded.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/link-types.js';
import { FlowState, TcpDnsStream } from './flow-state.js';

/** A DNS-over-TCP message (RFC 1035 §4.2.2): a 2-byte big-endian length, then the message. */
function prefixed(message: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([message.length >> 8, message.length & 255]), message);
}

/** A message whose bytes say which one it is (first byte) and fill the rest with a pattern. */
function message(id: number, size: number): Uint8Array {
  const m = new Uint8Array(size);
  for (let i = 0; i < size; i++) m[i] = (id * 31 + i) & 255;
  if (size > 0) m[0] = id;
  return m;
}

interface Segment {
  seq: number;
  data: Uint8Array;
  /** Bytes sent; defaults to data.length (a cut segment has fewer captured than sent). */
  wire?: number;
}

function feed(segments: Segment[], stream = new TcpDnsStream()): number[][] {
  const out: number[][] = [];
  for (const s of segments) {
    // The segment sits inside a larger buffer, as a payload inside a frame does.
    const frame = concat(Uint8Array.from([0xee, 0xee, 0xee]), s.data, Uint8Array.from([0xdd, 0xdd]));
    stream.push(s.seq >>> 0, frame, 3, s.data.length, s.wire ?? s.data.length, (buffer, start, end) =>
      out.push(Array.from(buffer.subarray(start, end))),
    );
  }
  return out;
}

const A = message(1, 40);
const B = message(2, 700);
const C = message(3, 30);
const STREAM = concat(prefixed(A), prefixed(B), prefixed(C)); // 42 + 702 + 32 = 776 bytes

describe('TcpDnsStream', () => {
  const cases: Array<{ name: string; segments: Segment[]; expected: Uint8Array[] }> = [
    {
      name: 'three messages in one segment',
      segments: [{ seq: 1, data: STREAM }],
      expected: [A, B, C],
    },
    {
      name: 'split inside a length prefix and inside a message',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 43) },
        { seq: 44, data: STREAM.subarray(43, 300) },
        { seq: 300, data: STREAM.subarray(299) },
      ],
      expected: [A, B, C],
    },
    {
      name: 'a message complete, the next one incomplete in the same segment',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 100) },
        { seq: 101, data: STREAM.subarray(100) },
      ],
      expected: [A, B, C],
    },
    {
      name: 'a zero-length message (just its prefix) at the end of a segment',
      segments: [{ seq: 1, data: concat(prefixed(A), prefixed(new Uint8Array(0))) }],
      expected: [A, new Uint8Array(0)],
    },
    {
      name: 'an exact retransmission is dropped',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 60) },
        { seq: 1, data: STREAM.subarray(0, 60) },
        { seq: 61, data: STREAM.subarray(60) },
      ],
      expected: [A, B, C],
    },
    {
      name: 'a retransmission with new data after the old keeps only the new bytes',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 60) },
        { seq: 51, data: STREAM.subarray(50, 400) },
        { seq: 401, data: STREAM.subarray(400) },
      ],
      expected: [A, B, C],
    },
    {
      name: 'an old segment cut by the capture does not break the stream',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 60) },
        { seq: 1, data: STREAM.subarray(0, 30), wire: 60 },
        { seq: 61, data: STREAM.subarray(60) },
      ],
      expected: [A, B, C],
    },
    {
      name: 'a gap drops the buffered part and resynchronizes on the next segment',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 100) }, // A, and the start of B
        { seq: 1000, data: prefixed(C) },
      ],
      expected: [A, C],
    },
    {
      name: 'a segment exactly 2^31 ahead is a gap, not old data',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 100) },
        { seq: 101 + 0x80000000, data: prefixed(C) },
      ],
      expected: [A, C],
    },
    {
      name: 'a segment cut by the capture drops the buffered part; the next segment starts a message',
      segments: [
        { seq: 1, data: STREAM.subarray(0, 100) },
        { seq: 101, data: STREAM.subarray(100, 200), wire: 300 },
        { seq: 401, data: prefixed(C) },
      ],
      expected: [A, C],
    },
    {
      name: 'after a cut segment any sequence number starts a message (0 included)',
      segments: [
        { seq: 100, data: STREAM.subarray(0, 10), wire: 50 },
        { seq: 0, data: prefixed(C) },
      ],
      expected: [C],
    },
    {
      name: 'sequence numbers wrap: the stream ends exactly at 2^32, then a retransmission',
      segments: [
        { seq: 2 ** 32 - 60, data: STREAM.subarray(0, 60) },
        { seq: 2 ** 32 - 60, data: STREAM.subarray(0, 60) },
        { seq: 0, data: STREAM.subarray(60) },
      ],
      expected: [A, B, C],
    },
  ];
  it.each(cases)('$name', ({ segments, expected }) => {
    expect(feed(segments)).toEqual(expected.map((m) => Array.from(m)));
  });

  it('follows messages of the largest size, 65 535 bytes, back to back in large segments', () => {
    const big = [message(7, 65535), message(8, 65535), message(9, 12)];
    const stream = concat(...big.map(prefixed));
    // 60 000 bytes first, then 70 000: the buffered part plus the new segment exceed one message.
    const out = feed([
      { seq: 1, data: stream.subarray(0, 60000) },
      { seq: 60001, data: stream.subarray(60000, 130000) },
      { seq: 130001, data: stream.subarray(130000) },
    ]);
    expect(out.map((m) => [m[0], m.length])).toEqual([
      [7, 65535],
      [8, 65535],
      [9, 12],
    ]);
    expect(out).toEqual(big.map((m) => Array.from(m)));
  });

  it('takes one segment longer than the largest message', () => {
    const big = [message(7, 65535), message(8, 100)];
    expect(feed([{ seq: 1, data: concat(...big.map(prefixed)) }])).toEqual(big.map((m) => Array.from(m)));
  });

  it('gives the messages sent, whatever the segmentation, retransmissions and start sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 900 }), fc.nat({ max: 3 }), fc.nat({ max: 900 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.nat({ max: 2 ** 32 - 1 }),
        (sizes, cuts, isn) => {
          const messages = sizes.map((n, i) => message(i + 1, n));
          const stream = concat(...messages.map(prefixed));
          // Segments in order; some followed by a retransmission of earlier bytes, which may reach
          // past what was sent before (the new part must be kept, the old part dropped).
          const segments: Segment[] = [];
          let at = 0;
          for (const [length, retransmit, back] of cuts) {
            if (at >= stream.length) break;
            const end = Math.min(stream.length, at + length);
            segments.push({ seq: isn + at, data: stream.subarray(at, end) });
            if (retransmit === 0) {
              const from = Math.max(0, end - back - 1);
              const to = Math.min(stream.length, from + length);
              segments.push({ seq: isn + from, data: stream.subarray(from, to) });
              at = Math.max(end, to);
            } else {
              at = end;
            }
          }
          if (at < stream.length) segments.push({ seq: isn + at, data: stream.subarray(at) });
          expect(feed(segments)).toEqual(messages.map((m) => Array.from(m)));
        },
      ),
      propertyRuns('TcpDnsStream vs the messages sent', 300),
    );
  });
});

function decoded(frame: Uint8Array, link: number = LinkType.RAW): DecodedPacket {
  const p = new DecodedPacket();
  new PacketDecoder().decode(p, frame, 0, frame.length, link);
  return p;
}

const v4 = (src: string, dst: string, sport: number, dport: number, proto = 6): DecodedPacket =>
  decoded(
    ipv4(
      { src, dst, proto },
      proto === 6 ? tcp({ sport, dport, flags: 0x10 }) : udp(sport, dport, new Uint8Array(4)),
    ),
  );
const v6 = (src: string, dst: string, sport: number, dport: number): DecodedPacket =>
  decoded(ipv6({ src, dst, proto: 6 }, tcp({ sport, dport, flags: 0x10 })));
const inVni = (vni: number, inner: Uint8Array): DecodedPacket =>
  decoded(
    ipv4(
      { src: '192.168.0.1', dst: '192.168.0.2', proto: 17 },
      udp(9999, 4789, vxlan(vni, ethernet(0x0800, inner))),
    ),
  );

describe('FlowState.matches', () => {
  // The flow 10.0.0.1:40000 → 10.0.0.2:443 (lo = 10.0.0.1), and its IPv6 twin.
  const flow4 = new FlowState('10.0.0.1', '10.0.0.2', v4('10.0.0.1', '10.0.0.2', 40000, 443), true);
  const flow6 = new FlowState('fd00::1', 'fd00::2', v6('fd00::1', 'fd00::2', 40000, 443), true);
  const zero4 = new FlowState('0.0.0.0', '0.0.0.0', v4('0.0.0.0', '0.0.0.0', 5, 7), true);
  const tunnelled = new FlowState(
    '10.0.0.1',
    '10.0.0.2',
    inVni(
      5,
      ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 40000, dport: 443, flags: 0x10 })),
    ),
    true,
  );
  const cases: Array<[string, FlowState, DecodedPacket, boolean, boolean]> = [
    ['v4 same direction', flow4, v4('10.0.0.1', '10.0.0.2', 40000, 443), true, true],
    ['v4 reply', flow4, v4('10.0.0.2', '10.0.0.1', 443, 40000), false, true],
    ['v4 other lo address', flow4, v4('10.0.0.3', '10.0.0.2', 40000, 443), true, false],
    ['v4 other hi address', flow4, v4('10.0.0.1', '10.0.0.3', 40000, 443), true, false],
    ['v4 reply from another address', flow4, v4('10.0.0.2', '10.0.0.3', 443, 40000), false, false],
    ['v4 other lo port', flow4, v4('10.0.0.1', '10.0.0.2', 40001, 443), true, false],
    ['v4 other hi port', flow4, v4('10.0.0.1', '10.0.0.2', 40000, 444), true, false],
    ['v4 UDP with the same tuple', flow4, v4('10.0.0.1', '10.0.0.2', 40000, 443, 17), true, false],
    ['v4 inside VNI 5 vs no tunnel', tunnelled, v4('10.0.0.1', '10.0.0.2', 40000, 443), true, false],
    [
      'v4 inside VNI 5 vs VNI 5',
      tunnelled,
      inVni(
        5,
        ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 40000, dport: 443, flags: 0x10 })),
      ),
      true,
      true,
    ],
    // An IPv6 packet has src4 = dst4 = 0: only the IP version tells it from 0.0.0.0 → 0.0.0.0.
    ['IPv6 :: vs IPv4 0.0.0.0, same ports', zero4, v6('::', '::', 5, 7), true, false],
    ['v6 same direction', flow6, v6('fd00::1', 'fd00::2', 40000, 443), true, true],
    ['v6 reply', flow6, v6('fd00::2', 'fd00::1', 443, 40000), false, true],
    ['v6 other lo address (last byte)', flow6, v6('fd00::3', 'fd00::2', 40000, 443), true, false],
    ['v6 other hi address (last byte)', flow6, v6('fd00::1', 'fd00::3', 40000, 443), true, false],
    ['v6 other hi address (first byte)', flow6, v6('fd00::1', 'fe00::2', 40000, 443), true, false],
    ['v6 reply from another address', flow6, v6('fd00::9', 'fd00::1', 443, 40000), false, false],
  ];
  it.each(cases)('%s', (_name, state, p, srcIsLo, expected) => {
    expect(state.matches(p, srcIsLo)).toBe(expected);
  });
});
