import fc from 'fast-check';
import type { BannerEvent, ConnEvent, DnsEvent, FlowEvent, SegmentEvent } from '@glia/core';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { bytesOf, concat, ethernet, ipv4, ipv6, tcp, udp, vxlan } from '../build/frames.js';
import { DecodeStatus } from '../decode/decoded.js';
import { LinkType } from '../decode/link-types.js';
import { CAPTURE_TOPICS, CaptureEventLogic, type CaptureTopic } from './capture-logic.js';

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const C = '10.0.0.1';
const S = '10.0.0.2';

interface Sent {
  topic: CaptureTopic;
  event: Record<string, unknown>;
}

function run(
  frames: Array<{ frame: Uint8Array; sec?: number; nsec?: number; link?: number }>,
  maxFlows?: number,
  maxTunnelDepth?: number,
): { out: Sent[]; logic: CaptureEventLogic; statuses: number[] } {
  const out: Sent[] = [];
  const logic = new CaptureEventLogic(
    (topic, event) => out.push({ topic, event: event as unknown as Record<string, unknown> }),
    { maxFlows, maxTunnelDepth },
  );
  const statuses = frames.map(({ frame, sec, nsec, link }, i) =>
    logic.handleFrame(
      frame,
      0,
      frame.length,
      link ?? LinkType.RAW,
      sec ?? 1000,
      nsec ?? i,
      'eth0',
      'ingress',
    ),
  );
  return { out, logic, statuses };
}

const topicsOf = (out: Sent[]): string[] => out.map((o) => o.topic);
const bannersOf = (out: Sent[]): BannerEvent[] =>
  out.filter((o) => o.topic === 'banner').map((o) => o.event as unknown as BannerEvent);
const segmentsOf = (out: Sent[]): Array<[number, number]> =>
  out
    .filter((o) => o.topic === 'segment')
    .map((o) => o.event as unknown as SegmentEvent)
    .map((s) => [s.offset, s.payload.length]);

const c2s = (flags: number, payload?: Uint8Array, seq = 1001, sport = 40000, dport = 443): Uint8Array =>
  ipv4({ src: C, dst: S, proto: 6, ttl: 64 }, tcp({ sport, dport, flags, seq, window: 64240 }, payload));
const s2c = (flags: number, payload?: Uint8Array, seq = 5001, sport = 443, dport = 40000): Uint8Array =>
  ipv4({ src: S, dst: C, proto: 6, ttl: 50 }, tcp({ sport, dport, flags, seq, window: 65160 }, payload));

const SYN_OPTIONS = Uint8Array.from([2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);

function tlsRecord(length: number): Uint8Array {
  const r = new Uint8Array(5 + length);
  r.set([0x16, 0x03, 0x01, length >> 8, length & 255]);
  for (let i = 5; i < r.length; i++) r[i] = i & 255;
  return r;
}

describe('CaptureEventLogic', () => {
  it('emits conn for SYN and SYN-ACK with ttl, window, raw options, mss and wscale', () => {
    const syn = ipv4(
      { src: C, dst: S, proto: 6, ttl: 64 },
      tcp({ sport: 40000, dport: 443, flags: SYN, window: 64240, options: SYN_OPTIONS }),
    );
    const { out } = run([{ frame: syn }, { frame: s2c(SYN | ACK) }]);
    expect(out.map((o) => o.topic)).toEqual(['conn', 'conn']);
    const [a, b] = out.map((o) => o.event as unknown as ConnEvent);
    expect(a).toMatchObject({
      phase: 'syn',
      src: C,
      dst: S,
      sport: 40000,
      dport: 443,
      proto: 'tcp',
      ttl: 64,
      window: 64240,
      mss: 1460,
      wscale: 7,
    });
    expect(Array.from(a.options)).toEqual(Array.from(SYN_OPTIONS));
    expect(a.ts).toBe(1000_000_000_000n);
    expect(a.iface).toBe('eth0');
    expect(b).toMatchObject({ phase: 'synack', src: S, dst: C, ttl: 50, window: 65160 });
    expect(b.mss).toBeUndefined();
    expect(b.options.length).toBe(0);
  });

  it('emits one banner per direction, the first payload, at most 256 bytes, with the handshake client', () => {
    const big = new Uint8Array(300).fill(0x41);
    const { out } = run([
      // Client on port 22 > server port 2000: only the SYN says who the client is.
      { frame: c2s(SYN, undefined, 1, 2000, 22) },
      { frame: s2c(SYN | ACK, undefined, 1, 22, 2000) },
      { frame: c2s(ACK, undefined, 2, 2000, 22) },
      { frame: s2c(ACK | PSH, big, 2, 22, 2000) },
      { frame: s2c(ACK | PSH, bytesOf('again'), 302, 22, 2000) },
      { frame: c2s(ACK | PSH, bytesOf('hello'), 2, 2000, 22) },
      { frame: c2s(ACK | PSH, bytesOf('more'), 7, 2000, 22) },
    ]);
    const banners = out.filter((o) => o.topic === 'banner').map((o) => o.event as unknown as BannerEvent);
    expect(banners.map((b) => b.sender)).toEqual(['server', 'client']);
    expect(banners[0].payload.length).toBe(256);
    expect(banners[0]).toMatchObject({ src: S, sport: 22 });
    expect(new TextDecoder().decode(banners[1].payload)).toBe('hello');
  });

  it('without a handshake, the lower port is the server; ties go to the lower address', () => {
    const { out } = run([
      { frame: c2s(ACK | PSH, bytesOf('x'), 1, 40000, 443) },
      {
        frame: ipv4(
          { src: '10.0.0.9', dst: '10.0.0.3', proto: 6 },
          tcp({ sport: 7000, dport: 7000, flags: ACK }, bytesOf('y')),
        ),
      },
    ]);
    const banners = out.filter((o) => o.topic === 'banner').map((o) => o.event as unknown as BannerEvent);
    expect(banners.map((b) => b.sender)).toEqual(['client', 'client']);
  });

  it('emits flow for non-SYN TCP and for UDP at most once per flow per 60 s, with packets and bytes', () => {
    const { out } = run([
      { frame: c2s(SYN), sec: 0 },
      { frame: s2c(SYN | ACK), sec: 0 },
      { frame: c2s(ACK), sec: 1 },
      { frame: s2c(ACK), sec: 30 },
      { frame: c2s(ACK), sec: 59 },
      { frame: c2s(ACK), sec: 61 },
      { frame: ipv4({ src: C, dst: S, proto: 17 }, udp(5000, 443, bytesOf('quic'))), sec: 61 },
      { frame: ipv4({ src: S, dst: C, proto: 17 }, udp(443, 5000, bytesOf('quic'))), sec: 62 },
    ]);
    const flows = out.filter((o) => o.topic === 'flow').map((o) => o.event as unknown as FlowEvent);
    expect(flows.map((f) => [f.proto, Number(f.ts / 1_000_000_000n), f.packets, f.bytes])).toEqual([
      ['tcp', 1, 3, 120],
      ['tcp', 61, 3, 120],
      ['udp', 61, 1, 32],
    ]);
  });

  it('emits dns for UDP from port 53 (whole message) and for length-prefixed TCP messages, across segments', () => {
    const msg = (id: number, n: number): Uint8Array => {
      const m = new Uint8Array(n);
      m[0] = id;
      m[2] = 0x81;
      return m;
    };
    const prefixed = (m: Uint8Array): Uint8Array =>
      concat(Uint8Array.from([m.length >> 8, m.length & 255]), m);
    const stream = concat(prefixed(msg(1, 40)), prefixed(msg(2, 700)), prefixed(msg(3, 30)));
    const dnsTcp = (seq: number, data: Uint8Array): Uint8Array =>
      ipv4({ src: S, dst: C, proto: 6 }, tcp({ sport: 53, dport: 50000, flags: ACK | PSH, seq }, data));
    const { out } = run([
      { frame: ipv4({ src: S, dst: C, proto: 17 }, udp(53, 33333, msg(9, 600))) },
      { frame: ipv4({ src: C, dst: S, proto: 17 }, udp(33333, 53, msg(9, 30))) },
      { frame: dnsTcp(100, stream.subarray(0, 60)) },
      { frame: dnsTcp(100, stream.subarray(0, 60)) }, // retransmission
      { frame: dnsTcp(160, stream.subarray(60, 500)) },
      { frame: dnsTcp(600, stream.subarray(500)) },
    ]);
    const dns = out.filter((o) => o.topic === 'dns').map((o) => o.event as unknown as DnsEvent);
    expect(dns.map((d) => [d.proto, d.message[0], d.message.length])).toEqual([
      ['udp', 9, 600],
      ['tcp', 1, 40],
      ['tcp', 2, 700],
      ['tcp', 3, 30],
    ]);
  });

  it('emits segments after a client banner that opens a longer TLS record, with stream offsets', () => {
    const record = tlsRecord(600); // 605 bytes
    const { out } = run([
      { frame: c2s(SYN, undefined, 1000) },
      { frame: s2c(SYN | ACK, undefined, 5000) },
      { frame: c2s(ACK | PSH, record.subarray(0, 300), 1001) },
      { frame: c2s(ACK | PSH, record.subarray(300, 500), 1301) },
      { frame: c2s(ACK | PSH, record.subarray(300, 500), 1301) }, // retransmission: nothing new
      { frame: c2s(ACK | PSH, record.subarray(500), 1501) },
      { frame: c2s(ACK | PSH, bytesOf('after the record'), 1606) },
    ]);
    const banner = out.find((o) => o.topic === 'banner')?.event as unknown as BannerEvent;
    expect(banner.payload.length).toBe(256);
    const segments = out.filter((o) => o.topic === 'segment').map((o) => o.event as unknown as SegmentEvent);
    expect(segments.map((s) => [s.offset, s.payload.length])).toEqual([
      [256, 44],
      [300, 200],
      [500, 105],
    ]);
    const rebuilt = new Uint8Array(605);
    rebuilt.set(banner.payload, 0);
    for (const s of segments) rebuilt.set(s.payload, s.offset);
    expect(Array.from(rebuilt)).toEqual(Array.from(record));
  });

  it('emits no segments for a TLS record that fits in the banner, or for non-TLS payload', () => {
    const { out } = run([
      { frame: c2s(ACK | PSH, tlsRecord(100), 1) },
      { frame: c2s(ACK | PSH, bytesOf('x'), 106) },
      { frame: c2s(ACK | PSH, bytesOf('GET / HTTP/1.1\r\n'), 1, 40001) },
      { frame: c2s(ACK | PSH, bytesOf('Host: x\r\n'), 17, 40001) },
    ]);
    expect(out.filter((o) => o.topic === 'segment')).toEqual([]);
  });

  it('describes the inner packet of a tunnel and records the VNI; flows in different VNIs are apart', () => {
    const inner = ethernet(0x0800, c2s(ACK | PSH, bytesOf('hi')));
    const wrap = (vni: number): Uint8Array =>
      ethernet(
        0x0800,
        ipv4({ src: '192.168.1.1', dst: '192.168.1.2', proto: 17 }, udp(9999, 4789, vxlan(vni, inner))),
      );
    const { out } = run([
      { frame: wrap(5), link: LinkType.ETHERNET },
      { frame: wrap(6), link: LinkType.ETHERNET },
    ]);
    expect(out.map((o) => [o.topic, o.event.vni, o.event.src, o.event.dport])).toEqual([
      ['flow', 5, C, 443],
      ['banner', 5, C, 443],
      ['flow', 6, C, 443],
      ['banner', 6, C, 443],
    ]);
  });

  it('records VNI 0 as a VNI (a tunnel was there), not as no tunnel', () => {
    const frame = ipv4(
      { src: '192.168.1.1', dst: '192.168.1.2', proto: 17 },
      udp(9999, 4789, vxlan(0, ethernet(0x0800, c2s(ACK | PSH, bytesOf('hi'))))),
    );
    const { out } = run([{ frame }]);
    expect(out.map((o) => [o.topic, o.event.vni])).toEqual([
      ['flow', 0],
      ['banner', 0],
    ]);
  });

  it('starts segments after a banner holding only the 5-byte TLS record header', () => {
    const record = tlsRecord(20);
    const { out } = run([
      { frame: c2s(ACK | PSH, record.subarray(0, 5), 1) },
      { frame: c2s(ACK | PSH, record.subarray(5), 6) },
    ]);
    const segments = out.filter((o) => o.topic === 'segment').map((o) => o.event as unknown as SegmentEvent);
    expect(segments.map((s) => [s.offset, Array.from(s.payload)])).toEqual([
      [5, Array.from(record.subarray(5))],
    ]);
  });

  it('handles IPv6 flows, both directions in one flow', () => {
    const a = ipv6(
      { src: 'fd00::1', dst: 'fd00::2', proto: 6 },
      tcp({ sport: 40000, dport: 80, flags: ACK | PSH }, bytesOf('GET')),
    );
    const b = ipv6(
      { src: 'fd00::2', dst: 'fd00::1', proto: 6 },
      tcp({ sport: 80, dport: 40000, flags: ACK | PSH }, bytesOf('200')),
    );
    const { out } = run([{ frame: a }, { frame: b }]);
    expect(out.map((o) => [o.topic, o.event.src, o.event.sender])).toEqual([
      ['flow', 'fd00::1', undefined],
      ['banner', 'fd00::1', 'client'],
      ['banner', 'fd00::2', 'server'],
    ]);
  });

  it('keeps flow state bounded and counts evictions', () => {
    const frames = Array.from({ length: 100 }, (_, i) => ({ frame: c2s(ACK, undefined, 1, 10000 + i) }));
    const { logic } = run(frames, 16);
    expect(logic.flows.size).toBeLessThanOrEqual(16);
    expect(logic.flows.evictions).toBeGreaterThanOrEqual(84);
    expect(logic.events.flow).toBe(100);
  });
});

describe('CaptureEventLogic: connections, windows and options', () => {
  it('names the five capture topics of DESIGN §3', () => {
    expect([...CAPTURE_TOPICS].sort()).toEqual(['banner', 'conn', 'dns', 'flow', 'segment']);
  });

  it('a new SYN (another ISN) on the tuple is a new connection: its banners are sent again; a retransmitted SYN is not', () => {
    const text = (b: BannerEvent): string => `${b.sender}:${new TextDecoder().decode(b.payload)}`;
    const { out } = run([
      { frame: c2s(SYN, undefined, 1000) },
      { frame: s2c(SYN | ACK, undefined, 5000) },
      { frame: c2s(ACK | PSH, bytesOf('a'), 1001) },
      { frame: s2c(ACK | PSH, bytesOf('b'), 5001) },
      { frame: c2s(SYN, undefined, 1000) }, // the same SYN again
      { frame: c2s(ACK | PSH, bytesOf('c'), 1002) },
      { frame: s2c(ACK | PSH, bytesOf('C'), 5002) },
      { frame: c2s(SYN, undefined, 9000) }, // a new connection
      { frame: c2s(ACK | PSH, bytesOf('d'), 9001) },
      { frame: s2c(ACK | PSH, bytesOf('e'), 7001) },
    ]);
    expect(bannersOf(out).map(text)).toEqual(['client:a', 'server:b', 'client:d', 'server:e']);
  });

  it('a SYN after a SYN-ACK (no SYN seen before) starts a new connection', () => {
    const { out } = run([
      { frame: s2c(SYN | ACK, undefined, 5000) },
      { frame: c2s(ACK | PSH, bytesOf('a'), 1001) },
      { frame: c2s(SYN, undefined, 1) },
      { frame: c2s(ACK | PSH, bytesOf('b'), 2) },
    ]);
    expect(bannersOf(out).map((b) => new TextDecoder().decode(b.payload))).toEqual(['a', 'b']);
  });

  it('the first SYN of a flow seen mid-stream keeps the banners sent (no handshake to compare with)', () => {
    const { out } = run([
      { frame: c2s(ACK | PSH, bytesOf('a'), 500) },
      { frame: c2s(SYN, undefined, 7) },
      { frame: c2s(ACK | PSH, bytesOf('b'), 8) },
    ]);
    expect(bannersOf(out).map((b) => new TextDecoder().decode(b.payload))).toEqual(['a']);
  });

  it('a new connection forgets the previous one’s unfinished TLS record', () => {
    const record = tlsRecord(600);
    const { out } = run([
      { frame: c2s(SYN, undefined, 1000) },
      { frame: c2s(ACK | PSH, record.subarray(0, 5), 1001) }, // segments start: record end 605
      { frame: c2s(SYN, undefined, 1010) },
      { frame: c2s(ACK | PSH, bytesOf('GET x'), 1011) },
      { frame: c2s(ACK | PSH, bytesOf('0123456789'), 1016) },
    ]);
    expect(bannersOf(out).length).toBe(2);
    expect(segmentsOf(out)).toEqual([]);
  });

  it('a new connection starts a new DNS-over-TCP stream, whatever the server’s new ISN', () => {
    const m = new Uint8Array(30).fill(9);
    const stream = concat(Uint8Array.from([0, 30]), m);
    const fromDns = (flags: number, seq: number, data?: Uint8Array): Uint8Array =>
      ipv4({ src: S, dst: C, proto: 6 }, tcp({ sport: 53, dport: 50000, flags, seq }, data));
    const toDns = (seq: number): Uint8Array =>
      ipv4({ src: C, dst: S, proto: 6 }, tcp({ sport: 50000, dport: 53, flags: SYN, seq }));
    const { out } = run([
      { frame: toDns(100) },
      { frame: fromDns(SYN | ACK, 5000) },
      { frame: fromDns(ACK | PSH, 5001, stream.subarray(0, 10)) }, // half a message, then the connection ends
      { frame: toDns(900) },
      { frame: fromDns(SYN | ACK, 3000) },
      { frame: fromDns(ACK | PSH, 3001, stream) },
    ]);
    const dns = out.filter((o) => o.topic === 'dns').map((o) => o.event as unknown as DnsEvent);
    expect(dns.map((d) => Array.from(d.message))).toEqual([Array.from(m)]);
  });

  it('a flow event reads client → server even when the server’s packet makes it', () => {
    const { out } = run([
      { frame: c2s(SYN, undefined, 1000) },
      { frame: s2c(SYN | ACK, undefined, 5000) },
      { frame: s2c(ACK, undefined, 5001) },
    ]);
    const flows = out.filter((o) => o.topic === 'flow').map((o) => o.event as unknown as FlowEvent);
    expect(flows.map((f) => [f.src, f.sport, f.dst, f.dport])).toEqual([[C, 40000, S, 443]]);
  });

  it('dns events come from TCP port 53 only: not from queries to it, not from other ports', () => {
    const prefixedMessage = Uint8Array.from([0, 3, 1, 2, 3]);
    const { out } = run([
      { frame: c2s(ACK | PSH, prefixedMessage, 1, 40000, 53) }, // a query
      { frame: s2c(ACK | PSH, prefixedMessage, 1, 853, 40001) }, // DNS over TLS port, not 53
      { frame: s2c(ACK | PSH, prefixedMessage, 1, 53, 40002) }, // a response
    ]);
    const dns = out.filter((o) => o.topic === 'dns').map((o) => o.event as unknown as DnsEvent);
    expect(dns.map((d) => [d.sport, Array.from(d.message)])).toEqual([[53, [1, 2, 3]]]);
  });

  it('stamps each event with its own packet time and leaves vni out outside a tunnel', () => {
    const { out } = run([
      { frame: c2s(ACK | PSH, bytesOf('a'), 1), sec: 7, nsec: 1 },
      { frame: s2c(ACK | PSH, bytesOf('b'), 1), sec: 7, nsec: 2 },
      { frame: s2c(ACK | PSH, bytesOf('c'), 2), sec: 8, nsec: 2 },
      { frame: c2s(ACK | PSH, bytesOf('d'), 2, 40001), sec: 8, nsec: 2 },
    ]);
    expect(out.map((o) => [o.topic, o.event.ts])).toEqual([
      ['flow', 7_000_000_001n],
      ['banner', 7_000_000_001n],
      ['banner', 7_000_000_002n],
      ['flow', 8_000_000_002n],
      ['banner', 8_000_000_002n],
    ]);
    for (const o of out) expect(Object.keys(o.event)).not.toContain('vni');
  });

  it('describes no packet that is not TCP or UDP (ICMP), nor an undecodable one', () => {
    const icmp = ipv4({ src: C, dst: S, proto: 1 }, new Uint8Array(8));
    const cut = c2s(ACK | PSH, bytesOf('hello')).subarray(0, 30); // inside the TCP header
    const { out, statuses } = run([{ frame: icmp }, { frame: cut }]);
    expect(statuses).toEqual([DecodeStatus.ignored, DecodeStatus.undecodable]);
    expect(out).toEqual([]);
  });

  const oneAddress: Array<[string, Uint8Array, Uint8Array]> = [
    [
      'IPv4 127.0.0.1',
      ipv4(
        { src: '127.0.0.1', dst: '127.0.0.1', proto: 6 },
        tcp({ sport: 40000, dport: 443, flags: ACK | PSH }, bytesOf('q')),
      ),
      ipv4(
        { src: '127.0.0.1', dst: '127.0.0.1', proto: 6 },
        tcp({ sport: 443, dport: 40000, flags: ACK | PSH }, bytesOf('r')),
      ),
    ],
    [
      'IPv6 ::1',
      ipv6(
        { src: '::1', dst: '::1', proto: 6 },
        tcp({ sport: 40000, dport: 443, flags: ACK | PSH }, bytesOf('q')),
      ),
      ipv6(
        { src: '::1', dst: '::1', proto: 6 },
        tcp({ sport: 443, dport: 40000, flags: ACK | PSH }, bytesOf('r')),
      ),
    ],
  ];
  it.each(oneAddress)(
    'a connection within one address (%s) is one flow, told apart by its ports',
    (_name, q, r) => {
      const { out, logic } = run([{ frame: q }, { frame: r }, { frame: q }]);
      expect(out.map((o) => [o.topic, o.event.sender, o.event.sport])).toEqual([
        ['flow', undefined, 40000],
        ['banner', 'client', 40000],
        ['banner', 'server', 443],
      ]);
      expect(logic.flows.size).toBe(1);
    },
  );

  it('a flow event at most once per 60 s of packet time, exactly at the boundary', () => {
    const { out } = run([
      { frame: c2s(ACK), sec: 1, nsec: 500 },
      { frame: c2s(ACK), sec: 61, nsec: 499 },
      { frame: c2s(ACK), sec: 61, nsec: 500 },
      { frame: c2s(ACK), sec: 121, nsec: 499 },
    ]);
    const flows = out.filter((o) => o.topic === 'flow').map((o) => o.event as unknown as FlowEvent);
    expect(flows.map((f) => [f.ts, f.packets])).toEqual([
      [1_000_000_500n, 1],
      [61_000_000_500n, 2],
    ]);
    // A first flow event at packet time 0 counts as one.
    const atZero = run([
      { frame: c2s(ACK), sec: 0, nsec: 0 },
      { frame: c2s(ACK), sec: 30, nsec: 0 },
    ]);
    expect(atZero.out.filter((o) => o.topic === 'flow').length).toBe(1);
  });

  it('leaves mss and wscale out of a conn event whose SYN lacks them', () => {
    const syn = (options: number[]): Uint8Array =>
      ipv4(
        { src: C, dst: S, proto: 6 },
        tcp({ sport: 40000, dport: 443, flags: SYN, options: Uint8Array.from(options) }),
      );
    const { out } = run([
      { frame: syn([1, 3, 3, 7]) }, // NOP, window scale 7
      { frame: syn([2, 4, 5, 0xb4]) }, // MSS 1460
    ]);
    const [a, b] = out.map((o) => o.event);
    expect(Object.keys(a)).not.toContain('mss');
    expect(a.wscale).toBe(7);
    expect(Object.keys(b)).not.toContain('wscale');
    expect(b.mss).toBe(1460);
  });

  it('follows DNS over TCP behind an Ethernet header (the payload offset counts from the IP header)', () => {
    const m = new Uint8Array(40).fill(7);
    const stream = concat(Uint8Array.from([0, 40]), m);
    const segment = (seq: number, data: Uint8Array): Uint8Array =>
      ethernet(
        0x0800,
        ipv4({ src: S, dst: C, proto: 6 }, tcp({ sport: 53, dport: 50000, flags: ACK | PSH, seq }, data)),
      );
    const { out } = run([
      { frame: segment(100, stream.subarray(0, 20)), link: LinkType.ETHERNET },
      { frame: segment(120, stream.subarray(20)), link: LinkType.ETHERNET },
    ]);
    const dns = out.filter((o) => o.topic === 'dns').map((o) => o.event as unknown as DnsEvent);
    expect(dns.map((d) => Array.from(d.message))).toEqual([Array.from(m)]);
  });

  const sixCases: Array<[string, string, string]> = [
    ['addresses differing in the last byte', 'fd00::2', 'fd00::1'],
    ['addresses differing in an early byte only', 'fd00:2::1', 'fd00:1::1'],
  ];
  it.each(sixCases)('an IPv6 flow with equal ports is one flow both ways (%s)', (_name, a, b) => {
    const one = ipv6(
      { src: a, dst: b, proto: 6 },
      tcp({ sport: 7000, dport: 7000, flags: ACK | PSH }, bytesOf('x')),
    );
    const two = ipv6(
      { src: b, dst: a, proto: 6 },
      tcp({ sport: 7000, dport: 7000, flags: ACK | PSH }, bytesOf('y')),
    );
    const { out, logic } = run([{ frame: one }, { frame: two }, { frame: one }]);
    expect(topicsOf(out)).toEqual(['flow', 'banner', 'banner']);
    expect(bannersOf(out).map((e) => [e.sender, e.src])).toEqual([
      ['client', a],
      ['server', b],
    ]);
    expect(logic.flows.size).toBe(1);
  });

  it('follows tunnels only as deep as maxTunnelDepth', () => {
    const inner = ethernet(0x0800, c2s(ACK | PSH, bytesOf('hi')));
    const twice = ipv4(
      { src: '192.168.1.1', dst: '192.168.1.2', proto: 17 },
      udp(
        9999,
        4789,
        vxlan(
          1,
          ethernet(
            0x0800,
            ipv4({ src: '172.16.0.1', dst: '172.16.0.2', proto: 17 }, udp(9998, 4789, vxlan(2, inner))),
          ),
        ),
      ),
    );
    expect(run([{ frame: twice }]).statuses).toEqual([DecodeStatus.ok]);
    expect(run([{ frame: twice }], undefined, 1).statuses).toEqual([DecodeStatus.undecodable]);
    expect(run([{ frame: twice }], undefined, 2).statuses).toEqual([DecodeStatus.ok]);
  });
});

describe('CaptureEventLogic: segment events', () => {
  const record = (type: number, major: number, bodyLength: number): Uint8Array => {
    const r = tlsRecord(bodyLength);
    r[0] = type;
    r[1] = major;
    return r;
  };
  const noSegmentCases: Array<[string, Array<[Uint8Array, number]>]> = [
    [
      'a banner of 3 bytes, 16 03 01',
      [
        [Uint8Array.from([0x16, 0x03, 0x01]), 1],
        [new Uint8Array(10), 4],
      ],
    ],
    [
      'an application-data record (type 0x17)',
      [
        [record(0x17, 3, 600).subarray(0, 300), 1],
        [record(0x17, 3, 600).subarray(300), 301],
      ],
    ],
    [
      'a handshake record of major version 2',
      [
        [record(0x16, 2, 600).subarray(0, 300), 1],
        [record(0x16, 2, 600).subarray(300), 301],
      ],
    ],
    [
      'a record shorter than the banner, then a retransmission reaching past the banner',
      [
        [concat(tlsRecord(95), new Uint8Array(100)), 1],
        [new Uint8Array(200), 51],
      ],
    ],
    [
      'a record exactly as long as the banner, then a retransmission reaching past it',
      [
        [tlsRecord(45), 1],
        [new Uint8Array(60), 11],
      ],
    ],
    [
      'a record already covered, then a retransmission of its end and beyond',
      [
        [tlsRecord(600).subarray(0, 300), 1],
        [tlsRecord(600).subarray(300), 301],
        [new Uint8Array(200), 501],
      ],
    ],
  ];
  it.each(noSegmentCases)('no segment after %s', (name, packets) => {
    const { out } = run(packets.map(([payload, seq]) => ({ frame: c2s(ACK | PSH, payload, seq) })));
    const expected = name.startsWith('a record already covered')
      ? [
          [256, 44],
          [300, 305],
        ]
      : [];
    expect(segmentsOf(out)).toEqual(expected);
  });

  it('stops after 16 KiB of segments, the last one cut to fit, with no empty segment after', () => {
    const r = tlsRecord(20000); // 20 005 bytes
    const frames = [];
    for (let at = 0; at < r.length; at += 1000)
      frames.push({ frame: c2s(ACK | PSH, r.subarray(at, at + 1000), 1 + at) });
    const { out } = run(frames);
    const expected: Array<[number, number]> = [[256, 744]];
    for (let at = 1000; at < 16640; at += 1000) expected.push([at, Math.min(1000, 16640 - at)]);
    expect(segmentsOf(out)).toEqual(expected);
    expect(expected.reduce((n, [, l]) => n + l, 0)).toBe(16384);
  });

  it('sends out-of-order segments as they come and the rest when it arrives, nothing past the record', () => {
    const r = tlsRecord(600); // 605 bytes
    const piece = (from: number, to: number): { frame: Uint8Array } => ({
      frame: c2s(ACK | PSH, concat(r, new Uint8Array(200)).subarray(from, to), 1 + from),
    });
    const { out } = run([piece(0, 300), piece(400, 500), piece(300, 400), piece(605, 700), piece(500, 605)]);
    expect(segmentsOf(out)).toEqual([
      [256, 44],
      [400, 100],
      [300, 100],
      [500, 105],
    ]);
  });

  it('a retransmission reaching past what was sent sends only the new part', () => {
    const r = tlsRecord(600);
    const { out } = run([
      { frame: c2s(ACK | PSH, r.subarray(0, 300), 1) },
      { frame: c2s(ACK | PSH, r.subarray(280, 350), 281) },
    ]);
    const segments = out.filter((o) => o.topic === 'segment').map((o) => o.event as unknown as SegmentEvent);
    expect(segments.map((e) => [e.offset, Array.from(e.payload)])).toEqual([
      [256, Array.from(r.subarray(256, 300))],
      [300, Array.from(r.subarray(300, 350))],
    ]);
  });

  it('segments carry the client stream at their offsets and cover the record, however it is cut and retransmitted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 5, max: 1500 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 1500 }), fc.nat({ max: 3 }), fc.nat({ max: 1500 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.nat({ max: 2 ** 32 - 1 }),
        (body, first, cuts, isn) => {
          const stream = concat(
            tlsRecord(body),
            Uint8Array.from({ length: 300 }, (_, i) => 255 - (i & 255)),
          );
          const recordEnd = 5 + body;
          const packets: Array<[number, number]> = [[0, Math.min(first, stream.length)]];
          let at = packets[0][1];
          for (const [length, retransmit, back] of cuts) {
            if (at >= stream.length) break;
            const end = Math.min(stream.length, at + length);
            packets.push([at, end]);
            if (retransmit === 0) {
              const from = Math.max(1, end - back - 1);
              packets.push([from, Math.min(stream.length, from + length)]);
            }
            at = Math.max(at, packets[packets.length - 1][1], end);
          }
          if (at < stream.length) packets.push([at, stream.length]);
          const { out } = run(
            packets.map(([from, to]) => ({ frame: c2s(ACK | PSH, stream.subarray(from, to), isn + from) })),
          );
          const banner = Math.min(first, 256);
          const segments = out
            .filter((o) => o.topic === 'segment')
            .map((o) => o.event as unknown as SegmentEvent);
          if (recordEnd <= banner) {
            expect(segments).toEqual([]);
            return;
          }
          const covered = new Uint8Array(recordEnd);
          covered.fill(1, 0, banner);
          for (const s of segments) {
            expect(s.offset).toBeGreaterThanOrEqual(banner);
            expect(s.offset + s.payload.length).toBeLessThanOrEqual(recordEnd);
            expect(s.payload.length).toBeGreaterThan(0);
            expect(Array.from(s.payload)).toEqual(
              Array.from(stream.subarray(s.offset, s.offset + s.payload.length)),
            );
            covered.fill(1, s.offset, s.offset + s.payload.length);
          }
          expect(covered.indexOf(0)).toBe(-1);
          // In order, retransmissions included, nothing is sent twice.
          expect(segments.reduce((n, s) => n + s.payload.length, 0)).toBe(recordEnd - banner);
        },
      ),
      propertyRuns('segments vs the client stream', 200),
    );
  });
});
