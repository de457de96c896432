import type { BannerEvent, ConnEvent, DnsEvent, FlowEvent, SegmentEvent } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { bytesOf, concat, ethernet, ipv4, ipv6, tcp, udp, vxlan } from '../build/frames.js';
import { LinkType } from '../decode/link-types.js';
import { CaptureEventLogic, type CaptureTopic } from './capture-logic.js';

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
  frames: Array<{ frame: Uint8Array; sec?: number; link?: number }>,
  maxFlows?: number,
): { out: Sent[]; logic: CaptureEventLogic } {
  const out: Sent[] = [];
  const logic = new CaptureEventLogic(
    (topic, event) => out.push({ topic, event: event as unknown as Record<string, unknown> }),
    { maxFlows },
  );
  frames.forEach(({ frame, sec, link }, i) =>
    logic.handleFrame(frame, 0, frame.length, link ?? LinkType.RAW, sec ?? 1000, i, 'eth0', 'ingress'),
  );
  return { out, logic };
}

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
