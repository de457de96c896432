/**
 * The result of decoding one frame: offsets into the caller's bytes and a few numbers, held in one
 * reusable object so the hot path allocates nothing per layer or per packet.
 */
export const DecodeStatus = { ok: 0, undecodable: 1, ignored: 2 } as const;
export type DecodeStatus = (typeof DecodeStatus)[keyof typeof DecodeStatus];

export class DecodedPacket {
  status: DecodeStatus = DecodeStatus.ok;
  /** An index into UNDECODABLE_REASONS when undecodable, into IGNORED_KINDS when ignored. */
  reason = 0;

  /** The frame bytes; every offset below points into it. */
  bytes: Uint8Array = new Uint8Array(0);
  /** Ethertype-like code of the next header, while decoding. */
  next = 0;
  /** Tunnel layers passed through (VXLAN, Geneve, IP-in-IP, GRE, ERSPAN). */
  tunnelDepth = 0;
  /** VNI of the outermost tunnel, or -1. */
  vni = -1;

  // Innermost IP header.
  ipVersion = 0;
  ipOffset = 0;
  /** End of the IP packet within the captured bytes (excludes link padding). */
  ipEnd = 0;
  /** Length the IP header declares for the whole packet (wire bytes, even when snaplen cut it). */
  ipLength = 0;
  srcOffset = 0;
  dstOffset = 0;
  /** IPv4 addresses as unsigned 32-bit numbers (0 for IPv6). */
  src4 = 0;
  dst4 = 0;
  ttl = 0;
  /** IP protocol number of the transport header (6, 17, ...). */
  transport = 0;

  // Transport.
  sport = 0;
  dport = 0;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  window = 0;
  tcpOptionsOffset = 0;
  tcpOptionsLength = 0;
  payloadOffset = 0;
  payloadLength = 0;

  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.status = DecodeStatus.ok;
    this.reason = 0;
    this.next = 0;
    this.tunnelDepth = 0;
    this.vni = -1;
    this.resetInner();
  }

  /** Clears what the previous (outer) IP/transport layers set, before decoding a tunnel's inner packet. */
  resetInner(): void {
    this.ipVersion = 0;
    this.ipOffset = 0;
    this.ipEnd = 0;
    this.ipLength = 0;
    this.srcOffset = 0;
    this.dstOffset = 0;
    this.src4 = 0;
    this.dst4 = 0;
    this.ttl = 0;
    this.transport = 0;
    this.sport = 0;
    this.dport = 0;
    this.tcpFlags = 0;
    this.seq = 0;
    this.ack = 0;
    this.window = 0;
    this.tcpOptionsOffset = 0;
    this.tcpOptionsLength = 0;
    this.payloadOffset = 0;
    this.payloadLength = 0;
  }

  /** Marks the frame undecodable; returns -1 so layer decoders can `return p.fail(...)`. */
  fail(reason: number): number {
    this.status = DecodeStatus.undecodable;
    this.reason = reason;
    return -1;
  }

  /** Marks the frame as one the capture logic does not describe (not IP, another transport). */
  ignore(kind: number): void {
    this.status = DecodeStatus.ignored;
    this.reason = kind;
  }
}

export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;
