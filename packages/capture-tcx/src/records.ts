import {
  BoundedLru,
  formatIPv6,
  Ipv4TextCache,
  type BannerEvent,
  type CaptureEventBase,
  type ConnEvent,
  type Direction,
  type DnsEvent,
  type FlowEvent,
  type SegmentEvent,
} from '@glia/core';
import { parseTcpOptions, TcpDnsStream, type CaptureEventSink } from '@glia/packet';

/**
 * The record layout of bpf/include/glia_abi.h: a 56-byte header (ts, ifindex, type, dir, family,
 * proto, src[16], dst[16], sport, dport, vni), then per type a fixed part and payload bytes.
 */
export const RecordType = { conn: 1, banner: 2, segment: 3, flow: 4, dns: 5, dnsTcp: 6 } as const;
export const HEADER_BYTES = 56;
const CONN_BYTES = 104;
const FLOW_BYTES = 72;
const PAYLOAD_HEADER_BYTES = 72;
/** TCP DNS streams followed at once (LRU). */
const MAX_DNS_STREAMS = 4096;

export interface RecordDecoderOptions {
  /** The name of the interface an ifindex stands for (the devices the programs are attached to). */
  ifaceName: (ifindex: number) => string;
  /** Added to the kernel's timestamps to make them wall-clock nanoseconds (0 for packet time). */
  tsOffsetNs: bigint;
}

/**
 * Turns ring-buffer records into the canonical capture events (DESIGN §3), exactly the shapes
 * @glia/packet's logic makes from frames. What the kernel leaves to user space: address text,
 * the parsed MSS and window scale of conn events, and the reassembly of DNS messages from TCP/53
 * segments (with @glia/packet's TcpDnsStream, one per stream, bounded).
 */
export class RecordDecoder {
  /** Records shorter than their type says, or of an unknown type: counted, skipped. */
  malformed = 0;
  private readonly dnsStreams = new BoundedLru<string, TcpDnsStream>(MAX_DNS_STREAMS);
  private readonly ipv4Texts = new Ipv4TextCache();

  constructor(
    private readonly emit: CaptureEventSink,
    private readonly options: RecordDecoderOptions,
  ) {}

  /** Decodes the record bytes[offset, offset + length). */
  decode(bytes: Buffer, offset: number, length: number): void {
    if (length < HEADER_BYTES) {
      this.malformed++;
      return;
    }
    const type = bytes[offset + 12];
    switch (type) {
      case RecordType.conn:
        if (length < CONN_BYTES) break;
        return this.conn(bytes, offset);
      case RecordType.flow:
        if (length < FLOW_BYTES) break;
        return this.flow(bytes, offset);
      case RecordType.banner:
      case RecordType.segment:
      case RecordType.dns:
      case RecordType.dnsTcp: {
        if (length < PAYLOAD_HEADER_BYTES) break;
        const n = bytes.readUInt16LE(offset + 64);
        if (length < PAYLOAD_HEADER_BYTES + n) break;
        return this.payload(type, bytes, offset, n);
      }
    }
    this.malformed++;
  }

  private base(b: Buffer, at: number): CaptureEventBase {
    const family = b[at + 14];
    const e: CaptureEventBase = {
      ts: b.readBigUInt64LE(at) + this.options.tsOffsetNs,
      iface: this.options.ifaceName(b.readUInt32LE(at + 8)),
      dir: (b[at + 13] === 1 ? 'egress' : 'ingress') as Direction,
      src: this.address(b, at + 16, family),
      dst: this.address(b, at + 32, family),
      sport: b.readUInt16LE(at + 48),
      dport: b.readUInt16LE(at + 50),
      proto: b[at + 15] === 6 ? 'tcp' : 'udp',
    };
    const vni = b.readInt32LE(at + 52);
    if (vni >= 0) e.vni = vni;
    return e;
  }

  private conn(b: Buffer, at: number): void {
    const e = this.base(b, at) as ConnEvent;
    const flags = b[at + 56];
    e.phase = (flags & 0x10) === 0 ? 'syn' : 'synack';
    e.flags = flags;
    e.ttl = b[at + 57];
    e.window = b.readUInt16LE(at + 58);
    const optlen = Math.min(b[at + 60], 40);
    e.options = new Uint8Array(b.subarray(at + 64, at + 64 + optlen));
    if (optlen > 0) {
      const options = parseTcpOptions(e.options, 0, optlen);
      if (options.mss !== undefined) e.mss = options.mss;
      if (options.wscale !== undefined) e.wscale = options.wscale;
    }
    this.emit('conn', e);
  }

  private flow(b: Buffer, at: number): void {
    const e = this.base(b, at) as FlowEvent;
    e.packets = Number(b.readBigUInt64LE(at + 56));
    e.bytes = Number(b.readBigUInt64LE(at + 64));
    this.emit('flow', e);
  }

  private payload(type: number, b: Buffer, at: number, n: number): void {
    const data = at + PAYLOAD_HEADER_BYTES;
    const e = this.base(b, at);
    if (type === RecordType.banner) {
      const banner = e as BannerEvent;
      banner.sender = b[at + 66] === 0 ? 'client' : 'server';
      banner.payload = new Uint8Array(b.subarray(data, data + n));
      this.emit('banner', banner);
    } else if (type === RecordType.segment) {
      const segment = e as SegmentEvent;
      segment.sender = 'client';
      segment.offset = b.readUInt32LE(at + 56);
      segment.payload = new Uint8Array(b.subarray(data, data + n));
      this.emit('segment', segment);
    } else if (type === RecordType.dns) {
      const dns = e as DnsEvent;
      dns.message = new Uint8Array(b.subarray(data, data + n));
      this.emit('dns', dns);
    } else {
      this.dnsTcp(e, b, at, n);
    }
  }

  private dnsTcp(e: CaptureEventBase, b: Buffer, at: number, n: number): void {
    const key = `${e.src} ${e.sport} ${e.dst} ${e.dport} ${e.vni ?? -1}`;
    let stream = this.dnsStreams.get(key);
    if (stream === undefined) {
      stream = new TcpDnsStream();
      this.dnsStreams.set(key, stream);
    }
    const seq = b.readUInt32LE(at + 56);
    const wire = b.readUInt32LE(at + 60);
    stream.push(seq, b, at + PAYLOAD_HEADER_BYTES, n, wire, (buffer, start, end) => {
      const dns = { ...e } as DnsEvent;
      dns.message = buffer.slice(start, end);
      this.emit('dns', dns);
    });
  }

  private address(b: Buffer, at: number, family: number): string {
    if (family !== 4) return formatIPv6(b, at);
    return this.ipv4Texts.text(b.readUInt32BE(at));
  }
}
