/**
 * Canonical capture events (DESIGN §3). Every capture backend, kernel or user space, emits exactly
 * these shapes for the same traffic.
 */

export type Direction = 'ingress' | 'egress';
export type TransportProto = 'tcp' | 'udp';

/** Fields every capture event carries. For tunnelled traffic they describe the inner packet. */
export interface CaptureEventBase {
  /** Packet time in nanoseconds since the epoch. */
  ts: bigint;
  iface: string;
  dir: Direction;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: TransportProto;
  /** VNI of the outermost VXLAN/Geneve header the packet was decapsulated from. */
  vni?: number;
}

/** A TCP SYN (no ACK) or SYN-ACK. The SYN sender is the client. */
export interface ConnEvent extends CaptureEventBase {
  proto: 'tcp';
  phase: 'syn' | 'synack';
  /** The TCP flags byte (CWR 0x80, ECE 0x40, URG, ACK 0x10, PSH, RST, SYN 0x02, FIN): JA4T skips ECN SYNs. */
  flags: number;
  ttl: number;
  window: number;
  /** Raw TCP options bytes, exactly as on the wire. */
  options: Uint8Array;
  mss?: number;
  wscale?: number;
}

/** The first payload-carrying packet of each direction of a TCP flow, once per flow. */
export interface BannerEvent extends CaptureEventBase {
  proto: 'tcp';
  sender: 'client' | 'server';
  /** Up to 256 bytes of payload. */
  payload: Uint8Array;
}

/**
 * Further client payload of a TCP flow whose client banner begins a TLS handshake record longer
 * than the banner: the rest of the banner's own packet beyond BANNER_MAX_BYTES (at offset 256),
 * then each following client payload packet, until the record's bytes are all seen (at most
 * SEGMENT_MAX_BYTES in all), so a ClientHello split over segments can be reassembled. `offset` is
 * the payload's position in the client's stream, the banner's first byte being 0; segments may
 * repeat or arrive out of order as the packets did.
 */
export interface SegmentEvent extends CaptureEventBase {
  proto: 'tcp';
  sender: 'client';
  offset: number;
  payload: Uint8Array;
}

/**
 * At most once per flow per 60 s window: a non-SYN TCP packet or any UDP packet. Always oriented
 * client → server (src is the client), whichever direction the packet went: the SYN sender is the
 * client when the handshake was seen, else the port rule of DESIGN §3 decided when the flow began.
 */
export interface FlowEvent extends CaptureEventBase {
  /** Packets seen in the window, where the backend can count them. */
  packets?: number;
  /** Bytes seen in the window, where the backend can count them. */
  bytes?: number;
}

/**
 * A DNS response: every UDP datagram from source port 53, and every complete length-prefixed
 * message a TCP server on port 53 sends (proto "tcp"; the message is without its length prefix).
 */
export interface DnsEvent extends CaptureEventBase {
  /** The DNS message bytes (at least 512 bytes, or the whole datagram where the backend has it). */
  message: Uint8Array;
}

export const BANNER_MAX_BYTES = 256;
export const DNS_MIN_CAPTURE_BYTES = 512;
export const FLOW_WINDOW_NS = 60_000_000_000n;
export const SEGMENT_MAX_BYTES = 16384;
