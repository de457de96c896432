import type { DecodedPacket } from './decoded.js';
import { R } from './reasons.js';

/** Most IPv6 extension headers followed before giving up. */
export const MAX_IPV6_EXTENSIONS = 8;

/**
 * IPv4 with options. Sets the addresses, TTL, transport protocol and the packet's end (the declared
 * total length, cut to what was captured). A non-first fragment is undecodable ("fragment"): it has
 * no transport header. The first fragment is decoded.
 */
export function decodeIPv4(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < 20) return p.fail(R.truncatedIPv4);
  const vihl = b[off];
  if (vihl >> 4 !== 4) return p.fail(R.badIpVersion);
  const headerLength = (vihl & 0x0f) * 4;
  if (headerLength < 20) return p.fail(R.badIPv4Header);
  if (end - off < headerLength) return p.fail(R.truncatedIPv4);
  let total = (b[off + 2] << 8) | b[off + 3];
  // Segmentation offload hands captures packets whose total length is 0: take what was captured.
  if (total === 0) total = end - off;
  if (total < headerLength) return p.fail(R.badIPv4Length);
  const fragmentOffset = ((b[off + 6] & 0x1f) << 8) | b[off + 7];
  if (fragmentOffset !== 0) return p.fail(R.fragment);
  p.ipVersion = 4;
  p.ipOffset = off;
  p.ipLength = total;
  p.ipEnd = off + total < end ? off + total : end;
  p.ttl = b[off + 8];
  p.transport = b[off + 9];
  p.srcOffset = off + 12;
  p.dstOffset = off + 16;
  p.src4 = ((b[off + 12] << 24) | (b[off + 13] << 16) | (b[off + 14] << 8) | b[off + 15]) >>> 0;
  p.dst4 = ((b[off + 16] << 24) | (b[off + 17] << 16) | (b[off + 18] << 8) | b[off + 19]) >>> 0;
  return off + headerLength;
}

/**
 * IPv6 and its extension headers (hop-by-hop, routing, fragment, destination options, AH). A
 * fragment header with a non-zero offset makes the packet undecodable ("fragment").
 */
export function decodeIPv6(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  if (end - off < 40) return p.fail(R.truncatedIPv6);
  if (b[off] >> 4 !== 6) return p.fail(R.badIpVersion);
  const payloadLength = (b[off + 4] << 8) | b[off + 5];
  // A zero payload length is a jumbogram or offloaded segment: take what was captured.
  const total = payloadLength === 0 ? end - off : 40 + payloadLength;
  p.ipVersion = 6;
  p.ipOffset = off;
  p.ipLength = total;
  p.ipEnd = off + total < end ? off + total : end;
  p.ttl = b[off + 7];
  p.srcOffset = off + 8;
  p.dstOffset = off + 24;
  p.src4 = 0;
  p.dst4 = 0;
  let next = b[off + 6];
  let at = off + 40;
  const limit = p.ipEnd;
  for (let n = 0; ; n++) {
    switch (next) {
      case 0: // hop-by-hop
      case 43: // routing
      case 60: // destination options
      case 51: {
        // AH
        if (n >= MAX_IPV6_EXTENSIONS) return p.fail(R.ipv6ExtLimit);
        if (limit - at < 8) return p.fail(R.truncatedIPv6Ext);
        const length = next === 51 ? (b[at + 1] + 2) * 4 : (b[at + 1] + 1) * 8;
        if (limit - at < length) return p.fail(R.truncatedIPv6Ext);
        next = b[at];
        at += length;
        continue;
      }
      case 44: {
        // fragment
        if (n >= MAX_IPV6_EXTENSIONS) return p.fail(R.ipv6ExtLimit);
        if (limit - at < 8) return p.fail(R.truncatedIPv6Ext);
        const fragmentOffset = ((b[at + 2] << 8) | b[at + 3]) >> 3;
        if (fragmentOffset !== 0) return p.fail(R.fragment);
        next = b[at];
        at += 8;
        continue;
      }
      default:
        p.transport = next;
        return at;
    }
  }
}
