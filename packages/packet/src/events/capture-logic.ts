import {
  BANNER_MAX_BYTES,
  FLOW_WINDOW_NS,
  SEGMENT_MAX_BYTES,
  formatIPv6,
  Ipv4TextCache,
  senderIsClient,
  type BannerEvent,
  type CaptureEventBase,
  type ConnEvent,
  type Direction,
  type DnsEvent,
  type FlowEvent,
  type GliaTopics,
  type MemoryBudget,
  type SegmentEvent,
} from '@glia/core';
import { DecodeStatus, DecodedPacket, TcpFlag } from '../decode/decoded.js';
import { PacketDecoder } from '../decode/decoder.js';
import { parseTcpOptions } from '../decode/tcp-options.js';
import { FlowState, TcpDnsStream } from './flow-state.js';
import { FlowTable, finish, mix } from './flow-table.js';

/** The capture topics of the bus and their event types. */
export type CaptureEventMap = Pick<GliaTopics, 'conn' | 'banner' | 'segment' | 'flow' | 'dns'>;
export type CaptureTopic = keyof CaptureEventMap;
export const CAPTURE_TOPICS: readonly CaptureTopic[] = ['conn', 'banner', 'segment', 'flow', 'dns'];

/** Receives each event as it is made, synchronously. */
export type CaptureEventSink = <K extends CaptureTopic>(topic: K, event: CaptureEventMap[K]) => void;

export interface CaptureLogicOptions {
  /** Flows remembered at once (LRU); default 65536. */
  maxFlows?: number;
  /** Tunnel headers followed in one frame; default 4. */
  maxTunnelDepth?: number;
}

export const DEFAULT_MAX_FLOWS = 65536;
/**
 * Measured heap cost of one flow in the table (bench/memory/entry-cost.mjs, rounded up): its
 * FlowState and its share of the generation maps. A DNS-over-TCP or TLS reassembly adds its buffer.
 */
export const FLOW_STATE_BYTES = 320;

/** The flows a capture backend's table holds within the flow table's share of `limits.memory_mb`. */
export function maxFlowsFor(memory: MemoryBudget): number {
  return memory.entriesFor('flow_table', FLOW_STATE_BYTES, 1, 1024);
}
const FLOW_WINDOW = Number(FLOW_WINDOW_NS);
const NS_PER_S = 1_000_000_000;

/**
 * DESIGN §3 over raw frames, shared by every user-space backend: decodes each frame and emits the
 * conn, banner, segment, flow and dns events it calls for. Per-flow state sits in a bounded LRU.
 *
 * Flow events carry `packets` and `bytes`: the packets of the flow (both directions, SYNs included)
 * and their IP-layer lengths as declared in the IP header, counted since the flow's previous flow
 * event, this packet included (for the first flow event: since the flow's first packet seen).
 */
export class CaptureEventLogic {
  readonly decoder: PacketDecoder;
  readonly packet = new DecodedPacket();
  readonly flows: FlowTable;
  readonly events: Record<CaptureTopic, number> = { conn: 0, banner: 0, segment: 0, flow: 0, dns: 0 };

  // The packet being handled.
  private sec = 0;
  private nsec = 0;
  private tsCache: bigint | null = null;
  private iface = '';
  private dir: Direction = 'ingress';
  private srcIsLo = false;
  private srcText = '';
  private dstText = '';
  private readonly ipv4Texts = new Ipv4TextCache();

  constructor(
    private readonly sink: CaptureEventSink,
    options: CaptureLogicOptions = {},
  ) {
    this.decoder = new PacketDecoder({ maxTunnelDepth: options.maxTunnelDepth });
    this.flows = new FlowTable(options.maxFlows ?? DEFAULT_MAX_FLOWS);
  }

  /**
   * Handles one frame: bytes[offset, offset+length) of the given link type, captured at packet time
   * sec + nsec. Returns the decode status (undecodable frames are counted by the decoder).
   */
  handleFrame(
    bytes: Uint8Array,
    offset: number,
    length: number,
    linkType: number,
    sec: number,
    nsec: number,
    iface: string,
    dir: Direction,
  ): DecodeStatus {
    const p = this.packet;
    const status = this.decoder.decode(p, bytes, offset, length, linkType);
    if (status !== DecodeStatus.ok) return status;
    if (this.sec !== sec || this.nsec !== nsec) {
      this.sec = sec;
      this.nsec = nsec;
      this.tsCache = null;
    }
    this.iface = iface;
    this.dir = dir;
    const hash = this.flowHash(p);
    let state = this.flows.find(hash, p, this.srcIsLo);
    const isTcp = p.transport === 6;
    const syn = isTcp && (p.tcpFlags & TcpFlag.SYN) !== 0;
    if (state === undefined) {
      this.formatAddresses(p);
      const lo = this.srcIsLo ? this.srcText : this.dstText;
      const hi = this.srcIsLo ? this.dstText : this.srcText;
      state = new FlowState(lo, hi, p, this.srcIsLo);
      // The port rule; a SYN or SYN-ACK sets the roles in conn() right after.
      state.clientIsLo = senderIsClient(p.sport, p.dport, this.srcText, this.dstText) === this.srcIsLo;
      this.flows.insert(hash, state);
    } else {
      this.srcText = this.srcIsLo ? state.loAddr : state.hiAddr;
      this.dstText = this.srcIsLo ? state.hiAddr : state.loAddr;
    }
    state.packets++;
    state.bytes += p.ipLength;

    if (!isTcp) {
      this.maybeFlow(state, 'udp');
      if (p.sport === 53) {
        const e = this.base('udp') as DnsEvent;
        e.message = bytes.slice(p.payloadOffset, p.payloadOffset + p.payloadLength);
        this.emit('dns', e);
      }
      return status;
    }

    if (syn) this.conn(p, state);
    else this.maybeFlow(state, 'tcp');
    if (p.payloadLength > 0) this.payload(p, state);
    return status;
  }

  /**
   * Orders the packet's endpoints canonically (sets srcIsLo), so both directions find the same
   * state, and hashes the flow's identity without building a string.
   */
  private flowHash(p: DecodedPacket): number {
    let h = mix(0x9e3779b9, (p.vni & 0xffffff) | (p.transport << 24));
    if (p.ipVersion === 4) {
      const a = p.src4 * 65536 + p.sport;
      const b = p.dst4 * 65536 + p.dport;
      this.srcIsLo = a <= b;
      h = mix(h, this.srcIsLo ? p.src4 : p.dst4);
      h = mix(h, this.srcIsLo ? p.dst4 : p.src4);
    } else {
      const bytes = p.bytes;
      let order = 0;
      for (let i = 0; i < 16 && order === 0; i++) order = bytes[p.srcOffset + i] - bytes[p.dstOffset + i];
      if (order === 0) order = p.sport - p.dport;
      this.srcIsLo = order <= 0;
      const lo = this.srcIsLo ? p.srcOffset : p.dstOffset;
      const hi = this.srcIsLo ? p.dstOffset : p.srcOffset;
      for (let i = 0; i < 16; i += 4) h = mix(h, word(bytes, lo + i));
      for (let i = 0; i < 16; i += 4) h = mix(h, word(bytes, hi + i));
    }
    h = mix(h, this.srcIsLo ? (p.sport << 16) | p.dport : (p.dport << 16) | p.sport);
    return finish(h);
  }

  private formatAddresses(p: DecodedPacket): void {
    if (p.ipVersion === 4) {
      this.srcText = this.ipv4Texts.text(p.src4);
      this.dstText = this.ipv4Texts.text(p.dst4);
    } else {
      this.srcText = formatIPv6(p.bytes, p.srcOffset);
      this.dstText = formatIPv6(p.bytes, p.dstOffset);
    }
  }

  private conn(p: DecodedPacket, state: FlowState): void {
    const isSyn = (p.tcpFlags & TcpFlag.ACK) === 0;
    if (isSyn) {
      if (state.handshakeSeen && state.synSeq !== p.seq) state.resetConnection();
      state.synSeq = p.seq;
    }
    // The SYN sender is the client, the SYN-ACK sender the server.
    state.clientIsLo = isSyn === this.srcIsLo;
    state.handshakeSeen = true;
    const e = this.base('tcp') as ConnEvent;
    e.phase = isSyn ? 'syn' : 'synack';
    e.flags = p.tcpFlags;
    e.ttl = p.ttl;
    e.window = p.window;
    e.options = p.bytes.slice(p.tcpOptionsOffset, p.tcpOptionsOffset + p.tcpOptionsLength);
    if (p.tcpOptionsLength > 0) {
      const options = parseTcpOptions(p.bytes, p.tcpOptionsOffset, p.tcpOptionsLength);
      if (options.mss !== undefined) e.mss = options.mss;
      if (options.wscale !== undefined) e.wscale = options.wscale;
    }
    this.emit('conn', e);
  }

  private maybeFlow(state: FlowState, proto: 'tcp' | 'udp'): void {
    if (state.lastFlowSec >= 0) {
      const elapsed = (this.sec - state.lastFlowSec) * NS_PER_S + (this.nsec - state.lastFlowNsec);
      if (elapsed < FLOW_WINDOW) return;
    }
    state.lastFlowSec = this.sec;
    state.lastFlowNsec = this.nsec;
    const e = this.base(proto) as FlowEvent;
    // Flow events read client → server (DESIGN §3: a flow is keyed by its canonical tuple), as the
    // handshake fixed the roles, or else the port rule when the flow began.
    if (this.srcIsLo !== state.clientIsLo) {
      e.src = this.dstText;
      e.dst = this.srcText;
      e.sport = this.packet.dport;
      e.dport = this.packet.sport;
    }
    e.packets = state.packets;
    e.bytes = state.bytes;
    state.packets = 0;
    state.bytes = 0;
    this.emit('flow', e);
  }

  private payload(p: DecodedPacket, state: FlowState): void {
    const bytes = p.bytes;
    const at = p.payloadOffset;
    const length = p.payloadLength;
    const fromClient = this.srcIsLo === state.clientIsLo;
    if (fromClient) {
      if (!state.clientBannerSent) {
        state.clientBannerSent = true;
        this.banner(p, 'client');
        this.startSegments(p, state);
      } else if (state.segmentActive) {
        this.segment(state, p.seq, bytes, at, length);
      }
    } else if (!state.serverBannerSent) {
      state.serverBannerSent = true;
      this.banner(p, 'server');
    }
    if (p.sport === 53) {
      if (state.dnsStream === null) state.dnsStream = new TcpDnsStream();
      const wireLength = p.ipLength - (at - p.ipOffset);
      state.dnsStream.push(p.seq, bytes, at, length, wireLength, (buffer, start, end) => {
        const e = this.base('tcp') as DnsEvent;
        e.message = buffer.slice(start, end);
        this.emit('dns', e);
      });
    }
  }

  private banner(p: DecodedPacket, sender: 'client' | 'server'): void {
    const e = this.base('tcp') as BannerEvent;
    e.sender = sender;
    const n = p.payloadLength < BANNER_MAX_BYTES ? p.payloadLength : BANNER_MAX_BYTES;
    e.payload = p.bytes.slice(p.payloadOffset, p.payloadOffset + n);
    this.emit('banner', e);
  }

  /**
   * A client banner that opens a TLS handshake record longer than the banner starts segment events.
   * When the banner packet itself held more than the banner's 256 bytes, the rest of it is the first
   * segment (offset 256), so the record can be reassembled without a gap.
   */
  private startSegments(p: DecodedPacket, state: FlowState): void {
    const b = p.bytes;
    const at = p.payloadOffset;
    if (p.payloadLength < 5 || b[at] !== 0x16 || b[at + 1] !== 0x03) return;
    const recordEnd = 5 + ((b[at + 3] << 8) | b[at + 4]);
    const bannerLength = p.payloadLength < BANNER_MAX_BYTES ? p.payloadLength : BANNER_MAX_BYTES;
    if (recordEnd <= bannerLength) return;
    state.segmentActive = true;
    state.segmentBaseSeq = p.seq;
    state.segmentRecordEnd = recordEnd;
    state.segmentCovered = bannerLength;
    state.segmentEmitted = 0;
    if (p.payloadLength > bannerLength) this.segment(state, p.seq, b, at, p.payloadLength);
  }

  private segment(state: FlowState, seq: number, bytes: Uint8Array, at: number, length: number): void {
    const start = (seq - state.segmentBaseSeq) >>> 0;
    if (start >= 0x80000000) return; // before the banner: an old retransmission
    // The stream below segmentCovered went out already (banner, segments): only what follows is sent.
    const from = start < state.segmentCovered ? state.segmentCovered : start;
    let to = start + length < state.segmentRecordEnd ? start + length : state.segmentRecordEnd;
    if (to <= from) return;
    const room = SEGMENT_MAX_BYTES - state.segmentEmitted;
    if (to - from > room) to = from + room;
    const e = this.base('tcp') as SegmentEvent;
    e.sender = 'client';
    e.offset = from;
    e.payload = bytes.slice(at + (from - start), at + (to - start));
    state.segmentEmitted += to - from;
    if (from === state.segmentCovered) state.segmentCovered = to;
    if (state.segmentCovered >= state.segmentRecordEnd || state.segmentEmitted >= SEGMENT_MAX_BYTES) {
      state.segmentActive = false;
    }
    this.emit('segment', e);
  }

  private base(proto: 'tcp' | 'udp'): CaptureEventBase {
    if (this.tsCache === null) this.tsCache = BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec);
    const p = this.packet;
    const e: CaptureEventBase = {
      ts: this.tsCache,
      iface: this.iface,
      dir: this.dir,
      src: this.srcText,
      dst: this.dstText,
      sport: p.sport,
      dport: p.dport,
      proto,
    };
    if (p.vni >= 0) e.vni = p.vni;
    return e;
  }

  private emit<K extends CaptureTopic>(topic: K, event: CaptureEventMap[K]): void {
    this.events[topic]++;
    this.sink(topic, event);
  }
}

function word(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}
