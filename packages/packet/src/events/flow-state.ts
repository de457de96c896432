import type { DecodedPacket } from '../decode/decoded.js';

/**
 * What the capture-event logic remembers about one flow (both directions): who the client is, which
 * banners were sent, when the last flow event went out, and the reassembly state of a TLS record
 * (segment events) and of DNS over TCP.
 */
export class FlowState {
  /** Whether the "lo" endpoint of the flow key is the client. */
  clientIsLo = false;
  /** A SYN or SYN-ACK fixed the roles. */
  handshakeSeen = false;
  synSeq = -1;
  clientBannerSent = false;
  serverBannerSent = false;

  /** Packet time of the last flow event; lastFlowSec < 0: none yet. */
  lastFlowSec = -1;
  lastFlowNsec = 0;
  /** Packets and IP bytes since the last flow event. */
  packets = 0;
  bytes = 0;

  /** Segment events: active while the client's first TLS record is not yet seen in full. */
  segmentActive = false;
  segmentBaseSeq = 0;
  segmentRecordEnd = 0;
  /** Client stream bytes seen contiguously from offset 0. */
  segmentCovered = 0;
  segmentEmitted = 0;

  dnsStream: TcpDnsStream | null = null;

  // The flow's identity: its endpoints in canonical order ("lo" first), protocol and VNI.
  /** The next flow in the same FlowTable hash bucket. */
  next: FlowState | null = null;
  readonly transport: number;
  readonly vni: number;
  readonly ipVersion: number;
  readonly loPort: number;
  readonly hiPort: number;
  readonly lo4: number;
  readonly hi4: number;
  readonly lo6: Uint8Array | null;
  readonly hi6: Uint8Array | null;

  constructor(
    readonly loAddr: string,
    readonly hiAddr: string,
    p: DecodedPacket,
    srcIsLo: boolean,
  ) {
    this.transport = p.transport;
    this.vni = p.vni;
    this.ipVersion = p.ipVersion;
    this.loPort = srcIsLo ? p.sport : p.dport;
    this.hiPort = srcIsLo ? p.dport : p.sport;
    this.lo4 = srcIsLo ? p.src4 : p.dst4;
    this.hi4 = srcIsLo ? p.dst4 : p.src4;
    if (p.ipVersion === 6) {
      const src = p.bytes.slice(p.srcOffset, p.srcOffset + 16);
      const dst = p.bytes.slice(p.dstOffset, p.dstOffset + 16);
      this.lo6 = srcIsLo ? src : dst;
      this.hi6 = srcIsLo ? dst : src;
    } else {
      this.lo6 = null;
      this.hi6 = null;
    }
  }

  /** Whether the packet belongs to this flow, given which of its endpoints is the canonical "lo". */
  matches(p: DecodedPacket, srcIsLo: boolean): boolean {
    if (p.transport !== this.transport || p.vni !== this.vni || p.ipVersion !== this.ipVersion) return false;
    if ((srcIsLo ? p.sport : p.dport) !== this.loPort || (srcIsLo ? p.dport : p.sport) !== this.hiPort)
      return false;
    if (this.lo6 === null || this.hi6 === null) {
      return (srcIsLo ? p.src4 : p.dst4) === this.lo4 && (srcIsLo ? p.dst4 : p.src4) === this.hi4;
    }
    const b = p.bytes;
    const lo = srcIsLo ? p.srcOffset : p.dstOffset;
    const hi = srcIsLo ? p.dstOffset : p.srcOffset;
    for (let i = 0; i < 16; i++) if (b[lo + i] !== this.lo6[i] || b[hi + i] !== this.hi6[i]) return false;
    return true;
  }

  /** A new connection reuses the tuple: forget what belonged to the previous one. */
  resetConnection(): void {
    this.clientBannerSent = false;
    this.serverBannerSent = false;
    this.segmentActive = false;
    this.dnsStream = null;
  }
}

/** Largest DNS-over-TCP message plus its length prefix. */
const MAX_DNS_TCP = 65537;

/**
 * Reassembles length-prefixed DNS messages (RFC 1035 §4.2.2) from one direction of a TCP stream, in
 * order by sequence number. A gap (lost or cut segment) drops what was buffered and resynchronizes
 * at the next segment, assuming it starts a message.
 */
export class TcpDnsStream {
  private buffer = new Uint8Array(1024);
  private fill = 0;
  private nextSeq = -1;

  /**
   * Adds one segment: `length` captured payload bytes at bytes[offset], of `wireLength` sent.
   * Calls onMessage(bytes, start, end) for each complete message.
   */
  push(
    seq: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
    wireLength: number,
    onMessage: (buffer: Uint8Array, start: number, end: number) => void,
  ): void {
    let skip = 0;
    if (this.nextSeq >= 0 && seq !== this.nextSeq) {
      const behind = (this.nextSeq - seq) >>> 0;
      if (behind < 0x80000000) {
        // Old data (a retransmission): keep only what is new.
        if (behind >= wireLength) return;
        skip = behind;
      } else {
        this.fill = 0;
      }
    }
    this.nextSeq = (seq + wireLength) >>> 0;
    if (length < wireLength) {
      // The capture cut this segment short: the stream cannot be followed through it.
      this.fill = 0;
      this.nextSeq = -1;
      return;
    }
    // Copied in pieces, handing out complete messages in between: what stays buffered is one
    // incomplete message, under MAX_DNS_TCP bytes, so a full buffer can always grow (doubling, up to
    // MAX_DNS_TCP) and a buffer of MAX_DNS_TCP bytes always has room.
    let from = offset + skip;
    const end = offset + length;
    while (from < end) {
      if (this.fill === this.buffer.length) {
        const grown = new Uint8Array(Math.min(MAX_DNS_TCP, this.buffer.length * 2));
        grown.set(this.buffer);
        this.buffer = grown;
      }
      const n = Math.min(end - from, this.buffer.length - this.fill);
      this.buffer.set(bytes.subarray(from, from + n), this.fill);
      this.fill += n;
      from += n;
      this.handOut(onMessage);
    }
  }

  /** Hands out the complete messages at the front of the buffer and keeps the rest. */
  private handOut(onMessage: (buffer: Uint8Array, start: number, end: number) => void): void {
    let start = 0;
    while (this.fill - start >= 2) {
      const size = (this.buffer[start] << 8) | this.buffer[start + 1];
      if (this.fill - start < 2 + size) break;
      onMessage(this.buffer, start + 2, start + 2 + size);
      start += 2 + size;
    }
    if (start > 0) {
      this.buffer.copyWithin(0, start, this.fill);
      this.fill -= start;
    }
  }
}
