import type { DecodedPacket } from './decoded.js';
import { EtherType } from './link-types.js';
import { R } from './reasons.js';

/** Most label stack entries followed in one frame (RFC 3032 sets no bound; real stacks hold 2–4). */
export const MAX_MPLS_LABELS = 8;

const LABEL_IPV4_EXPLICIT_NULL = 0;
const LABEL_IPV6_EXPLICIT_NULL = 2;
/** The pseudowire control word (RFC 4385) before an Ethernet frame carried over MPLS. */
const CONTROL_WORD_BYTES = 4;

/**
 * An MPLS label stack (RFC 3032): 4-byte entries up to the one with the bottom-of-stack bit. MPLS
 * does not say what it carries: the explicit-null labels say IPv4 or IPv6 (RFC 3032 §2.1);
 * otherwise the first nibble does, 4 or 6 for IP and 0 for the control word of an Ethernet
 * pseudowire (RFC 4385, RFC 4448), as Suricata and Wireshark read it. Anything else leaves
 * p.next 0.
 */
export function decodeMpls(p: DecodedPacket, b: Uint8Array, off: number, end: number): number {
  // The bottom entry: the one with the S bit, within MAX_MPLS_LABELS entries.
  let at = off;
  for (let n = 1; end - at >= 4 && (b[at + 2] & 1) === 0; n++) {
    if (n === MAX_MPLS_LABELS) return p.fail(R.mplsLabelLimit);
    at += 4;
  }
  if (end - at < 4) return p.fail(R.truncatedMpls);
  const label = (b[at] << 12) | (b[at + 1] << 4) | (b[at + 2] >> 4);
  at += 4;
  if (label === LABEL_IPV4_EXPLICIT_NULL) {
    p.next = EtherType.IPV4;
    return at;
  }
  if (label === LABEL_IPV6_EXPLICIT_NULL) {
    p.next = EtherType.IPV6;
    return at;
  }
  if (end - at < 1) return p.fail(R.truncatedMpls);
  const nibble = b[at] >> 4;
  if (nibble === 4) p.next = EtherType.IPV4;
  else if (nibble === 6) p.next = EtherType.IPV6;
  else if (nibble === 0) {
    if (end - at < CONTROL_WORD_BYTES) return p.fail(R.truncatedMpls);
    p.next = EtherType.TEB;
    return at + CONTROL_WORD_BYTES;
  } else p.next = 0;
  return at;
}
