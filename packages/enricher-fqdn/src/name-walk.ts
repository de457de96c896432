/**
 * A bounded walk over one (possibly compressed) DNS name on the wire, run before any name is
 * handed to dns-packet.
 *
 * Why: dns-packet's name decoder only accepts pointers to earlier data, so it cannot loop, but it
 * puts no limit on pointer-to-pointer chains. A 64 KiB DNS-over-TCP message of thousands of
 * records whose names each end in a chain of thousands of pointers makes it do work quadratic in
 * the message size. This walk applies the same rules as dns-packet (so a name that passes will
 * decode there without throwing) plus a hop limit, and says which rule a bad name broke.
 */

/** Why a message could not be (fully) parsed; the label of the malformed counter. */
export type MalformedReason =
  | 'short_header'
  | 'truncated'
  | 'bad_label'
  | 'name_too_long'
  | 'pointer_loop'
  | 'forward_pointer'
  | 'pointer_chain_too_deep'
  | 'bad_rdata'
  | 'decoder_error';

/**
 * Compression pointers followed per name. Legitimate encoders point once (at most a few times
 * when a suffix was itself compressed); the Zeek max-compression-depth capture chains 6.
 */
export const MAX_POINTER_HOPS = 64;

/** Sum of (label length + 1) over the labels; the root byte makes 255 (RFC 1035 §2.3.4). */
const MAX_NAME_WIRE = 254;

export class NameWalker {
  /** Offset just after the name's own bytes (its first pointer or its root label). */
  end = 0;
  /** A label contains a '.' byte: the dotted text of the name would be ambiguous. */
  dotted = false;
  // Visited [start, end) segments of the current walk, to tell a loop from a forward pointer.
  private readonly segments = new Int32Array(2 * (MAX_POINTER_HOPS + 1));

  /**
   * Walks the name at `offset`; its own bytes must end by `limit` (the message length, or the end
   * of the rdata a name sits in). Returns null when the name is well formed, else the reason.
   */
  walk(buf: Uint8Array, offset: number, limit: number): MalformedReason | null {
    const length = buf.length;
    let pos = offset;
    let segmentStart = offset;
    let wire = 0;
    let hops = 0;
    let jumped = false;
    this.dotted = false;
    for (;;) {
      if (pos >= (jumped ? length : limit)) return 'truncated';
      const len = buf[pos];
      if (len === 0) {
        if (!jumped) this.end = pos + 1;
        return null;
      }
      const kind = len & 0xc0;
      if (kind === 0) {
        if (pos + 1 + len > (jumped ? length : limit)) return 'truncated';
        wire += len + 1;
        if (wire > MAX_NAME_WIRE) return 'name_too_long';
        for (let i = pos + 1; i <= pos + len; i++) if (buf[i] === 0x2e) this.dotted = true;
        pos += 1 + len;
        continue;
      }
      if (kind !== 0xc0) return 'bad_label'; // 0x40 and 0x80 label types are obsolete (RFC 6891 §5)
      if (pos + 2 > (jumped ? length : limit)) return 'truncated';
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      if (!jumped) this.end = pos + 2;
      this.segments[2 * hops] = segmentStart;
      this.segments[2 * hops + 1] = pos + 2;
      if (target >= segmentStart) return this.revisits(target, hops) ? 'pointer_loop' : 'forward_pointer';
      if (++hops > MAX_POINTER_HOPS) return 'pointer_chain_too_deep';
      segmentStart = target;
      pos = target;
      jumped = true;
    }
  }

  private revisits(target: number, hops: number): boolean {
    for (let i = 0; i <= hops; i++) {
      if (target >= this.segments[2 * i] && target < this.segments[2 * i + 1]) return true;
    }
    return false;
  }
}
