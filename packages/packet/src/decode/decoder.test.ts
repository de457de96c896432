import { formatIPv4, formatIPv6 } from '@glia/core';
import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  concat,
  ethernet,
  geneve,
  ipv4,
  ipv6,
  linuxSll,
  linuxSll2,
  nullLink,
  tcp,
  udp,
  vxlan,
} from '../build/frames.js';
import { DecodeStatus, DecodedPacket } from './decoded.js';
import { PacketDecoder } from './decoder.js';
import { LinkType } from './link-types.js';
import { IGNORED_KINDS, UNDECODABLE_REASONS } from './reasons.js';

const SYN = 0x02;
const ACK = 0x10;
const v4tcp = (payload = bytesOf('hi')): Uint8Array =>
  ipv4(
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 6, ttl: 61 },
    tcp({ sport: 40000, dport: 80, flags: ACK }, payload),
  );
const v6udp = (): Uint8Array =>
  ipv6({ src: 'fd00::1', dst: 'fd00::2', proto: 17, hopLimit: 7 }, udp(5353, 53, bytesOf('q')));

interface Expect {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  transport?: number;
  ttl?: number;
  vni?: number;
  payload?: string;
}

function decode(frame: Uint8Array, linkType: number, decoder = new PacketDecoder()): DecodedPacket {
  const p = new DecodedPacket();
  decoder.decode(p, frame, 0, frame.length, linkType);
  return p;
}

function describeOk(p: DecodedPacket): Expect {
  const b = p.bytes;
  return {
    src: p.ipVersion === 4 ? formatIPv4(p.src4) : formatIPv6(b, p.srcOffset),
    dst: p.ipVersion === 4 ? formatIPv4(p.dst4) : formatIPv6(b, p.dstOffset),
    sport: p.sport,
    dport: p.dport,
    transport: p.transport,
    ttl: p.ttl,
    vni: p.vni,
    payload: new TextDecoder().decode(b.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)),
  };
}

const V4 = {
  src: '10.0.0.1',
  dst: '10.0.0.2',
  sport: 40000,
  dport: 80,
  transport: 6,
  ttl: 61,
  payload: 'hi',
};
const V6 = { src: 'fd00::1', dst: 'fd00::2', sport: 5353, dport: 53, transport: 17, ttl: 7, payload: 'q' };

const okCases: Array<{ name: string; frame: Uint8Array; link: number; want: Expect }> = [
  {
    name: 'ethernet ipv4 tcp',
    frame: ethernet(0x0800, v4tcp()),
    link: LinkType.ETHERNET,
    want: { ...V4, vni: -1 },
  },
  { name: 'ethernet ipv6 udp', frame: ethernet(0x86dd, v6udp()), link: LinkType.ETHERNET, want: V6 },
  {
    name: 'ethernet padded to 60 bytes: padding is not payload',
    frame: concat(ethernet(0x0800, v4tcp(new Uint8Array(0))), new Uint8Array(6)),
    link: LinkType.ETHERNET,
    want: { ...V4, payload: '' },
  },
  {
    name: '802.1Q',
    frame: ethernet(0x0800, v4tcp(), [{ tpid: 0x8100, vid: 10 }]),
    link: LinkType.ETHERNET,
    want: V4,
  },
  {
    name: 'QinQ 802.1ad + 802.1Q',
    frame: ethernet(0x86dd, v6udp(), [
      { tpid: 0x88a8, vid: 100 },
      { tpid: 0x8100, vid: 10 },
    ]),
    link: LinkType.ETHERNET,
    want: V6,
  },
  {
    name: 'eight VLAN tags (the most accepted)',
    frame: ethernet(
      0x0800,
      v4tcp(),
      Array.from({ length: 8 }, () => ({ tpid: 0x8100, vid: 1 })),
    ),
    link: LinkType.ETHERNET,
    want: V4,
  },
  {
    name: 'old QinQ 0x9100',
    frame: ethernet(0x0800, v4tcp(), [{ tpid: 0x9100, vid: 5 }]),
    link: LinkType.ETHERNET,
    want: V4,
  },
  { name: 'linux SLL', frame: linuxSll(0x0800, v4tcp()), link: LinkType.LINUX_SLL, want: V4 },
  { name: 'linux SLL IPv6', frame: linuxSll(0x86dd, v6udp()), link: LinkType.LINUX_SLL, want: V6 },
  { name: 'linux SLL2', frame: linuxSll2(0x86dd, v6udp()), link: LinkType.LINUX_SLL2, want: V6 },
  { name: 'NULL little-endian IPv4', frame: nullLink(2, v4tcp(), true), link: LinkType.NULL, want: V4 },
  { name: 'NULL big-endian IPv4', frame: nullLink(2, v4tcp(), false), link: LinkType.NULL, want: V4 },
  { name: 'NULL IPv6 (BSD 24)', frame: nullLink(24, v6udp()), link: LinkType.NULL, want: V6 },
  {
    name: 'NULL IPv6 (darwin 30, big-endian)',
    frame: nullLink(30, v6udp(), false),
    link: LinkType.NULL,
    want: V6,
  },
  { name: 'NULL IPv6 (linux 10)', frame: nullLink(10, v6udp()), link: LinkType.NULL, want: V6 },
  { name: 'NULL IPv6 (FreeBSD 28)', frame: nullLink(28, v6udp()), link: LinkType.NULL, want: V6 },
  { name: 'LOOP IPv4', frame: nullLink(2, v4tcp(), false), link: LinkType.LOOP, want: V4 },
  { name: 'raw (DLT 12) IPv4', frame: v4tcp(), link: LinkType.RAW_12, want: V4 },
  { name: 'raw (DLT 14) IPv6', frame: v6udp(), link: LinkType.RAW_14, want: V6 },
  { name: 'raw (LINKTYPE 101) IPv6', frame: v6udp(), link: LinkType.RAW, want: V6 },
  { name: 'IPv4 link type 228', frame: v4tcp(), link: LinkType.IPV4, want: V4 },
  { name: 'IPv6 link type 229', frame: v6udp(), link: LinkType.IPV6, want: V6 },
  {
    name: 'IPv4 with options (record route)',
    frame: ipv4(
      {
        src: '10.0.0.1',
        dst: '10.0.0.2',
        proto: 6,
        ttl: 61,
        options: Uint8Array.from([7, 7, 4, 0, 0, 0, 0]),
      },
      tcp({ sport: 40000, dport: 80, flags: ACK }, bytesOf('hi')),
    ),
    link: LinkType.RAW,
    want: V4,
  },
  {
    name: 'IPv4 first fragment is decoded',
    frame: ipv4(
      { src: '10.0.0.1', dst: '10.0.0.2', proto: 6, ttl: 61, moreFragments: true },
      tcp({ sport: 40000, dport: 80, flags: ACK }, bytesOf('hi')),
    ),
    link: LinkType.RAW,
    want: V4,
  },
  {
    name: 'IPv6 hop-by-hop, routing, destination options',
    frame: ipv6(
      {
        src: 'fd00::1',
        dst: 'fd00::2',
        proto: 17,
        hopLimit: 7,
        extensions: [{ type: 0 }, { type: 43, body: new Uint8Array(14) }, { type: 60 }],
      },
      udp(5353, 53, bytesOf('q')),
    ),
    link: LinkType.RAW,
    want: V6,
  },
  {
    name: 'IPv6 first fragment (offset 0) is decoded',
    frame: ipv6(
      { src: 'fd00::1', dst: 'fd00::2', proto: 17, hopLimit: 7, extensions: [{ type: 44 }] },
      udp(5353, 53, bytesOf('q')),
    ),
    link: LinkType.RAW,
    want: V6,
  },
  {
    name: 'VXLAN 4789: inner tuple, outer VNI',
    frame: ethernet(
      0x0800,
      ipv4(
        { src: '192.168.0.1', dst: '192.168.0.2', proto: 17 },
        udp(50000, 4789, vxlan(123, ethernet(0x0800, v4tcp()))),
      ),
    ),
    link: LinkType.ETHERNET,
    want: { ...V4, vni: 123 },
  },
  {
    name: 'VXLAN 8472 (linux default port)',
    frame: ipv4(
      { src: '192.168.0.1', dst: '192.168.0.2', proto: 17 },
      udp(50000, 8472, vxlan(7, ethernet(0x86dd, v6udp()))),
    ),
    link: LinkType.RAW,
    want: { ...V6, vni: 7 },
  },
  {
    name: 'Geneve with Ethernet inner',
    frame: ipv4(
      { src: '192.168.0.1', dst: '192.168.0.2', proto: 17 },
      udp(50000, 6081, geneve(0x0c012e, 0x6558, ethernet(0x0800, v4tcp()))),
    ),
    link: LinkType.RAW,
    want: { ...V4, vni: 0x0c012e },
  },
  {
    name: 'Geneve with options and inner IPv4 (no Ethernet)',
    frame: ipv4(
      { src: '192.168.0.1', dst: '192.168.0.2', proto: 17 },
      udp(50000, 6081, geneve(9, 0x0800, v4tcp(), new Uint8Array(12))),
    ),
    link: LinkType.RAW,
    want: { ...V4, vni: 9 },
  },
  {
    name: 'Geneve with inner IPv6',
    frame: ipv6({ src: 'fd00::9', dst: 'fd00::a', proto: 17 }, udp(50000, 6081, geneve(5, 0x86dd, v6udp()))),
    link: LinkType.RAW,
    want: { ...V6, vni: 5 },
  },
  {
    name: 'VXLAN in Geneve: the VNI is the outermost one',
    frame: ipv4(
      { src: '192.168.0.1', dst: '192.168.0.2', proto: 17 },
      udp(
        50000,
        6081,
        geneve(
          1,
          0x0800,
          ipv4(
            { src: '172.16.0.1', dst: '172.16.0.2', proto: 17 },
            udp(1, 4789, vxlan(2, ethernet(0x0800, v4tcp()))),
          ),
        ),
      ),
    ),
    link: LinkType.RAW,
    want: { ...V4, vni: 1 },
  },
  {
    name: 'snaplen-truncated payload: headers decode, payload is what was captured',
    frame: v4tcp(bytesOf('hello world')).subarray(0, 20 + 20 + 3),
    link: LinkType.RAW,
    want: { ...V4, payload: 'hel' },
  },
];

function nestVxlan(depth: number): Uint8Array {
  let frame = ethernet(0x0800, v4tcp());
  for (let i = 0; i < depth; i++) {
    frame = ethernet(
      0x0800,
      ipv4({ src: '192.168.0.1', dst: '192.168.0.2', proto: 17 }, udp(50000, 4789, vxlan(i + 1, frame))),
    );
  }
  return frame;
}

const v4 = (
  over: Partial<Parameters<typeof ipv4>[0]>,
  payload = tcp({ sport: 1, dport: 2, flags: ACK }),
): Uint8Array => ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, ...over }, payload);

const badCases: Array<{
  name: string;
  frame: Uint8Array;
  link: number;
  reason: string;
  decoder?: PacketDecoder;
}> = [
  {
    name: 'empty ethernet frame',
    frame: new Uint8Array(0),
    link: LinkType.ETHERNET,
    reason: 'truncated_link',
  },
  { name: 'unknown link type', frame: v4tcp(), link: 147, reason: 'unsupported_link_type' },
  { name: 'short SLL', frame: new Uint8Array(10), link: LinkType.LINUX_SLL, reason: 'truncated_link' },
  { name: 'short SLL2', frame: new Uint8Array(19), link: LinkType.LINUX_SLL2, reason: 'truncated_link' },
  { name: 'short NULL', frame: new Uint8Array(3), link: LinkType.NULL, reason: 'truncated_link' },
  {
    name: 'SLL header alone',
    frame: linuxSll(0x0800, new Uint8Array(0)),
    link: LinkType.LINUX_SLL,
    reason: 'truncated_ipv4',
  },
  {
    name: 'SLL2 header alone',
    frame: linuxSll2(0x86dd, new Uint8Array(0)),
    link: LinkType.LINUX_SLL2,
    reason: 'truncated_ipv6',
  },
  {
    name: 'NULL header alone',
    frame: nullLink(2, new Uint8Array(0)),
    link: LinkType.NULL,
    reason: 'truncated_ipv4',
  },
  {
    name: 'Ethernet header alone',
    frame: ethernet(0x0800, new Uint8Array(0)),
    link: LinkType.ETHERNET,
    reason: 'truncated_ipv4',
  },
  {
    name: 'VLAN tag alone',
    frame: ethernet(0x86dd, new Uint8Array(0), [{ tpid: 0x8100, vid: 1 }]),
    link: LinkType.ETHERNET,
    reason: 'truncated_ipv6',
  },
  { name: 'empty raw frame', frame: new Uint8Array(0), link: LinkType.RAW, reason: 'truncated_ipv4' },
  {
    name: 'cut VLAN tag',
    frame: ethernet(0x8100, Uint8Array.from([0, 1])),
    link: LinkType.ETHERNET,
    reason: 'truncated_vlan',
  },
  {
    name: 'too many VLAN tags',
    frame: ethernet(
      0x0800,
      v4tcp(),
      Array.from({ length: 9 }, () => ({ tpid: 0x8100, vid: 1 })),
    ),
    link: LinkType.ETHERNET,
    reason: 'vlan_depth',
  },
  { name: 'short IPv4', frame: v4tcp().subarray(0, 19), link: LinkType.IPV4, reason: 'truncated_ipv4' },
  {
    name: 'IPv4 IHL < 5',
    frame: (() => {
      const f = v4tcp();
      f[0] = 0x44;
      return f;
    })(),
    link: LinkType.IPV4,
    reason: 'bad_ipv4_header',
  },
  {
    name: 'IPv4 options cut',
    frame: v4({ options: new Uint8Array(8) }).subarray(0, 24),
    link: LinkType.IPV4,
    reason: 'truncated_ipv4',
  },
  {
    name: 'IPv4 total length < header',
    frame: v4({ totalLength: 12 }),
    link: LinkType.IPV4,
    reason: 'bad_ipv4_length',
  },
  {
    name: 'IPv4 version 5 on ethertype 0x0800',
    frame: ethernet(
      0x0800,
      (() => {
        const f = v4tcp();
        f[0] = 0x55;
        return f;
      })(),
    ),
    link: LinkType.ETHERNET,
    reason: 'bad_ip_version',
  },
  {
    name: 'raw frame with version 7',
    frame: Uint8Array.from([0x70, 0, 0, 0]),
    link: LinkType.RAW,
    reason: 'bad_ip_version',
  },
  {
    name: 'IPv4 later fragment',
    frame: v4({ fragmentOffset: 185 }),
    link: LinkType.IPV4,
    reason: 'fragment',
  },
  { name: 'short IPv6', frame: v6udp().subarray(0, 39), link: LinkType.IPV6, reason: 'truncated_ipv6' },
  {
    name: 'IPv6 later fragment',
    frame: ipv6(
      { src: 'fd00::1', dst: 'fd00::2', proto: 17, extensions: [{ type: 44, fragmentOffset: 100 }] },
      udp(1, 2, bytesOf('x')),
    ),
    link: LinkType.IPV6,
    reason: 'fragment',
  },
  {
    name: 'IPv6 extension header cut',
    frame: ipv6(
      { src: 'fd00::1', dst: 'fd00::2', proto: 17, extensions: [{ type: 0, body: new Uint8Array(30) }] },
      new Uint8Array(0),
    ).subarray(0, 50),
    link: LinkType.IPV6,
    reason: 'truncated_ipv6_ext',
  },
  {
    name: 'IPv6 extension chain too long',
    frame: ipv6(
      {
        src: 'fd00::1',
        dst: 'fd00::2',
        proto: 17,
        extensions: Array.from({ length: 9 }, () => ({ type: 60 })),
      },
      udp(1, 2, bytesOf('x')),
    ),
    link: LinkType.IPV6,
    reason: 'ipv6_ext_limit',
  },
  { name: 'TCP header cut', frame: v4tcp().subarray(0, 30), link: LinkType.IPV4, reason: 'truncated_tcp' },
  {
    name: 'TCP data offset < 5',
    frame: (() => {
      const f = v4tcp();
      f[20 + 12] = 0x40;
      return f;
    })(),
    link: LinkType.IPV4,
    reason: 'bad_tcp_offset',
  },
  {
    name: 'TCP options cut',
    frame: v4({}, tcp({ sport: 1, dport: 2, flags: SYN, options: new Uint8Array(20) })).subarray(0, 50),
    link: LinkType.IPV4,
    reason: 'truncated_tcp',
  },
  {
    name: 'UDP header cut',
    frame: v4({ proto: 17 }, udp(1, 2, new Uint8Array(0))).subarray(0, 25),
    link: LinkType.IPV4,
    reason: 'truncated_udp',
  },
  {
    name: 'UDP length < 8',
    frame: (() => {
      const f = v4({ proto: 17 }, udp(1, 2, bytesOf('x')));
      f[25] = 4;
      return f;
    })(),
    link: LinkType.IPV4,
    reason: 'bad_udp_length',
  },
  {
    name: 'VXLAN header cut',
    frame: v4({ proto: 17 }, udp(1, 4789, new Uint8Array(4))),
    link: LinkType.IPV4,
    reason: 'truncated_vxlan',
  },
  {
    name: 'Geneve header cut',
    frame: v4({ proto: 17 }, udp(1, 6081, new Uint8Array(6))),
    link: LinkType.IPV4,
    reason: 'truncated_geneve',
  },
  {
    name: 'Geneve options cut',
    frame: v4({ proto: 17 }, udp(1, 6081, Uint8Array.from([3, 0, 0x65, 0x58, 0, 0, 1, 0, 0, 0]))),
    link: LinkType.IPV4,
    reason: 'truncated_geneve',
  },
  {
    name: 'Geneve version 1',
    frame: v4({ proto: 17 }, udp(1, 6081, Uint8Array.from([0x40, 0, 0x65, 0x58, 0, 0, 1, 0]))),
    link: LinkType.IPV4,
    reason: 'bad_geneve_version',
  },
  {
    name: 'tunnel depth limit (5 > 4)',
    frame: nestVxlan(5),
    link: LinkType.ETHERNET,
    reason: 'tunnel_depth',
  },
  {
    name: 'tunnel depth limit set to 1',
    frame: nestVxlan(2),
    link: LinkType.ETHERNET,
    reason: 'tunnel_depth',
    decoder: new PacketDecoder({ maxTunnelDepth: 1 }),
  },
];

const ignoredCases: Array<{ name: string; frame: Uint8Array; link: number; kind: string }> = [
  { name: 'ARP', frame: ethernet(0x0806, new Uint8Array(28)), link: LinkType.ETHERNET, kind: 'non_ip' },
  {
    // The decoder's own "look at the version nibble" code must not be taken for an EtherType.
    name: '802.3 length 2 before bytes that look like IPv4',
    frame: ethernet(0x0002, v4tcp()),
    link: LinkType.ETHERNET,
    kind: 'non_ip',
  },
  {
    name: '802.3 length field (LLC)',
    frame: ethernet(0x0040, new Uint8Array(46)),
    link: LinkType.ETHERNET,
    kind: 'non_ip',
  },
  { name: 'ICMP', frame: v4({ proto: 1 }, new Uint8Array(8)), link: LinkType.IPV4, kind: 'other_transport' },
  { name: 'NULL with unknown family', frame: nullLink(99, v4tcp()), link: LinkType.NULL, kind: 'non_ip' },
  {
    // Little-endian 0x0100 (the upper half is ignored); read big-endian it would be 2 (IPv4).
    name: 'NULL family 0x00020100: little-endian 256, not IPv4',
    frame: concat(Uint8Array.from([0, 1, 0, 2]), v4tcp()),
    link: LinkType.NULL,
    kind: 'non_ip',
  },
  {
    name: 'ARP inside VXLAN',
    frame: v4({ proto: 17 }, udp(1, 4789, vxlan(1, ethernet(0x0806, new Uint8Array(28))))),
    link: LinkType.IPV4,
    kind: 'tunnel_payload_other',
  },
];

describe('PacketDecoder', () => {
  it.each(okCases)('decodes $name', ({ frame, link, want }) => {
    const p = decode(frame, link);
    expect(p.status).toBe(DecodeStatus.ok);
    expect(describeOk(p)).toMatchObject(want);
  });

  it.each(badCases)('reports $name as $reason', ({ frame, link, reason, decoder }) => {
    const d = decoder ?? new PacketDecoder();
    const p = decode(frame, link, d);
    expect(p.status).toBe(DecodeStatus.undecodable);
    expect(UNDECODABLE_REASONS[p.reason]).toBe(reason);
    expect(d.counters.undecodableByReason()).toEqual({ [reason]: 1 });
  });

  it.each(ignoredCases)('ignores $name as $kind', ({ frame, link, kind }) => {
    const d = new PacketDecoder();
    const p = decode(frame, link, d);
    expect(p.status).toBe(DecodeStatus.ignored);
    expect(IGNORED_KINDS[p.reason]).toBe(kind);
    expect(d.counters.totalUndecodable()).toBe(0);
  });

  it('decodes the four-deep VXLAN nest at the default limit, with the outermost VNI', () => {
    const p = decode(nestVxlan(4), LinkType.ETHERNET);
    expect(p.status).toBe(DecodeStatus.ok);
    expect(p.vni).toBe(4);
    expect(p.tunnelDepth).toBe(4);
  });

  // Bytes before and after the frame (other records of a capture buffer) change nothing.
  const JUNK = Uint8Array.from([0xff, 0x03, 0x21, 0x45, 0x60, 0x00, 0x08, 0x00, 0x45, 0x03, 0xff]);
  const inBuffer = (frame: Uint8Array, link: number, decoder = new PacketDecoder()): DecodedPacket => {
    const p = new DecodedPacket();
    decoder.decode(p, concat(JUNK, frame, JUNK), JUNK.length, frame.length, link);
    return p;
  };

  it.each(okCases)('decodes $name at an offset inside a larger buffer', ({ frame, link, want }) => {
    const p = inBuffer(frame, link);
    expect(p.status).toBe(DecodeStatus.ok);
    expect(describeOk(p)).toMatchObject(want);
  });

  it.each(badCases)(
    'reports $name as $reason at an offset inside a larger buffer',
    ({ frame, link, reason, decoder }) => {
      const p = inBuffer(frame, link, decoder);
      expect(p.status).toBe(DecodeStatus.undecodable);
      expect(UNDECODABLE_REASONS[p.reason]).toBe(reason);
    },
  );

  it('decodes a frame at an offset inside a larger buffer', () => {
    const frame = ethernet(0x0800, v4tcp());
    const big = concat(new Uint8Array(7), frame, new Uint8Array(9));
    const p = new DecodedPacket();
    expect(new PacketDecoder().decode(p, big, 7, frame.length, LinkType.ETHERNET)).toBe(DecodeStatus.ok);
    expect(describeOk(p)).toMatchObject(V4);
  });
});
