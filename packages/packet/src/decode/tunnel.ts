import type { DecodedPacket } from './decoded.js';
import { EtherType } from './link-types.js';
import { R } from './reasons.js';

/** VXLAN (RFC 7348): 8 bytes, then an Ethernet frame. Reserved bits and flags are ignored, as receivers must. */
export function decodeVxlan(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return p.fail(R.truncatedVxlan);
  if (p.vni < 0) p.vni = (b[off + 4] << 16) | (b[off + 5] << 8) | b[off + 6];
  p.next = EtherType.TEB;
  return off + 8;
}

/** Geneve (RFC 8926): 8 bytes plus options, then Ethernet, IPv4 or IPv6 per the protocol type. */
export function decodeGeneve(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < 8) return p.fail(R.truncatedGeneve);
  if (b[off] >> 6 !== 0) return p.fail(R.badGeneveVersion);
  const optionsLength = (b[off] & 0x3f) * 4;
  if (end - off < 8 + optionsLength) return p.fail(R.truncatedGeneve);
  if (p.vni < 0) p.vni = (b[off + 4] << 16) | (b[off + 5] << 8) | b[off + 6];
  p.next = (b[off + 2] << 8) | b[off + 3];
  return off + 8 + optionsLength;
}
