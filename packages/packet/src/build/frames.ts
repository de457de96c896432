import { parseIPv4, parseIPv6 } from '@glia/core';

/**
 * Builds frames byte by byte, for tests of this decoder and of other backends. Checksums are left
 * zero: nothing in glia checks them.
 */

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const u16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

export function ethernet(
  type: number,
  payload: Uint8Array,
  vlans: ReadonlyArray<{ tpid: number; vid: number }> = [],
): Uint8Array {
  const head = [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa];
  for (const v of vlans) head.push(...u16(v.tpid), ...u16(v.vid));
  head.push(...u16(type));
  return concat(Uint8Array.from(head), payload);
}

export function linuxSll(protocol: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, ...u16(protocol)]), payload);
}

export function linuxSll2(protocol: number, payload: Uint8Array): Uint8Array {
  return concat(
    Uint8Array.from([...u16(protocol), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0]),
    payload,
  );
}

/** BSD loopback header: the address family in little- or big-endian order. */
export function nullLink(family: number, payload: Uint8Array, littleEndian = true): Uint8Array {
  const head = littleEndian ? [family & 255, (family >> 8) & 255, 0, 0] : u32(family);
  return concat(Uint8Array.from(head), payload);
}

export interface IPv4Spec {
  src: string;
  dst: string;
  proto: number;
  ttl?: number;
  /** Option bytes (padded to 4 bytes here). */
  options?: Uint8Array;
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** Overrides the total length field. */
  totalLength?: number;
}

export function ipv4(spec: IPv4Spec, payload: Uint8Array): Uint8Array {
  const options = spec.options ?? new Uint8Array(0);
  const padded = concat(options, new Uint8Array((4 - (options.length % 4)) % 4));
  const headerLength = 20 + padded.length;
  const flags = ((spec.moreFragments === true ? 1 : 0) << 13) | (spec.fragmentOffset ?? 0);
  const head = [
    0x40 | (headerLength / 4),
    0,
    ...u16(spec.totalLength ?? headerLength + payload.length),
    0x12,
    0x34,
    ...u16(flags),
    spec.ttl ?? 64,
    spec.proto,
    0,
    0,
    ...u32(parseIPv4(spec.src) ?? 0),
    ...u32(parseIPv4(spec.dst) ?? 0),
  ];
  return concat(Uint8Array.from(head), padded, payload);
}

export interface IPv6Spec {
  src: string;
  dst: string;
  /** Next header after the last extension header. */
  proto: number;
  hopLimit?: number;
  /** Extension headers in order: type and the bytes after its next-header byte (built to size here). */
  extensions?: ReadonlyArray<{ type: number; body?: Uint8Array; fragmentOffset?: number }>;
}

export function ipv6(spec: IPv6Spec, payload: Uint8Array): Uint8Array {
  const exts = spec.extensions ?? [];
  const built: Uint8Array[] = [];
  for (let i = 0; i < exts.length; i++) {
    const e = exts[i];
    const next = i + 1 < exts.length ? exts[i + 1].type : spec.proto;
    if (e.type === 44) {
      built.push(Uint8Array.from([next, 0, ...u16((e.fragmentOffset ?? 0) << 3), 0, 0, 0, 1]));
    } else {
      const body = e.body ?? new Uint8Array(6);
      const total = Math.ceil((body.length + 2) / 8) * 8;
      const h = new Uint8Array(total);
      h[0] = next;
      h[1] = total / 8 - 1;
      h.set(body, 2);
      built.push(h);
    }
  }
  const rest = concat(...built, payload);
  const first = exts.length > 0 ? exts[0].type : spec.proto;
  const src = parseIPv6(spec.src) ?? new Uint8Array(16);
  const dst = parseIPv6(spec.dst) ?? new Uint8Array(16);
  const head = Uint8Array.from([0x60, 0, 0, 0, ...u16(rest.length), first, spec.hopLimit ?? 64]);
  return concat(head, src, dst, rest);
}

export interface TcpSpec {
  sport: number;
  dport: number;
  /** Flags byte: SYN 0x02, ACK 0x10, PSH 0x08 ... */
  flags: number;
  seq?: number;
  ack?: number;
  window?: number;
  /** Option bytes (padded to 4 bytes here with EOL). */
  options?: Uint8Array;
}

export function tcp(spec: TcpSpec, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const options = spec.options ?? new Uint8Array(0);
  const padded = concat(options, new Uint8Array((4 - (options.length % 4)) % 4));
  const head = [
    ...u16(spec.sport),
    ...u16(spec.dport),
    ...u32(spec.seq ?? 1000),
    ...u32(spec.ack ?? 0),
    ((20 + padded.length) / 4) << 4,
    spec.flags,
    ...u16(spec.window ?? 65535),
    0,
    0,
    0,
    0,
  ];
  return concat(Uint8Array.from(head), padded, payload);
}

export function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0]), payload);
}

/** A VXLAN header (flags 0x08) and the inner Ethernet frame. */
export function vxlan(vni: number, innerFrame: Uint8Array): Uint8Array {
  return concat(
    Uint8Array.from([0x08, 0, 0, 0, (vni >> 16) & 255, (vni >> 8) & 255, vni & 255, 0]),
    innerFrame,
  );
}

/** A Geneve header with the given protocol type and option bytes (a multiple of 4). */
export function geneve(
  vni: number,
  protocol: number,
  inner: Uint8Array,
  options = new Uint8Array(0),
): Uint8Array {
  const head = [options.length / 4, 0, ...u16(protocol), (vni >> 16) & 255, (vni >> 8) & 255, vni & 255, 0];
  return concat(Uint8Array.from(head), options, inner);
}

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

export interface GreSpec {
  /** Protocol type: 0x0800 IPv4, 0x86dd IPv6, 0x6558 Ethernet, 0x880b PPP, 0x88be / 0x22eb ERSPAN. */
  proto: number;
  /** 0: GRE (RFC 2784/2890); 1: enhanced GRE (PPTP, RFC 2637), which always has a key. */
  version?: 0 | 1;
  checksum?: boolean;
  key?: number;
  sequence?: number;
  /** Version 1 only: the acknowledgment number. */
  ack?: number;
  /** Sets the RFC 1701 routing-present bit (not followed by the decoder). */
  routing?: boolean;
}

/** A GRE header with the optional words the spec asks for, then the payload. */
export function gre(spec: GreSpec, payload: Uint8Array): Uint8Array {
  const version = spec.version ?? 0;
  const key = version === 1 ? (spec.key ?? (payload.length << 16) | 7) : spec.key;
  let flags = version;
  if (spec.checksum === true) flags |= 0x8000;
  if (spec.routing === true) flags |= 0x4000;
  if (key !== undefined) flags |= 0x2000;
  if (spec.sequence !== undefined) flags |= 0x1000;
  if (spec.ack !== undefined) flags |= 0x0080;
  const head = [...u16(flags), ...u16(spec.proto)];
  if (spec.checksum === true) head.push(0, 0, 0, 0);
  if (key !== undefined) head.push(...u32(key));
  if (spec.sequence !== undefined) head.push(...u32(spec.sequence));
  if (spec.ack !== undefined) head.push(...u32(spec.ack));
  return concat(Uint8Array.from(head), payload);
}

/** An ERSPAN type II header (version 1, VLAN and session id), then the mirrored Ethernet frame. */
export function erspanII(session: number, vlan: number, frame: Uint8Array): Uint8Array {
  const head = [0x10 | ((vlan >> 8) & 0x0f), vlan & 255, (session >> 8) & 0x03, session & 255, 0, 0, 0, 0];
  return concat(Uint8Array.from(head), frame);
}

/**
 * An ERSPAN type III header (version 2), with the 8-byte platform-specific subheader when
 * `subheader` is set (the O bit), then the mirrored Ethernet frame.
 */
export function erspanIII(session: number, vlan: number, frame: Uint8Array, subheader = false): Uint8Array {
  const head = [
    0x20 | ((vlan >> 8) & 0x0f),
    vlan & 255,
    (session >> 8) & 0x03,
    session & 255,
    ...u32(0x01020304),
    0,
    0,
    0,
    subheader ? 1 : 0,
  ];
  if (subheader) head.push(0x0c, 0, 0, 0, 0, 0, 0, 0);
  return concat(Uint8Array.from(head), frame);
}

/**
 * A PPP frame as PPTP carries it: with or without the address/control pair, the protocol in two
 * bytes or, compressed, one (0x21 IPv4, 0x57 IPv6, 0xc021 LCP).
 */
export function ppp(
  protocol: number,
  payload: Uint8Array,
  addressControl = true,
  compressed = false,
): Uint8Array {
  const head = addressControl ? [0xff, 0x03] : [];
  head.push(...(compressed ? [protocol & 255] : u16(protocol)));
  return concat(Uint8Array.from(head), payload);
}
