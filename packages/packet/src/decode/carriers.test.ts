import { formatIPv4, formatIPv6 } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { bytesOf, concat, ethernet, ipv4, ipv6, ppp, tcp, udp } from '../build/frames.js';
import { DecodeStatus, DecodedPacket } from './decoded.js';
import { PacketDecoder } from './decoder.js';
import { LinkType } from './link-types.js';
import { MAX_MPLS_LABELS } from './mpls.js';
import { IGNORED_KINDS, UNDECODABLE_REASONS } from './reasons.js';

/**
 * What sits between the link and IP without being a tunnel: PPPoE sessions, MPLS label stacks and
 * their Ethernet pseudowires, PPP and Cisco HDLC links, E-Tags and VN-Tags. Each frame is built
 * byte by byte here from the RFC layouts, so the expectations are the addresses put in, not what
 * the decoder read.
 */

const v4tcp = (): Uint8Array =>
  ipv4({ src: '192.0.2.1', dst: '198.51.100.2', proto: 6 }, tcp({ sport: 40001, dport: 443, flags: 0x02 }));
const v6udp = (): Uint8Array =>
  ipv6({ src: '2001:db8::1', dst: '2001:db8::2', proto: 17 }, udp(5353, 53, bytesOf('q')));
const V4 = { src: '192.0.2.1', dst: '198.51.100.2', sport: 40001, dport: 443 };
const V6 = { src: '2001:db8::1', dst: '2001:db8::2', sport: 5353, dport: 53 };

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
/** PPPoE session header (RFC 2516 §4): ver/type 0x11, code, session id 0x003d, length. */
const pppoe = (payload: Uint8Array, code = 0, verType = 0x11): Uint8Array =>
  concat(bytes(verType, code, 0x00, 0x3d, payload.length >> 8, payload.length & 255), payload);
/** One MPLS label stack entry (RFC 3032 §2.1): label 20 bits, TC 3, S 1, TTL 8. */
const label = (value: number, bottom: boolean, ttl = 64): Uint8Array =>
  bytes(value >> 12, (value >> 4) & 255, ((value & 15) << 4) | (bottom ? 1 : 0), ttl);
const stack = (values: number[]): Uint8Array =>
  concat(...values.map((v, i) => label(v, i === values.length - 1)));
const CONTROL_WORD = bytes(0, 0, 0, 0);

function decode(frame: Uint8Array, link: number): DecodedPacket {
  const p = new DecodedPacket();
  new PacketDecoder().decode(p, frame, 0, frame.length, link);
  return p;
}

function endpoints(p: DecodedPacket): { src: string; dst: string; sport: number; dport: number } {
  return {
    src: p.ipVersion === 4 ? formatIPv4(p.src4) : formatIPv6(p.bytes, p.srcOffset),
    dst: p.ipVersion === 4 ? formatIPv4(p.dst4) : formatIPv6(p.bytes, p.dstOffset),
    sport: p.sport,
    dport: p.dport,
  };
}

const E = LinkType.ETHERNET;
const okCases: Array<{ name: string; frame: Uint8Array; link: number; want: typeof V4 }> = [
  {
    name: 'PPPoE session, PPP protocol in two bytes',
    frame: ethernet(0x8864, pppoe(ppp(0x21, v4tcp(), false))),
    link: E,
    want: V4,
  },
  {
    name: 'PPPoE session, PPP protocol compressed to one byte',
    frame: ethernet(0x8864, pppoe(ppp(0x21, v4tcp(), false, true))),
    link: E,
    want: V4,
  },
  {
    name: 'PPPoE session carrying IPv6 behind a VLAN tag',
    frame: ethernet(0x8864, pppoe(ppp(0x57, v6udp(), false)), [{ tpid: 0x8100, vid: 7 }]),
    link: E,
    want: V6,
  },
  {
    name: 'MPLS, one label, IPv4 by its first nibble',
    frame: ethernet(0x8847, concat(stack([16]), v4tcp())),
    link: E,
    want: V4,
  },
  {
    name: 'MPLS, three labels, IPv6',
    frame: ethernet(0x8847, concat(stack([100, 200, 300]), v6udp())),
    link: E,
    want: V6,
  },
  {
    name: 'MPLS multicast ethertype',
    frame: ethernet(0x8848, concat(stack([1000]), v4tcp())),
    link: E,
    want: V4,
  },
  {
    name: 'MPLS IPv4 explicit-null label',
    frame: ethernet(0x8847, concat(stack([0]), v4tcp())),
    link: E,
    want: V4,
  },
  {
    name: 'MPLS IPv6 explicit-null label',
    frame: ethernet(0x8847, concat(stack([2]), v6udp())),
    link: E,
    want: V6,
  },
  // Labels whose bits lie only in the first, or only in the second, byte of the entry: not null.
  ...[0x10000, 0x20, 0xfffff].map((value) => ({
    name: `MPLS label ${value.toString(16)} carrying IPv6`,
    frame: ethernet(0x8847, concat(stack([value]), v6udp())),
    link: E,
    want: V6,
  })),
  {
    name: 'MPLS Ethernet pseudowire: control word, then a whole Ethernet frame',
    frame: ethernet(0x8847, concat(stack([17, 18]), CONTROL_WORD, ethernet(0x0800, v4tcp()))),
    link: E,
    want: V4,
  },
  {
    name: 'MPLS pseudowire whose inner frame is tagged and labelled again',
    frame: ethernet(
      0x8847,
      concat(
        stack([17]),
        CONTROL_WORD,
        ethernet(0x8847, concat(stack([5]), v6udp()), [{ tpid: 0x8100, vid: 9 }]),
      ),
    ),
    link: E,
    want: V6,
  },
  {
    name: 'E-Tag (802.1BR) before the ethertype',
    frame: ethernet(0x893f, concat(bytes(0, 1, 2, 3, 4, 5, 0x08, 0x00), v4tcp())),
    link: E,
    want: V4,
  },
  {
    name: 'VN-Tag, then a VLAN tag',
    frame: ethernet(0x8926, concat(bytes(0x80, 1, 0, 2, 0x81, 0x00, 0, 5, 0x86, 0xdd), v6udp())),
    link: E,
    want: V6,
  },
  { name: 'DLT_PPP with the address/control pair', frame: ppp(0x21, v4tcp()), link: LinkType.PPP, want: V4 },
  {
    name: 'DLT_PPP without it, protocol compressed',
    frame: ppp(0x57, v6udp(), false, true),
    link: LinkType.PPP,
    want: V6,
  },
  { name: 'DLT_PPP_HDLC', frame: ppp(0x21, v4tcp()), link: LinkType.PPP_HDLC, want: V4 },
  {
    name: 'DLT_PPP_ETHER: PPPoE without the Ethernet header',
    frame: pppoe(ppp(0x21, v4tcp(), false)),
    link: LinkType.PPP_ETHER,
    want: V4,
  },
  {
    name: 'Cisco HDLC: address 0x0f, control 0, ethertype',
    frame: concat(bytes(0x0f, 0, 0x08, 0x00), v4tcp()),
    link: LinkType.C_HDLC,
    want: V4,
  },
  {
    name: 'Cisco HDLC carrying MPLS',
    frame: concat(bytes(0x0f, 0, 0x88, 0x47), stack([33]), v6udp()),
    link: LinkType.C_HDLC,
    want: V6,
  },
];

describe('carriers between the link and IP', () => {
  for (const c of okCases) {
    it(c.name, () => {
      const p = decode(c.frame, c.link);
      expect(p.status).toBe(DecodeStatus.ok);
      expect(endpoints(p)).toEqual(c.want);
      expect(p.tunnelDepth).toBe(0);
    });
  }
});

const kind = (p: DecodedPacket): string =>
  p.status === DecodeStatus.ignored ? IGNORED_KINDS[p.reason] : UNDECODABLE_REASONS[p.reason];

const otherCases: Array<{ name: string; frame: Uint8Array; link: number; want: string }> = [
  {
    name: 'PPPoE discovery (0x8863) is not traffic',
    frame: ethernet(0x8863, pppoe(bytes(1, 1, 0, 0), 0x09)),
    link: E,
    want: 'non_ip',
  },
  {
    name: 'a PPPoE session frame with another code',
    frame: ethernet(0x8864, pppoe(ppp(0x21, v4tcp(), false), 0x07)),
    link: E,
    want: 'non_ip',
  },
  {
    name: 'a PPPoE version other than 1',
    frame: ethernet(0x8864, pppoe(ppp(0x21, v4tcp(), false), 0, 0x21)),
    link: E,
    want: 'non_ip',
  },
  {
    name: 'PPPoE carrying LCP',
    frame: ethernet(0x8864, pppoe(ppp(0xc021, bytes(1, 1, 0, 4), false))),
    link: E,
    want: 'non_ip',
  },
  {
    name: 'a PPPoE header cut short',
    frame: ethernet(0x8864, bytes(0x11, 0, 0, 0x3d)),
    link: E,
    want: 'truncated_pppoe',
  },
  {
    name: 'PPPoE with its PPP protocol missing',
    frame: ethernet(0x8864, pppoe(new Uint8Array(0))),
    link: E,
    want: 'truncated_ppp',
  },
  {
    name: 'an MPLS stack without a bottom before the frame ends',
    frame: ethernet(0x8847, concat(label(16, false), label(17, false))),
    link: E,
    want: 'truncated_mpls',
  },
  {
    name: `an MPLS stack of ${MAX_MPLS_LABELS + 1} labels`,
    frame: ethernet(
      0x8847,
      concat(stack(Array.from({ length: MAX_MPLS_LABELS + 1 }, (_, i) => 16 + i)), v4tcp()),
    ),
    link: E,
    want: 'mpls_label_limit',
  },
  {
    name: `an MPLS stack of exactly ${MAX_MPLS_LABELS} labels is read`,
    frame: ethernet(
      0x8847,
      concat(stack(Array.from({ length: MAX_MPLS_LABELS }, (_, i) => 16 + i)), v4tcp()),
    ),
    link: E,
    want: 'ok',
  },
  {
    name: 'MPLS with nothing after the bottom label',
    frame: ethernet(0x8847, stack([16])),
    link: E,
    want: 'truncated_mpls',
  },
  {
    name: 'an MPLS pseudowire cut inside its control word',
    frame: ethernet(0x8847, concat(stack([16]), bytes(0, 0))),
    link: E,
    want: 'truncated_mpls',
  },
  {
    name: 'MPLS carrying something that is not IP or a pseudowire',
    frame: ethernet(0x8847, concat(stack([16]), bytes(0x30, 0, 0, 0))),
    link: E,
    want: 'non_ip',
  },
  { name: 'an E-Tag cut short', frame: ethernet(0x893f, bytes(0, 1, 2)), link: E, want: 'truncated_vlan' },
  {
    name: 'Cisco HDLC header cut short',
    frame: bytes(0x0f, 0, 0x08),
    link: LinkType.C_HDLC,
    want: 'truncated_link',
  },
  {
    name: 'Cisco HDLC ending after its header',
    frame: bytes(0x0f, 0, 0x08, 0x00),
    link: LinkType.C_HDLC,
    want: 'truncated_ipv4',
  },
  {
    name: 'Cisco HDLC keepalive (SLARP)',
    frame: concat(bytes(0x8f, 0, 0x80, 0x35), new Uint8Array(20)),
    link: LinkType.C_HDLC,
    want: 'non_ip',
  },
  {
    name: 'DLT_PPP with only the address/control pair',
    frame: bytes(0xff, 0x03),
    link: LinkType.PPP,
    want: 'truncated_ppp',
  },
  // A carrier header that ends the frame exactly: the layer it names is what is missing.
  {
    name: 'DLT_PPP ending after a compressed protocol',
    frame: bytes(0x21),
    link: LinkType.PPP,
    want: 'truncated_ipv4',
  },
  {
    name: 'DLT_PPP ending after the address/control pair and a compressed protocol',
    frame: bytes(0xff, 0x03, 0x57),
    link: LinkType.PPP,
    want: 'truncated_ipv6',
  },
  {
    name: 'DLT_PPP ending after a two-byte protocol',
    frame: bytes(0x00, 0x21),
    link: LinkType.PPP,
    want: 'truncated_ipv4',
  },
  {
    name: 'DLT_PPP_ETHER: a PPPoE frame with another code is not traffic',
    frame: pppoe(ppp(0x21, v4tcp(), false), 0x07),
    link: LinkType.PPP_ETHER,
    want: 'non_ip',
  },
  // The address/control pair is 0xff then 0x03: either byte alone is something else.
  {
    name: 'DLT_PPP: 0xff followed by 0x00 is no address/control pair',
    frame: concat(bytes(0xff, 0x00, 0x21), v4tcp()),
    link: LinkType.PPP,
    want: 'non_ip',
  },
  {
    name: 'DLT_PPP: a compressed protocol (0x3d) followed by 0x03 is no address/control pair',
    frame: concat(bytes(0x3d, 0x03, 0x00, 0x21), v4tcp()),
    link: LinkType.PPP,
    want: 'non_ip',
  },
  {
    name: 'an MPLS stack cut after an explicit-null entry that is not the bottom',
    frame: ethernet(0x8847, label(0, false)),
    link: E,
    want: 'truncated_mpls',
  },
  {
    name: 'MPLS ending after the IPv4 explicit-null label',
    frame: ethernet(0x8847, stack([0])),
    link: E,
    want: 'truncated_ipv4',
  },
  {
    name: 'MPLS ending after the IPv6 explicit-null label',
    frame: ethernet(0x8847, stack([2])),
    link: E,
    want: 'truncated_ipv6',
  },
  {
    name: 'MPLS ending one byte after the bottom label',
    frame: ethernet(0x8847, concat(stack([16]), bytes(0x45))),
    link: E,
    want: 'truncated_ipv4',
  },
  {
    name: 'an MPLS pseudowire ending after its control word',
    frame: ethernet(0x8847, concat(stack([16]), CONTROL_WORD)),
    link: E,
    want: 'truncated_link',
  },
  {
    name: 'the IPv6 explicit-null label decides, not the first nibble: an IPv4 header after it',
    frame: ethernet(0x8847, concat(stack([2]), v4tcp())),
    link: E,
    want: 'bad_ip_version',
  },
];

describe('carriers that hold no TCP/UDP, or are cut', () => {
  for (const c of otherCases) {
    it(c.name, () => {
      const p = decode(c.frame, c.link);
      expect(p.status === DecodeStatus.ok ? 'ok' : kind(p)).toBe(c.want);
    });
  }

  // The frame is the buffer's first `length` bytes; the bytes after it would mislead a decoder that read them.
  it.each([
    {
      name: 'a one-byte PPP frame 0xff, 0x03 next in the buffer',
      buffer: bytes(0xff, 0x03),
      length: 1,
      want: 'non_ip',
    },
    {
      name: 'a PPP address/control pair, a protocol byte next',
      buffer: bytes(0xff, 0x03, 0x21),
      length: 2,
      want: 'truncated_ppp',
    },
    {
      name: 'a one-byte PPP frame 0x00, 0x21 next',
      buffer: bytes(0x00, 0x21),
      length: 1,
      want: 'truncated_ppp',
    },
    {
      name: 'MPLS ending with its bottom label, an IPv4 version byte next',
      buffer: concat(ethernet(0x8847, stack([16])), bytes(0x45)),
      length: 14 + 4,
      want: 'truncated_mpls',
      link: E,
    },
  ])('reads no byte past the frame: $name', ({ buffer, length, want, link }) => {
    const p = new DecodedPacket();
    new PacketDecoder().decode(p, buffer, 0, length, link ?? LinkType.PPP);
    expect(kind(p)).toBe(want);
  });

  it('a Cisco HDLC header cut short is seen as cut where the frame starts inside the buffer', () => {
    // Three bytes of header at offset 2, then bytes of another frame: the frame's own length counts.
    const buffer = concat(bytes(0xaa, 0xbb), bytes(0x0f, 0, 0x08), bytes(0x00, 0x45, 0, 0));
    const p = new DecodedPacket();
    new PacketDecoder().decode(p, buffer, 2, 3, LinkType.C_HDLC);
    expect(kind(p)).toBe('truncated_link');
  });

  it('never throws on any cut of any carrier frame', () => {
    for (const c of [...okCases, ...otherCases])
      for (let n = 0; n <= c.frame.length; n++) {
        const p = decode(c.frame.subarray(0, n), c.link);
        if (n < c.frame.length && p.status === DecodeStatus.ok)
          // A cut frame decodes only when what is cut is payload the decoder does not read.
          expect(n).toBeGreaterThanOrEqual(c.frame.length - 1);
      }
  });
});
