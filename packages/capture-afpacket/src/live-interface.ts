import { errorMessage, type Direction } from '@glia/core';
import { readBatch } from './batch-records.js';
import { deviceFilter, type FilterMode, type ObservedDirection } from './event-filter.js';
import { frameDirection, readInterface, type InterfaceInfo } from './interfaces.js';
import { pcapBinding, type PcapHandle, type PcapStats } from './pcap-live.js';

/** Receives each captured frame (the capture-event logic's handleFrame, in effect). */
export type FrameSink = (
  bytes: Uint8Array,
  offset: number,
  caplen: number,
  linkType: number,
  sec: number,
  nsec: number,
  iface: string,
  dir: Direction,
) => void;

export interface LiveInterfaceOptions {
  snaplen: number;
  bufferBytes: number;
  blockTimeoutMs: number;
  maxPacketsPerTurn: number;
  filter: FilterMode;
  sampleBits: number;
  /** Received packets, sent ones, or both. */
  direction: ObservedDirection;
  /** CIDRs a sent packet's source must be in; null: every source. */
  egressSources: readonly string[] | null;
}

const PCAP_DIRECTION: Record<ObservedDirection, number> = { both: 0, ingress: 1, egress: 2 };

/** Where one observed device stands. */
export type DeviceState =
  | { state: 'waiting'; reason: string }
  | { state: 'capturing'; ifindex: number; filterInstructions?: number }
  | { state: 'lost'; reason: string };

export interface DeviceCounters extends PcapStats {
  /** Batches whose handling threw (the rest of such a batch is lost), and the last message. */
  batchErrors: number;
  lastBatchError: string | null;
  /** Frames handed to the event logic, and their captured bytes. */
  packets: number;
  bytes: number;
  /** Times the device was opened (1 + reopens after it went away). */
  opens: number;
}

const MIN_BATCH_BYTES = 4 << 20;

/**
 * One device captured through libpcap. `poll()` opens it once it exists and is up; a device that
 * goes down or disappears is reported (state `lost`, never an exception) and opened again by a later
 * `poll()`. Counters add up across reopens.
 */
export class LiveInterface {
  private handle: PcapHandle | null = null;
  private current: DeviceState = { state: 'waiting', reason: 'not looked for yet' };
  private readonly batch: ArrayBuffer;
  private readonly bytes: Uint8Array;
  private readonly words: Uint32Array;
  private info: InterfaceInfo | null = null;
  /** pcap_stats of handles already closed. */
  private readonly closedStats: PcapStats = { received: 0, dropped: 0, ifDropped: 0 };
  private packets = 0;
  private capturedBytes = 0;
  private opens = 0;
  private batchErrors = 0;
  private lastBatchError: string | null = null;

  constructor(
    readonly name: string,
    readonly options: LiveInterfaceOptions,
    private readonly sink: FrameSink,
    private readonly onChange: (state: DeviceState) => void = () => undefined,
  ) {
    const size = Math.max(MIN_BATCH_BYTES, 2 * (options.snaplen + 64));
    this.batch = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.batch);
    this.words = new Uint32Array(this.batch);
  }

  state(): DeviceState {
    return this.current;
  }

  /** Opens the device when it is there and not yet open; notices a device replaced under the same name. */
  poll(): void {
    const info = readInterface(this.name);
    if (this.handle !== null) {
      if (info === null || info.ifindex !== this.info?.ifindex) {
        this.lose(info === null ? 'the device disappeared' : 'the device was replaced');
      } else {
        return;
      }
    }
    if (info === null) return this.wait('the device does not exist (yet)');
    if (!info.up) return this.wait('the device is down');
    this.open(info);
  }

  counters(): DeviceCounters {
    const live = this.liveStats();
    return {
      received: this.closedStats.received + live.received,
      dropped: this.closedStats.dropped + live.dropped,
      ifDropped: this.closedStats.ifDropped + live.ifDropped,
      packets: this.packets,
      bytes: this.capturedBytes,
      opens: this.opens,
      batchErrors: this.batchErrors,
      lastBatchError: this.lastBatchError,
    };
  }

  close(): void {
    if (this.handle === null) return;
    const live = this.liveStats();
    this.closedStats.received += live.received;
    this.closedStats.dropped += live.dropped;
    this.closedStats.ifDropped += live.ifDropped;
    const handle = this.handle;
    this.handle = null;
    pcapBinding().close(handle);
  }

  private liveStats(): PcapStats {
    if (this.handle === null) return { received: 0, dropped: 0, ifDropped: 0 };
    try {
      const [received, dropped, ifDropped] = pcapBinding().stats(this.handle);
      return { received, dropped, ifDropped };
    } catch {
      return { received: 0, dropped: 0, ifDropped: 0 };
    }
  }

  private open(info: InterfaceInfo): void {
    const binding = pcapBinding();
    const o = this.options;
    let handle: PcapHandle;
    try {
      handle = binding.open(
        this.name,
        o.snaplen,
        o.bufferBytes,
        o.blockTimeoutMs,
        PCAP_DIRECTION[o.direction],
      );
    } catch (error) {
      return this.wait(`cannot open: ${errorMessage(error)}`);
    }
    try {
      const linkType = binding.datalink(handle);
      const filter = deviceFilter(
        o.filter,
        { sampleBits: o.sampleBits },
        linkType,
        o.direction,
        o.egressSources,
        info.mac,
      );
      if (filter !== '') binding.setFilter(handle, filter);
      this.handle = handle;
      this.info = info;
      this.opens++;
      const mac = info.mac;
      const name = this.name;
      const sink = this.sink;
      const onRecord = (
        bytes: Uint8Array,
        offset: number,
        caplen: number,
        _wire: number,
        sec: number,
        nsec: number,
      ): void => {
        this.packets++;
        this.capturedBytes += caplen;
        sink(bytes, offset, caplen, linkType, sec, nsec, name, frameDirection(bytes, offset, caplen, mac));
      };
      binding.start(
        handle,
        this.batch,
        this.options.maxPacketsPerTurn,
        (count, used) => {
          // An exception must not escape into the native poll callback: it would be fatal there.
          try {
            readBatch(this.bytes, this.words, count, used, onRecord);
          } catch (error) {
            this.batchErrors++;
            this.lastBatchError = errorMessage(error);
          }
        },
        (message) => this.lose(message),
      );
      this.set({ state: 'capturing', ifindex: info.ifindex });
    } catch (error) {
      binding.close(handle);
      this.handle = null;
      this.wait(`cannot start: ${errorMessage(error)}`);
    }
  }

  private lose(reason: string): void {
    this.close();
    this.set({ state: 'lost', reason: `${reason}; looking for it again` });
  }

  private wait(reason: string): void {
    this.set({ state: 'waiting', reason });
  }

  private set(state: DeviceState): void {
    const before = this.current;
    this.current = state;
    if (
      before.state !== state.state ||
      ('reason' in before && 'reason' in state && before.reason !== state.reason)
    ) {
      this.onChange(state);
    }
  }
}
