import { formatIPv4, formatIPv6 } from '@glia/core';
import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  concat,
  erspanII,
  erspanIII,
  ethernet,
  geneve,
  gre,
  ipv4,
  ipv6,
  tcp,
  udp,
  vxlan,
} from '../build/frames.js';
import { DecodeStatus, DecodedPacket } from './decoded.js';
import { PacketDecoder } from './decoder.js';
import { LinkType } from './link-types.js';
import { IGNORED_KINDS, UNDECODABLE_REASONS } from './reasons.js';

/**
 * Where each header ends: a header of exactly its minimum length with nothing after it is whole
 * (the next layer is the one cut), one byte short is cut; bytes past a layer's end (Ethernet
 * padding after a short IP packet, a UDP trailer inside the IP packet) are never read as part of
 * it; declared lengths of 0 (segmentation offload) mean "what was captured"; truncation is found
 * before the cut bytes are judged. Expected reasons follow the header layouts of RFC 791, 8200,
 * 4302, 768, 7348, 8926, 2784/2890, 2637 and 1661 and the ERSPAN draft, worked out by hand.
 */
const E4 = 0x0800;
const E6 = 0x86dd;
const TEB = 0x6558;
const ACK = 0x10;

const v4 = (proto: number, payload: Uint8Array, over: Partial<Parameters<typeof ipv4>[0]> = {}): Uint8Array =>
  ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto, ...over }, payload);
const v6 = (
  proto: number,
  payload: Uint8Array,
  extensions?: Parameters<typeof ipv6>[0]['extensions'],
): Uint8Array => ipv6({ src: 'fd00::1', dst: 'fd00::2', proto, extensions }, payload);
const inner4 = (): Uint8Array =>
  ipv4(
    { src: '192.0.2.1', dst: '192.0.2.2', proto: 6, ttl: 9 },
    tcp({ sport: 41000, dport: 443, flags: ACK }, bytesOf('in4')),
  );
const u8 = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
/** Ethernet padding after a short packet: bytes that belong to no layer. */
const pad = (frame: Uint8Array, ...bytes: number[]): Uint8Array => concat(frame, u8(...bytes));
/** Overwrites bytes of a built frame. */
const poke = (frame: Uint8Array, at: number, ...bytes: number[]): Uint8Array => {
  const f = frame.slice();
  f.set(bytes, at);
  return f;
};
/** An outer IPv4 packet carrying GRE; PPTP's enhanced GRE v1 (key and sequence) around `body`. */
const overGre = (body: Uint8Array): Uint8Array => ethernet(E4, v4(47, body));
const pptp = (pppBytes: Uint8Array): Uint8Array =>
  overGre(gre({ proto: 0x880b, version: 1, sequence: 1 }, pppBytes));
/** IPv6 with an AH header (RFC 4302: length in 4-octet units minus 2) of 12 bytes of ICV. */
const ah = (next: number): Uint8Array =>
  u8(next, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 9, ...new Array<number>(12).fill(0xab));

function decode(frame: Uint8Array, link: number): DecodedPacket {
  const p = new DecodedPacket();
  new PacketDecoder().decode(p, frame, 0, frame.length, link);
  return p;
}

function outcome(p: DecodedPacket): string {
  if (p.status === DecodeStatus.undecodable) return UNDECODABLE_REASONS[p.reason];
  if (p.status === DecodeStatus.ignored) return `ignored ${IGNORED_KINDS[p.reason]}`;
  return 'ok';
}

const cases: Array<{ name: string; frame: Uint8Array; link?: number; want: string }> = [
  // A header of exactly its minimum length is whole: the layer after it is the one cut.
  {
    name: 'IPv4 header alone (total length 20)',
    frame: v4(6, u8()),
    link: LinkType.IPV4,
    want: 'truncated_tcp',
  },
  {
    name: 'IPv4 header with options alone (total length 28)',
    frame: v4(6, u8(), { options: u8(1, 1, 1, 1, 1, 1, 1, 0) }),
    link: LinkType.IPV4,
    want: 'truncated_tcp',
  },
  { name: 'IPv6 header alone', frame: v6(17, u8()), link: LinkType.IPV6, want: 'truncated_udp' },
  {
    name: 'IPv6 hop-by-hop of 8 bytes, nothing after',
    frame: v6(17, u8(), [{ type: 0 }]),
    link: LinkType.IPV6,
    want: 'truncated_udp',
  },
  {
    name: 'IPv6 fragment header, nothing after',
    frame: v6(17, u8(), [{ type: 44 }]),
    link: LinkType.IPV6,
    want: 'truncated_udp',
  },
  {
    name: 'VXLAN header, no inner frame',
    frame: v4(17, udp(1, 4789, vxlan(3, u8()))),
    link: LinkType.IPV4,
    want: 'truncated_link',
  },
  {
    name: 'Geneve header and options, no inner frame',
    frame: v4(17, udp(1, 6081, geneve(3, TEB, u8(), new Uint8Array(8)))),
    link: LinkType.IPV4,
    want: 'truncated_link',
  },
  { name: 'GRE base header alone', frame: overGre(gre({ proto: E4 }, u8())), want: 'truncated_ipv4' },
  {
    name: 'GRE with a key, nothing after',
    frame: overGre(gre({ proto: E4, key: 5 }, u8())),
    want: 'truncated_ipv4',
  },
  {
    name: 'ERSPAN II header, no mirrored frame',
    frame: overGre(gre({ proto: 0x88be, sequence: 1 }, erspanII(1, 2, u8()))),
    want: 'truncated_link',
  },
  {
    name: 'ERSPAN III header and subheader, no mirrored frame',
    frame: overGre(gre({ proto: 0x22eb, sequence: 1 }, erspanIII(1, 2, u8(), true))),
    want: 'truncated_link',
  },
  { name: 'PPP address/control alone', frame: pptp(u8(0xff, 0x03)), want: 'truncated_ppp' },
  { name: 'PPP compressed protocol 0x21 alone', frame: pptp(u8(0x21)), want: 'truncated_ipv4' },
  { name: 'PPP protocol 0x0021 alone', frame: pptp(u8(0x00, 0x21)), want: 'truncated_ipv4' },

  // Cut headers are truncated before their (cut) contents are judged.
  {
    name: '19 bytes of IPv4 with IHL 4: truncated, not a bad header',
    frame: poke(v4(6, u8()), 0, 0x44).subarray(0, 19),
    link: LinkType.IPV4,
    want: 'truncated_ipv4',
  },
  {
    name: 'IPv4 options cut, after an Ethernet header',
    frame: ethernet(
      E4,
      v4(6, tcp({ sport: 1, dport: 2, flags: ACK }), { options: new Uint8Array(8) }).subarray(0, 24),
    ),
    want: 'truncated_ipv4',
  },
  {
    name: 'IPv6 cut at 39 bytes, after an Ethernet header',
    frame: ethernet(E6, v6(17, udp(1, 2, u8())).subarray(0, 39)),
    want: 'truncated_ipv6',
  },
  {
    name: 'an IPv4 packet under EtherType IPv6',
    frame: ethernet(E6, v4(17, udp(1, 2, new Uint8Array(20)))),
    want: 'bad_ip_version',
  },
  {
    name: 'IPv6 hop-by-hop cut to its first byte at the end of the capture',
    frame: v6(0, u8(17)),
    link: LinkType.IPV6,
    want: 'truncated_ipv6_ext',
  },
  {
    name: 'IPv6 fragment header cut to 4 bytes',
    frame: v6(44, u8(17, 0, 0, 0)),
    link: LinkType.IPV6,
    want: 'truncated_ipv6_ext',
  },
  {
    name: 'an IPv6 fragment header as the ninth extension header',
    frame: v6(17, udp(1, 2, bytesOf('x')), [
      ...Array.from({ length: 8 }, () => ({ type: 60 })),
      { type: 44 },
    ]),
    link: LinkType.IPV6,
    want: 'ipv6_ext_limit',
  },
  {
    name: 'Geneve cut to 4 bytes with version bits set: truncated, not a bad version',
    frame: v4(17, udp(1, 6081, u8(0x40, 0, 0x65, 0x58))),
    link: LinkType.IPV4,
    want: 'truncated_geneve',
  },
  {
    name: 'GRE cut to 3 bytes announcing version 2: truncated, not a bad header',
    frame: overGre(u8(0, 2, 8)),
    want: 'truncated_gre',
  },
  {
    name: 'enhanced GRE v1 carrying IPv4 instead of PPP',
    frame: overGre(gre({ proto: E4, version: 1 }, inner4())),
    want: 'bad_gre_header',
  },
  {
    name: 'ERSPAN II cut to 3 bytes announcing version 2: truncated, not a bad version',
    frame: overGre(gre({ proto: 0x88be, sequence: 1 }, u8(0x20, 0, 0))),
    want: 'truncated_erspan',
  },

  // Bytes past a layer's end (here Ethernet padding after the outer IP packet) are not read.
  {
    name: 'PPTP with no PPP bytes, padding starting 0x21',
    frame: pad(pptp(u8()), 0x21, 0x45, 0),
    want: 'truncated_ppp',
  },
  {
    name: 'PPP protocol 0xff as the last byte, padding starting 0x03',
    frame: pad(pptp(u8(0xff)), 0x03, 0x21),
    want: 'ignored tunnel_payload_other',
  },

  // Address/control is skipped only as the pair 0xff 0x03.
  {
    name: 'PPP 0x01 0x03: protocol 0x01 (compressed), not address/control',
    frame: pptp(concat(u8(0x01, 0x03, 0x21), inner4())),
    want: 'ignored tunnel_payload_other',
  },
  {
    name: 'PPP 0xff 0x00: protocol 0xff, not address/control',
    frame: pptp(concat(u8(0xff, 0x00, 0x21), inner4())),
    want: 'ignored tunnel_payload_other',
  },
];

/** The frame at an offset inside a buffer with other bytes before and after it. */
function decodeInBuffer(frame: Uint8Array, link: number): DecodedPacket {
  const junk = u8(0xff, 0x03, 0x21, 0x45, 0x60, 0x00, 0x08, 0x00, 0x45, 0x00, 0xff);
  const p = new DecodedPacket();
  new PacketDecoder().decode(p, concat(junk, frame, junk), junk.length, frame.length, link);
  return p;
}

describe('header bounds', () => {
  it.each(cases)('$name: $want', ({ frame, link, want }) => {
    expect(outcome(decode(frame, link ?? LinkType.ETHERNET))).toBe(want);
    expect(outcome(decodeInBuffer(frame, link ?? LinkType.ETHERNET))).toBe(want);
  });
});

interface Fields {
  src: string;
  dst: string;
  /** The address bytes srcOffset/dstOffset point at, in the same notation. */
  srcAt: string;
  dstAt: string;
  ipLength: number;
  sport: number;
  dport: number;
  payload: string;
  vni: number;
}

function fields(p: DecodedPacket): Fields {
  const b = p.bytes;
  const at = (offset: number): string =>
    p.ipVersion === 4 ? Array.from(b.subarray(offset, offset + 4)).join('.') : formatIPv6(b, offset);
  return {
    src: p.ipVersion === 4 ? formatIPv4(p.src4) : formatIPv6(b, p.srcOffset),
    dst: p.ipVersion === 4 ? formatIPv4(p.dst4) : formatIPv6(b, p.dstOffset),
    srcAt: at(p.srcOffset),
    dstAt: at(p.dstOffset),
    ipLength: p.ipLength,
    sport: p.sport,
    dport: p.dport,
    payload: new TextDecoder().decode(b.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)),
    vni: p.vni,
  };
}

const A4 = { src: '10.1.0.1', dst: '10.1.0.2', srcAt: '10.1.0.1', dstAt: '10.1.0.2', vni: -1 };
const A6 = { src: 'fd00::1', dst: 'fd00::2', srcAt: 'fd00::1', dstAt: 'fd00::2', vni: -1 };
const seg = (): Uint8Array => tcp({ sport: 1000, dport: 80, flags: ACK }, bytesOf('ab'));
const zeroLength6 = (): Uint8Array => poke(v6(6, seg()), 4, 0, 0);

const okCases: Array<{ name: string; frame: Uint8Array; link?: number; want: Fields }> = [
  {
    name: 'IPv4 under Ethernet: addresses at srcOffset/dstOffset',
    frame: ethernet(E4, v4(6, seg())),
    want: { ...A4, ipLength: 42, sport: 1000, dport: 80, payload: 'ab' },
  },
  {
    name: 'IPv6 TCP followed by Ethernet padding: the padding is not payload',
    frame: pad(ethernet(E6, v6(6, seg())), 0xee, 0xee, 0xee, 0xee),
    want: { ...A6, ipLength: 62, sport: 1000, dport: 80, payload: 'ab' },
  },
  {
    name: 'IPv6 payload length 0 (offload): what was captured, after an Ethernet header',
    frame: ethernet(E6, zeroLength6()),
    want: { ...A6, ipLength: 62, sport: 1000, dport: 80, payload: 'ab' },
  },
  {
    name: 'IPv4 total length 0 (offload): what was captured, after an Ethernet header',
    frame: ethernet(E4, v4(6, seg(), { totalLength: 0 })),
    want: { ...A4, ipLength: 42, sport: 1000, dport: 80, payload: 'ab' },
  },
  {
    name: 'UDP length shorter than the IP payload: the trailer is not payload',
    frame: ethernet(E4, v4(17, concat(udp(1000, 53, bytesOf('abc')), bytesOf('zz')))),
    want: { ...A4, ipLength: 33, sport: 1000, dport: 53, payload: 'abc' },
  },
  {
    name: 'IPv6 AH (24 bytes: length field 4) before UDP',
    frame: v6(51, concat(ah(17), udp(1000, 53, bytesOf('abc')))),
    link: LinkType.IPV6,
    want: { ...A6, ipLength: 75, sport: 1000, dport: 53, payload: 'abc' },
  },
  {
    name: 'VXLAN VNI 0 around VXLAN VNI 5: the outermost VNI is 0',
    frame: v4(
      17,
      udp(1, 4789, vxlan(0, ethernet(E4, v4(17, udp(2, 4789, vxlan(5, ethernet(E4, v4(6, seg())))))))),
    ),
    link: LinkType.IPV4,
    want: { ...A4, ipLength: 42, sport: 1000, dport: 80, payload: 'ab', vni: 0 },
  },
  {
    name: 'Geneve VNI 0 around Geneve VNI 5: the outermost VNI is 0',
    frame: v4(17, udp(1, 6081, geneve(0, E4, v4(17, udp(2, 6081, geneve(5, E4, v4(6, seg()))))))),
    link: LinkType.IPV4,
    want: { ...A4, ipLength: 42, sport: 1000, dport: 80, payload: 'ab', vni: 0 },
  },
];

describe('lengths and offsets', () => {
  it.each(okCases)('$name', ({ frame, link, want }) => {
    for (const p of [
      decode(frame, link ?? LinkType.ETHERNET),
      decodeInBuffer(frame, link ?? LinkType.ETHERNET),
    ]) {
      expect(outcome(p)).toBe('ok');
      expect(fields(p)).toEqual(want);
    }
  });
});
