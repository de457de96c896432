import type { DecodedPacket } from './decoded.js';
import { EtherType } from './link-types.js';
import { R } from './reasons.js';
import { decodePpp } from './ppp.js';

/** GRE protocol types glia follows besides IPv4, IPv6 and Ethernet (EtherType.TEB). */
export const GreProto = {
  PPP: 0x880b,
  /** ERSPAN type II, or type I when the GRE header has no sequence number. */
  ERSPAN_II: 0x88be,
  ERSPAN_III: 0x22eb,
} as const;

const CHECKSUM = 0x8000;
const ROUTING = 0x4000;
const KEY = 0x2000;
const SEQUENCE = 0x1000;
const ACK = 0x0080;

/**
 * GRE (RFC 2784/2890) and Enhanced GRE v1 (RFC 2637, PPTP). Skips the optional checksum, key,
 * sequence and (v1) acknowledgment words, then hands over by protocol type: IPv4, IPv6, Ethernet
 * (transparent bridging), PPP (v1) and ERSPAN types I, II and III. RFC 1701 source routing is not
 * followed (no deployment uses it; Linux drops it too).
 */
export function decodeGre(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return p.fail(R.truncatedGre);
  const flags = (b[off] << 8) | b[off + 1];
  const version = flags & 0x7;
  const proto = (b[off + 2] << 8) | b[off + 3];
  if (flags & ROUTING || version > 1) return p.fail(R.badGreHeader);
  let at = off + 4;
  if (version === 1) {
    // PPTP: the key (payload length and call id) is required; no checksum.
    if (!(flags & KEY) || flags & CHECKSUM || proto !== GreProto.PPP) return p.fail(R.badGreHeader);
    at += 4 + (flags & SEQUENCE ? 4 : 0) + (flags & ACK ? 4 : 0);
  } else {
    at += (flags & CHECKSUM ? 4 : 0) + (flags & KEY ? 4 : 0) + (flags & SEQUENCE ? 4 : 0);
  }
  if (at > end) return p.fail(R.truncatedGre);
  switch (proto) {
    case GreProto.PPP:
      return decodePpp(p, b, at, end);
    case GreProto.ERSPAN_II:
      // Type I has no ERSPAN header and no GRE sequence number: the mirrored frame follows GRE.
      if (!(flags & SEQUENCE)) {
        p.next = EtherType.TEB;
        return at;
      }
      return decodeErspan(p, b, at, end, 1, 8);
    case GreProto.ERSPAN_III:
      return decodeErspan(p, b, at, end, 2, 12);
    default:
      p.next = proto;
      return at;
  }
}

/**
 * ERSPAN type II (version 1, 8 bytes) and type III (version 2, 12 bytes, plus an 8-byte
 * platform-specific subheader when its O bit is set), then the mirrored Ethernet frame.
 */
function decodeErspan(
  p: DecodedPacket,
  b: Uint8Array,
  off: number,
  end: number,
  version: number,
  length: number,
): number {
  if (end - off < length) return p.fail(R.truncatedErspan);
  if (b[off] >> 4 !== version) return p.fail(R.badErspanVersion);
  let at = off + length;
  if (version === 2 && b[off + 11] & 0x01) at += 8;
  if (at > end) return p.fail(R.truncatedErspan);
  p.next = EtherType.TEB;
  return at;
}
