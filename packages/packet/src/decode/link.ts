import type { DecodedPacket } from './decoded.js';
import { EtherType, LinkType } from './link-types.js';
import { decodePpp, decodePppoeSession } from './ppp.js';
import { R } from './reasons.js';

/** Most VLAN tags accepted in one frame (QinQ is two). */
export const MAX_VLAN_TAGS = 8;

/** Where a next header code means "look at the IP version nibble". */
export const NEXT_IP_ANY = -2;

/**
 * Decodes the link-layer header of a frame of the given link type. Sets p.next to the ethertype of
 * what follows (or NEXT_IP_ANY for raw IP) and returns its offset, or -1 with p's reason set.
 */
export function decodeLink(
  p: DecodedPacket,
  b: Uint8Array,
  off: number,
  end: number,
  linkType: number,
): number {
  switch (linkType) {
    case LinkType.ETHERNET:
      p.next = EtherType.TEB;
      return off;
    case LinkType.RAW_12:
    case LinkType.RAW_14:
    case LinkType.RAW:
      p.next = NEXT_IP_ANY;
      return off;
    case LinkType.IPV4:
      p.next = EtherType.IPV4;
      return off;
    case LinkType.IPV6:
      p.next = EtherType.IPV6;
      return off;
    case LinkType.NULL:
    case LinkType.LOOP:
      return decodeNull(p, b, off, end);
    case LinkType.LINUX_SLL:
      if (end - off < 16) return p.fail(R.truncatedLink);
      p.next = (b[off + 14] << 8) | b[off + 15];
      return off + 16;
    case LinkType.LINUX_SLL2:
      if (end - off < 20) return p.fail(R.truncatedLink);
      p.next = (b[off] << 8) | b[off + 1];
      return off + 20;
    case LinkType.PPP:
    case LinkType.PPP_HDLC:
      return decodePpp(p, b, off, end);
    case LinkType.PPP_ETHER:
      return decodePppoeSession(p, b, off, end);
    case LinkType.C_HDLC:
      if (end - off < 4) return p.fail(R.truncatedLink);
      p.next = (b[off + 2] << 8) | b[off + 3];
      return off + 4;
    default:
      return p.fail(R.unsupportedLinkType);
  }
}

/**
 * BSD loopback: a 4-byte address family in the capturing host's byte order (DLT_NULL) or network
 * order (DLT_LOOP). Either order is accepted: families are small, so the non-zero half tells.
 */
function decodeNull(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < 4) return p.fail(R.truncatedLink);
  const family =
    b[off] === 0 && b[off + 1] === 0 ? (b[off + 2] << 8) | b[off + 3] : b[off] | (b[off + 1] << 8);
  if (family === 2) p.next = EtherType.IPV4;
  else if (family === 10 || family === 24 || family === 28 || family === 30) p.next = EtherType.IPV6;
  else p.next = 0;
  return off + 4;
}

/** Bytes a tag takes after its own type field, by type; 0 for a type that is not a tag. */
function tagBytes(type: number): number {
  if (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD) return 2;
  if (type === EtherType.VNTAG) return 4;
  if (type === EtherType.ETAG) return 6;
  return 0;
}

/**
 * Ethernet II with any number (up to MAX_VLAN_TAGS) of tags before the ethertype: 802.1Q / 802.1ad
 * VLAN tags, 802.1BR E-Tags and VN-Tags, in any order.
 */
export function decodeEthernet(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < 14) return p.fail(R.truncatedLink);
  let type = (b[off + 12] << 8) | b[off + 13];
  let at = off + 14;
  let tags = 0;
  for (let bytes = tagBytes(type); bytes > 0; bytes = tagBytes(type)) {
    if (++tags > MAX_VLAN_TAGS) return p.fail(R.vlanDepth);
    if (end - at < bytes + 2) return p.fail(R.truncatedVlan);
    type = (b[at + bytes] << 8) | b[at + bytes + 1];
    at += bytes + 2;
  }
  p.next = type;
  return at;
}
