import { formatIPv4, formatIPv6 } from '@glia/core';
import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  erspanII,
  erspanIII,
  ethernet,
  gre,
  ipv4,
  ipv6,
  ppp,
  tcp,
  udp,
  vxlan,
} from '../build/frames.js';
import { DecodeStatus, DecodedPacket } from './decoded.js';
import { PacketDecoder } from './decoder.js';
import { LinkType } from './link-types.js';
import { IGNORED_KINDS, UNDECODABLE_REASONS } from './reasons.js';

/**
 * IP-in-IP, GRE, PPTP and ERSPAN nesting, built frame by frame: every tunnel kind around an IPv4
 * and an IPv6 inner packet, inside one another, and each header cut or malformed. The fixture
 * captures of the same kinds are checked against tshark and Zeek in test/packet.
 */
const ACK = 0x10;
const inner4 = (): Uint8Array =>
  ipv4(
    { src: '192.0.2.1', dst: '192.0.2.2', proto: 6, ttl: 9 },
    tcp({ sport: 41000, dport: 443, flags: ACK }, bytesOf('in4')),
  );
const inner6 = (): Uint8Array =>
  ipv6({ src: '2001:db8::a', dst: '2001:db8::b', proto: 17, hopLimit: 5 }, udp(5000, 53, bytesOf('in6')));
const outer4 = (proto: number, payload: Uint8Array): Uint8Array =>
  ipv4({ src: '10.9.0.1', dst: '10.9.0.2', proto }, payload);
const outer6 = (proto: number, payload: Uint8Array): Uint8Array =>
  ipv6({ src: 'fd00::1', dst: 'fd00::2', proto }, payload);
const eth4 = (): Uint8Array => ethernet(0x0800, inner4());
const eth6 = (): Uint8Array => ethernet(0x86dd, inner6());

const IN4 = { src: '192.0.2.1', dst: '192.0.2.2', sport: 41000, dport: 443, ttl: 9, payload: 'in4' };
const IN6 = { src: '2001:db8::a', dst: '2001:db8::b', sport: 5000, dport: 53, ttl: 5, payload: 'in6' };

function decode(frame: Uint8Array, decoder = new PacketDecoder()): DecodedPacket {
  const p = new DecodedPacket();
  decoder.decode(p, frame, 0, frame.length, LinkType.ETHERNET);
  return p;
}

function inner(p: DecodedPacket): Record<string, unknown> {
  const b = p.bytes;
  return {
    src: p.ipVersion === 4 ? formatIPv4(p.src4) : formatIPv6(b, p.srcOffset),
    dst: p.ipVersion === 4 ? formatIPv4(p.dst4) : formatIPv6(b, p.dstOffset),
    sport: p.sport,
    dport: p.dport,
    ttl: p.ttl,
    payload: new TextDecoder().decode(b.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)),
  };
}

const E4 = 0x0800;
const E6 = 0x86dd;
const okCases: Array<{ name: string; frame: Uint8Array; want: Record<string, unknown>; depth: number }> = [
  { name: 'IPv4 in IPv4 (proto 4)', frame: ethernet(E4, outer4(4, inner4())), want: IN4, depth: 1 },
  { name: 'IPv6 in IPv4 (6in4, proto 41)', frame: ethernet(E4, outer4(41, inner6())), want: IN6, depth: 1 },
  { name: 'IPv4 in IPv6 (next header 4)', frame: ethernet(E6, outer6(4, inner4())), want: IN4, depth: 1 },
  { name: 'IPv6 in IPv6 (next header 41)', frame: ethernet(E6, outer6(41, inner6())), want: IN6, depth: 1 },
  {
    name: 'IPv4 in IPv4 in IPv6',
    frame: ethernet(E6, outer6(4, outer4(4, inner4()))),
    want: IN4,
    depth: 2,
  },
  { name: 'GRE v0 IPv4', frame: ethernet(E4, outer4(47, gre({ proto: E4 }, inner4()))), want: IN4, depth: 1 },
  { name: 'GRE v0 IPv6', frame: ethernet(E4, outer4(47, gre({ proto: E6 }, inner6()))), want: IN6, depth: 1 },
  {
    name: 'GRE v0 with checksum, key and sequence',
    frame: ethernet(E4, outer4(47, gre({ proto: E4, checksum: true, key: 77, sequence: 5 }, inner4()))),
    want: IN4,
    depth: 1,
  },
  {
    name: 'GRE v0 with key only',
    frame: ethernet(E4, outer4(47, gre({ proto: E6, key: 1 }, inner6()))),
    want: IN6,
    depth: 1,
  },
  {
    name: 'GRE over IPv6',
    frame: ethernet(E6, outer6(47, gre({ proto: E4, sequence: 1 }, inner4()))),
    want: IN4,
    depth: 1,
  },
  {
    name: 'GRE transparent Ethernet bridging (0x6558), VLAN-tagged inside',
    frame: ethernet(
      E4,
      outer4(47, gre({ proto: 0x6558, key: 9 }, ethernet(E4, inner4(), [{ tpid: 0x8100, vid: 7 }]))),
    ),
    want: IN4,
    depth: 1,
  },
  {
    name: 'GRE within GRE',
    frame: ethernet(E4, outer4(47, gre({ proto: E4 }, outer4(47, gre({ proto: E4 }, inner4()))))),
    want: IN4,
    depth: 2,
  },
  {
    name: 'PPTP: enhanced GRE v1, key and sequence, PPP with address/control, IPv4',
    frame: ethernet(E4, outer4(47, gre({ proto: 0x880b, version: 1, sequence: 3 }, ppp(0x21, inner4())))),
    want: IN4,
    depth: 1,
  },
  {
    name: 'PPTP with an acknowledgment, compressed PPP protocol, no address/control',
    frame: ethernet(
      E4,
      outer4(47, gre({ proto: 0x880b, version: 1, sequence: 3, ack: 2 }, ppp(0x21, inner4(), false, true))),
    ),
    want: IN4,
    depth: 1,
  },
  {
    name: 'PPTP carrying IPv6 (PPP 0x0057), inside IPv4-in-IPv6 behind a VLAN',
    frame: ethernet(E6, outer6(4, outer4(47, gre({ proto: 0x880b, version: 1 }, ppp(0x57, inner6())))), [
      { tpid: 0x8100, vid: 3 },
    ]),
    want: IN6,
    depth: 2,
  },
  {
    name: 'ERSPAN type I (0x88be without a GRE sequence: no ERSPAN header)',
    frame: ethernet(
      E4,
      outer4(47, gre({ proto: 0x88be }, ethernet(E4, inner4(), [{ tpid: 0x8100, vid: 1011 }]))),
    ),
    want: IN4,
    depth: 1,
  },
  {
    name: 'ERSPAN type II',
    frame: ethernet(E4, outer4(47, gre({ proto: 0x88be, sequence: 1796 }, erspanII(100, 23, eth6())))),
    want: IN6,
    depth: 1,
  },
  {
    name: 'ERSPAN type III',
    frame: ethernet(E4, outer4(47, gre({ proto: 0x22eb, sequence: 9 }, erspanIII(0, 20, eth4())))),
    want: IN4,
    depth: 1,
  },
  {
    name: 'ERSPAN type III with the platform-specific subheader',
    frame: ethernet(E4, outer4(47, gre({ proto: 0x22eb, sequence: 9 }, erspanIII(3, 20, eth4(), true)))),
    want: IN4,
    depth: 1,
  },
  {
    name: 'VXLAN inside GRE (VNI kept)',
    frame: ethernet(E4, outer4(47, gre({ proto: E4 }, outer4(17, udp(50000, 4789, vxlan(42, eth6())))))),
    want: { ...IN6, vni: 42 },
    depth: 2,
  },
  {
    name: 'GRE inside VXLAN',
    frame: ethernet(
      E4,
      outer4(17, udp(50000, 4789, vxlan(5, ethernet(E4, outer4(47, gre({ proto: E4 }, inner4())))))),
    ),
    want: { ...IN4, vni: 5 },
    depth: 2,
  },
];

const badCases: Array<{ name: string; frame: Uint8Array; reason: string; decoder?: PacketDecoder }> = [
  {
    name: 'GRE header cut',
    frame: ethernet(E4, outer4(47, Uint8Array.from([0, 0, 8]))),
    reason: 'truncated_gre',
  },
  {
    name: 'GRE optional words cut',
    frame: ethernet(
      E4,
      outer4(47, gre({ proto: E4, key: 1, sequence: 2 }, new Uint8Array(0)).subarray(0, 10)),
    ),
    reason: 'truncated_gre',
  },
  {
    name: 'GRE version 2',
    frame: ethernet(E4, outer4(47, Uint8Array.from([0, 2, 8, 0, ...inner4()]))),
    reason: 'bad_gre_header',
  },
  {
    name: 'GRE with RFC 1701 source routing',
    frame: ethernet(E4, outer4(47, gre({ proto: E4, routing: true }, inner4()))),
    reason: 'bad_gre_header',
  },
  {
    name: 'enhanced GRE v1 without a key',
    frame: ethernet(E4, outer4(47, Uint8Array.from([0, 1, 0x88, 0x0b, 0xff, 3, 0, 0x21]))),
    reason: 'bad_gre_header',
  },
  {
    name: 'ERSPAN II header cut',
    frame: ethernet(E4, outer4(47, gre({ proto: 0x88be, sequence: 1 }, Uint8Array.from([0x10, 0, 0])))),
    reason: 'truncated_erspan',
  },
  {
    name: 'ERSPAN II with a version 2 header',
    frame: ethernet(E4, outer4(47, gre({ proto: 0x88be, sequence: 1 }, erspanIII(1, 1, eth4())))),
    reason: 'bad_erspan_version',
  },
  {
    name: 'ERSPAN III subheader cut',
    frame: ethernet(
      E4,
      outer4(
        47,
        gre({ proto: 0x22eb, sequence: 1 }, erspanIII(1, 1, new Uint8Array(0), true).subarray(0, 15)),
      ),
    ),
    reason: 'truncated_erspan',
  },
  {
    name: 'PPP protocol cut',
    frame: ethernet(E4, outer4(47, gre({ proto: 0x880b, version: 1 }, Uint8Array.from([0xff, 0x03, 0x00])))),
    reason: 'truncated_ppp',
  },
  {
    name: 'IP-in-IP inner header cut',
    frame: ethernet(E4, outer4(4, inner4().subarray(0, 12))),
    reason: 'truncated_ipv4',
  },
  {
    name: 'tunnel depth: GRE within GRE with a limit of 1',
    frame: ethernet(E4, outer4(47, gre({ proto: E4 }, outer4(47, gre({ proto: E4 }, inner4()))))),
    reason: 'tunnel_depth',
    decoder: new PacketDecoder({ maxTunnelDepth: 1 }),
  },
  {
    name: 'tunnel depth: five IP-in-IP layers over the default limit of 4',
    frame: ethernet(
      E4,
      [1, 2, 3, 4, 5].reduce((p) => outer4(4, p), inner4()),
    ),
    reason: 'tunnel_depth',
  },
];

describe('IP-in-IP, GRE, PPTP and ERSPAN', () => {
  it.each(okCases)('decodes $name', ({ frame, want, depth }) => {
    const p = decode(frame);
    expect(p.status, UNDECODABLE_REASONS[p.reason]).toBe(DecodeStatus.ok);
    expect({ ...inner(p), vni: p.vni }).toMatchObject({ vni: -1, ...want });
    expect(p.tunnelDepth).toBe(depth);
  });

  // An IPv6 packet has no IPv4 addresses: none of the outer IPv4 header's may show through.
  it.each([
    { name: '6in4', frame: ethernet(E4, outer4(41, inner6())) },
    { name: 'GRE', frame: ethernet(E4, outer4(47, gre({ proto: E6 }, inner6()))) },
    { name: 'VXLAN', frame: ethernet(E4, outer4(17, udp(50000, 4789, vxlan(9, eth6())))) },
  ])('an IPv6 packet inside IPv4 ($name) keeps nothing of the outer header', ({ frame }) => {
    const d = new PacketDecoder();
    const p = decode(frame, d);
    expect(p.status).toBe(DecodeStatus.ok);
    expect([p.ipVersion, p.src4, p.dst4, p.ttl]).toEqual([6, 0, 0, 5]);
    expect(inner(p)).toEqual(IN6);
    // A decoded frame is counted as neither ignored nor undecodable.
    expect([d.counters.ignoredByKind(), d.counters.undecodableByReason()]).toEqual([{}, {}]);
  });

  it.each(badCases)('reports $name as $reason', ({ frame, reason, decoder }) => {
    const d = decoder ?? new PacketDecoder();
    const p = decode(frame, d);
    expect(p.status).toBe(DecodeStatus.undecodable);
    expect(UNDECODABLE_REASONS[p.reason]).toBe(reason);
    expect(d.counters.undecodableByReason()).toEqual({ [reason]: 1 });
  });

  it.each([
    ['PPP LCP (0xc021) inside PPTP', gre({ proto: 0x880b, version: 1 }, ppp(0xc021, new Uint8Array(8)))],
    ['GRE carrying an unknown protocol type', gre({ proto: 0x88cc }, new Uint8Array(20))],
    [
      'ICMP inside GRE',
      gre({ proto: E4 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 1 }, new Uint8Array(8))),
    ],
  ])('ignores %s', (_name, payload) => {
    const d = new PacketDecoder();
    const p = decode(ethernet(E4, outer4(47, payload)), d);
    expect(p.status).toBe(DecodeStatus.ignored);
    expect(['tunnel_payload_other', 'other_transport']).toContain(IGNORED_KINDS[p.reason]);
    expect(d.counters.totalUndecodable()).toBe(0);
  });
});
