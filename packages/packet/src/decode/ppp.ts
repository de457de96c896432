import type { DecodedPacket } from './decoded.js';
import { EtherType } from './link-types.js';
import { R } from './reasons.js';

/** PPP protocol numbers glia follows (RFC 1332 IPCP's IPv4, RFC 5072's IPv6). */
export const PppProtocol = { IPV4: 0x0021, IPV6: 0x0057 } as const;

/** PPPoE session header (RFC 2516 §4): version/type, code, session id, payload length. */
const PPPOE_HEADER_BYTES = 6;

/**
 * A PPP frame (RFC 1661), as PPTP's GRE, DLT_PPP and PPPoE carry it: an optional HDLC-like
 * address/control pair (0xff 0x03, RFC 1662), then the protocol, one byte when compressed (odd,
 * RFC 1661 §6.5) or two. IPv4 and IPv6 are followed; anything else (LCP, IPCP, CCP, compressed
 * payload) leaves p.next 0: nothing capture events describe.
 */
export function decodePpp(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  let at = off;
  if (end - at >= 2 && b[at] === 0xff && b[at + 1] === 0x03) at += 2;
  if (end - at < 1) return p.fail(R.truncatedPpp);
  let proto = b[at];
  if (proto & 1) {
    at += 1;
  } else {
    if (end - at < 2) return p.fail(R.truncatedPpp);
    proto = (proto << 8) | b[at + 1];
    at += 2;
  }
  p.next = proto === PppProtocol.IPV4 ? EtherType.IPV4 : proto === PppProtocol.IPV6 ? EtherType.IPV6 : 0;
  return at;
}

/**
 * A PPPoE session frame (ethertype 0x8864, RFC 2516): the 6-byte header, then PPP. RFC 2516 keeps
 * the protocol field whole, but peers that negotiated protocol-field compression send one byte
 * (seen in real captures), so the PPP reading above serves. Only version 1, type 1 and code 0
 * (session data) carry traffic; anything else is not decoded further.
 */
export function decodePppoeSession(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < PPPOE_HEADER_BYTES) return p.fail(R.truncatedPppoe);
  if (b[off] !== 0x11 || b[off + 1] !== 0) {
    p.next = 0;
    return off + PPPOE_HEADER_BYTES;
  }
  return decodePpp(p, b, off + PPPOE_HEADER_BYTES, end);
}
