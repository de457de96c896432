import type { DecodedPacket } from './decoded.js';
import { R } from './reasons.js';

/**
 * TCP: ports, flags, sequence numbers, window, where the options and the payload lie. The innermost
 * layer: nothing is decoded after it, so it returns no offset.
 */
export function decodeTcp(p: DecodedPacket, b: Uint8Array, off: number): void {
  const end = p.ipEnd;
  if (end - off < 20) {
    p.fail(R.truncatedTcp);
    return;
  }
  const headerLength = (b[off + 12] >> 4) * 4;
  if (headerLength < 20) {
    p.fail(R.badTcpOffset);
    return;
  }
  if (end - off < headerLength) {
    p.fail(R.truncatedTcp);
    return;
  }
  p.sport = (b[off] << 8) | b[off + 1];
  p.dport = (b[off + 2] << 8) | b[off + 3];
  p.seq = ((b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7]) >>> 0;
  p.ack = ((b[off + 8] << 24) | (b[off + 9] << 16) | (b[off + 10] << 8) | b[off + 11]) >>> 0;
  p.tcpFlags = b[off + 13];
  p.window = (b[off + 14] << 8) | b[off + 15];
  p.tcpOptionsOffset = off + 20;
  p.tcpOptionsLength = headerLength - 20;
  p.payloadOffset = off + headerLength;
  p.payloadLength = end - off - headerLength;
}

/** UDP: ports and the payload, bounded by the UDP length and by what was captured. */
export function decodeUdp(p: DecodedPacket, b: Uint8Array, off: number): number {
  const end = p.ipEnd;
  if (end - off < 8) return p.fail(R.truncatedUdp);
  const length = (b[off + 4] << 8) | b[off + 5];
  if (length < 8) return p.fail(R.badUdpLength);
  p.sport = (b[off] << 8) | b[off + 1];
  p.dport = (b[off + 2] << 8) | b[off + 3];
  p.payloadOffset = off + 8;
  p.payloadLength = (off + length < end ? off + length : end) - off - 8;
  return off + 8;
}
