import fc from 'fast-check';
import { formatIPv4, formatIPv6 } from '@glia/core';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import {
  erspanII,
  erspanIII,
  ethernet,
  geneve,
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

/**
 * The decoder against frames built from a model: an inner TCP or UDP packet over IPv4 or IPv6
 * (with extension headers), wrapped in up to three tunnel layers of any kind glia follows (VXLAN,
 * Geneve, GRE with its optional words, IP-in-IP, ERSPAN II and III, PPTP's GRE with PPP) and VLAN
 * tags. Every field of the decoded packet must be the model's: addresses, TTL, ports, TCP sequence,
 * acknowledgment, window, flags, option bytes, payload, the outermost VNI and the tunnel depth.
 * Payloads may be empty, so headers of exactly their minimum length end the frame.
 */
const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const TEB = 0x6558;

interface Inner {
  v6: boolean;
  src: string;
  dst: string;
  ttl: number;
  extensions: number[];
  transport:
    | {
        kind: 'tcp';
        sport: number;
        dport: number;
        seq: number;
        ack: number;
        window: number;
        flags: number;
        options: number[];
      }
    | { kind: 'udp'; sport: number; dport: number };
  payload: number[];
}
type Layer =
  | { kind: 'vxlan'; vni: number; vlan: boolean }
  | { kind: 'geneve'; vni: number; as: 'eth' | 'ip' }
  | { kind: 'gre'; as: 'ip' | 'eth'; checksum: boolean; key: boolean; sequence: boolean; v6: boolean }
  | { kind: 'ipip'; v6: boolean }
  | { kind: 'erspan'; type: 2 | 3; subheader: boolean }
  | { kind: 'pptp'; addressControl: boolean; compressed: boolean };

const v4 = fc
  .tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }))
  .map((o) => o.join('.'));
const v6 = fc
  .array(fc.oneof(fc.constant(0), fc.nat({ max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((w) => {
    const b = new Uint8Array(16);
    w.forEach((x, i) => ([b[2 * i], b[2 * i + 1]] = [x >> 8, x & 255]));
    return formatIPv6(b);
  });
const port = fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 4789 && p !== 8472 && p !== 6081);
const inner: fc.Arbitrary<Inner> = fc
  .record({
    v6: fc.boolean(),
    a4: v4,
    b4: v4,
    a6: v6,
    b6: v6,
    ttl: fc.nat({ max: 255 }),
    extensions: fc.array(fc.constantFrom(0, 60, 43, 44), { maxLength: 3 }),
    tcp: fc.boolean(),
    sport: port,
    dport: port,
    seq: fc.nat({ max: 0xffffffff }),
    ack: fc.nat({ max: 0xffffffff }),
    window: fc.nat({ max: 0xffff }),
    flags: fc.nat({ max: 0xff }),
    options: fc
      .array(fc.nat({ max: 255 }), { maxLength: 12 })
      .map((o) => [...o, ...new Array<number>((4 - (o.length % 4)) % 4).fill(0)]),
    payload: fc.array(fc.nat({ max: 255 }), { maxLength: 40 }),
  })
  .map((r) => ({
    v6: r.v6,
    src: r.v6 ? r.a6 : r.a4,
    dst: r.v6 ? r.b6 : r.b4,
    ttl: r.ttl,
    extensions: r.v6 ? r.extensions : [],
    transport: r.tcp
      ? {
          kind: 'tcp' as const,
          sport: r.sport,
          dport: r.dport,
          seq: r.seq,
          ack: r.ack,
          window: r.window,
          flags: r.flags,
          options: r.options,
        }
      : { kind: 'udp' as const, sport: r.sport, dport: r.dport },
    payload: r.payload,
  }));
const layer: fc.Arbitrary<Layer> = fc.oneof(
  fc.record({ kind: fc.constant('vxlan' as const), vni: fc.nat({ max: 0xffffff }), vlan: fc.boolean() }),
  fc.record({
    kind: fc.constant('geneve' as const),
    vni: fc.nat({ max: 0xffffff }),
    as: fc.constantFrom('eth' as const, 'ip' as const),
  }),
  fc.record({
    kind: fc.constant('gre' as const),
    as: fc.constantFrom('ip' as const, 'eth' as const),
    checksum: fc.boolean(),
    key: fc.boolean(),
    sequence: fc.boolean(),
    v6: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('ipip' as const), v6: fc.boolean() }),
  fc.record({
    kind: fc.constant('erspan' as const),
    type: fc.constantFrom(2 as const, 3 as const),
    subheader: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('pptp' as const), addressControl: fc.boolean(), compressed: fc.boolean() }),
);

const u8 = (xs: number[]): Uint8Array => Uint8Array.from(xs);

/** The inner IP packet. */
function innerPacket(m: Inner): Uint8Array {
  const t = m.transport;
  const payload = u8(m.payload);
  const l4 =
    t.kind === 'tcp'
      ? tcp(
          {
            sport: t.sport,
            dport: t.dport,
            flags: t.flags,
            seq: t.seq,
            ack: t.ack,
            window: t.window,
            options: u8(t.options),
          },
          payload,
        )
      : udp(t.sport, t.dport, payload);
  const proto = t.kind === 'tcp' ? 6 : 17;
  return m.v6
    ? ipv6(
        {
          src: m.src,
          dst: m.dst,
          proto,
          hopLimit: m.ttl,
          extensions: m.extensions.map((type) => ({ type })),
        },
        l4,
      )
    : ipv4({ src: m.src, dst: m.dst, proto, ttl: m.ttl }, l4);
}

/** Wraps an IP packet (of the given version) in one tunnel layer; returns an outer IP packet. */
function wrap(l: Layer, packet: Uint8Array, v6Inner: boolean): Uint8Array {
  const ethType = v6Inner ? ETH_IPV6 : ETH_IPV4;
  const outer4 = (proto: number, payload: Uint8Array): Uint8Array =>
    ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto }, payload);
  switch (l.kind) {
    case 'vxlan':
      return outer4(
        17,
        udp(50000, 4789, vxlan(l.vni, ethernet(ethType, packet, l.vlan ? [{ tpid: 0x8100, vid: 7 }] : []))),
      );
    case 'geneve':
      return outer4(
        17,
        udp(
          50000,
          6081,
          l.as === 'eth' ? geneve(l.vni, TEB, ethernet(ethType, packet)) : geneve(l.vni, ethType, packet),
        ),
      );
    case 'gre': {
      const spec = {
        checksum: l.checksum,
        key: l.key ? 0x1234 : undefined,
        sequence: l.sequence ? 99 : undefined,
      };
      const body =
        l.as === 'eth'
          ? gre({ proto: TEB, ...spec }, ethernet(ethType, packet))
          : gre({ proto: ethType, ...spec }, packet);
      return l.v6 ? ipv6({ src: '2001:db8::1', dst: '2001:db8::2', proto: 47 }, body) : outer4(47, body);
    }
    case 'ipip':
      return l.v6
        ? ipv6({ src: '2001:db8::1', dst: '2001:db8::2', proto: v6Inner ? 41 : 4 }, packet)
        : outer4(v6Inner ? 41 : 4, packet);
    case 'erspan':
      return outer4(
        47,
        l.type === 2
          ? gre({ proto: 0x88be, sequence: 5 }, erspanII(1, 2, ethernet(ethType, packet)))
          : gre({ proto: 0x22eb, sequence: 5 }, erspanIII(1, 2, ethernet(ethType, packet), l.subheader)),
      );
    case 'pptp':
      return outer4(
        47,
        gre(
          { proto: 0x880b, version: 1, sequence: 3 },
          ppp(v6Inner ? 0x57 : 0x21, packet, l.addressControl, l.compressed && !v6Inner),
        ),
      );
  }
}

describe('PacketDecoder against frames built from a model', () => {
  it('every field of the innermost packet, the outermost VNI and the tunnel depth', () => {
    fc.assert(
      fc.property(
        inner,
        fc.array(layer, { maxLength: 3 }),
        fc.array(fc.nat({ max: 4095 }), { maxLength: 2 }),
        (m, layers, vlans) => {
          let packet = innerPacket(m);
          let v6 = m.v6;
          for (const l of layers) {
            packet = wrap(l, packet, v6);
            v6 = l.kind === 'gre' || l.kind === 'ipip' ? l.v6 : false;
          }
          const frame = ethernet(
            v6 ? ETH_IPV6 : ETH_IPV4,
            packet,
            vlans.map((vid) => ({ tpid: 0x8100, vid })),
          );
          const p = new DecodedPacket();
          const status = new PacketDecoder().decode(p, frame, 0, frame.length, LinkType.ETHERNET);
          expect(status).toBe(DecodeStatus.ok);
          const b = p.bytes;
          const t = m.transport;
          const outermostVni = [...layers].reverse().find((l) => l.kind === 'vxlan' || l.kind === 'geneve');
          expect({
            src: p.ipVersion === 4 ? formatIPv4(p.src4) : formatIPv6(b, p.srcOffset),
            dst: p.ipVersion === 4 ? formatIPv4(p.dst4) : formatIPv6(b, p.dstOffset),
            ttl: p.ttl,
            transport: p.transport,
            sport: p.sport,
            dport: p.dport,
            payload: Array.from(b.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)),
            vni: p.vni,
            depth: p.tunnelDepth,
            ...(t.kind === 'tcp'
              ? {
                  seq: p.seq,
                  ack: p.ack,
                  window: p.window,
                  flags: p.tcpFlags,
                  options: Array.from(
                    b.subarray(p.tcpOptionsOffset, p.tcpOptionsOffset + p.tcpOptionsLength),
                  ),
                }
              : {}),
          }).toEqual({
            src: m.src,
            dst: m.dst,
            ttl: m.ttl,
            transport: t.kind === 'tcp' ? 6 : 17,
            sport: t.sport,
            dport: t.dport,
            payload: m.payload,
            vni:
              outermostVni !== undefined && (outermostVni.kind === 'vxlan' || outermostVni.kind === 'geneve')
                ? outermostVni.vni
                : -1,
            depth: layers.length,
            ...(t.kind === 'tcp'
              ? { seq: t.seq, ack: t.ack, window: t.window, flags: t.flags, options: t.options }
              : {}),
          });
        },
      ),
      propertyRuns('PacketDecoder vs built frames', 400),
    );
  });

  it('a frame cut anywhere inside its headers is undecodable, never a packet with wrong fields', () => {
    fc.assert(
      fc.property(inner, fc.array(layer, { maxLength: 2 }), fc.nat(), (m, layers, at) => {
        const payloadLength = m.payload.length;
        let packet = innerPacket(m);
        let v6 = m.v6;
        for (const l of layers) {
          packet = wrap(l, packet, v6);
          v6 = l.kind === 'gre' || l.kind === 'ipip' ? l.v6 : false;
        }
        const frame = ethernet(v6 ? ETH_IPV6 : ETH_IPV4, packet);
        const headers = frame.length - payloadLength;
        const cut = at % headers;
        const p = new DecodedPacket();
        const status = new PacketDecoder().decode(p, frame, 0, cut, LinkType.ETHERNET);
        expect(status).toBe(DecodeStatus.undecodable);
      }),
      propertyRuns('PacketDecoder cut headers', 400),
    );
  });
});
