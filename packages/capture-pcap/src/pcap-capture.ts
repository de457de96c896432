import {
  PluginHealth,
  errorMessage,
  type Direction,
  type GliaTopics,
  type Health,
  type PluginContext,
  type PluginInstance,
} from '@glia/core';
import {
  CaptureEventLogic,
  CaptureFormatError,
  CaptureParser,
  CaptureFileReader,
  emptyRecord,
  interfaceNameOf,
  maxFlowsFor,
  type CaptureEventMap,
  type CaptureTopic,
  type UndecodableReason,
} from '@glia/packet';
import { resolveCaptureFiles, type PcapConfig } from './config.js';

/** Packets handled between two turns of the event loop, so signals and timers stay responsive. */
const YIELD_EVERY = 4096;

export interface PcapReplayStats {
  files: number;
  packets: number;
  /** Captured frame bytes. */
  bytes: number;
  events: Record<CaptureTopic, number>;
  undecodable: Partial<Record<UndecodableReason, number>>;
  /** Frames fine but not TCP/UDP over IP (ARP, ICMP ...), by kind. */
  ignored: Record<string, number>;
  /** Last records cut short by the end of their file. */
  truncatedRecords: number;
  /** Records over 256 KiB, skipped unread so memory stays constant. */
  oversizeRecords: number;
  /** Files read only up to a damaged record (or a read error): their records before it count. */
  damagedFiles: number;
  flowEvictions: number;
}

/** Damage messages kept for the health reason and the log (the count has no bound). */
const MAX_DAMAGE_MESSAGES = 16;

/**
 * Replays capture files through the capture-event logic onto the bus, in packet time: the packet
 * clock advances to each event's time before it is published.
 */
export class PcapCapture implements PluginInstance {
  private readonly state = new PluginHealth();
  private readonly logic: CaptureEventLogic;
  private readonly speed: number;
  private readonly dir: Direction;
  private running: Promise<void> | null = null;
  private stopRequested = false;
  private wake: (() => void) | null = null;
  private done!: () => void;
  private readonly whenDone = new Promise<void>((r) => (this.done = r));
  private packets = 0;
  private bytes = 0;
  private files = 0;
  private truncatedRecords = 0;
  private oversizeRecords = 0;
  private damagedFiles = 0;
  private readonly damage: string[] = [];
  private reported = false;

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: PcapConfig,
  ) {
    this.speed = config.speed ?? 0;
    this.dir = config.dir ?? 'ingress';
    const clock = ctx.clock.advance === undefined ? null : ctx.clock;
    const bus = ctx.bus;
    this.logic = new CaptureEventLogic(
      <K extends CaptureTopic>(topic: K, event: CaptureEventMap[K]) => {
        clock?.advance?.(event.ts);
        bus.publish<K>(topic, event as GliaTopics[K]);
      },
      { maxFlows: maxFlowsFor(ctx.memory) },
    );
  }

  health(): Health {
    return this.state.get();
  }

  /** Resolves when the replay has ended: all files read, a file failed, or stop() was called. */
  finished(): Promise<void> {
    return this.whenDone;
  }

  async start(): Promise<void> {
    if (this.running !== null) return;
    this.state.starting();
    let files: string[];
    try {
      files = await resolveCaptureFiles(this.config.file, this.ctx.baseDir);
    } catch (error) {
      this.state.failed(errorMessage(error));
      this.ctx.logger.error({ error: errorMessage(error) }, 'pcap replay cannot start');
      this.running = Promise.resolve();
      this.done();
      return;
    }
    this.state.ok();
    const labels = { plugin: this.ctx.name };
    const flows = this.logic.flows;
    this.ctx.metrics.collect('pcap_flows', 'Flows in the capture-event logic table', 'gauge', () => [
      { labels, value: flows.size },
    ]);
    this.ctx.metrics.collect(
      'pcap_flow_evictions_total',
      'Flows forgotten by the capture-event logic table (its cap: the flow table share of limits.memory_mb)',
      'counter',
      () => [{ labels, value: flows.evictions }],
    );
    this.running = this.replay(files).finally(() => {
      this.report();
      this.done();
    });
  }

  async stop(): Promise<void> {
    if (this.state.get().state === 'stopped') return;
    this.state.stopping();
    this.stopRequested = true;
    this.wake?.();
    await this.running;
    this.report();
    this.done();
    this.state.stopped();
  }

  stats(): PcapReplayStats {
    const counters = this.logic.decoder.counters;
    return {
      files: this.files,
      packets: this.packets,
      bytes: this.bytes,
      events: { ...this.logic.events },
      undecodable: counters.undecodableByReason(),
      ignored: counters.ignoredByKind(),
      truncatedRecords: this.truncatedRecords,
      oversizeRecords: this.oversizeRecords,
      damagedFiles: this.damagedFiles,
      flowEvictions: this.logic.flows.evictions,
    };
  }

  /**
   * Replays every file in turn. A file damaged midway (a record length no capture can hold, a read
   * error) is read up to the damage, as tcpdump and tshark do; the files after it still replay, and
   * the capture ends failed, naming each damaged file with the byte offset of its damage.
   */
  private async replay(files: string[]): Promise<void> {
    for (const file of files) {
      if (this.stopRequested) return;
      try {
        await this.replayFile(file);
        this.files++;
      } catch (error) {
        const reason =
          error instanceof CaptureFormatError
            ? error.withFile(file).message
            : `${file}: ${errorMessage(error)}`;
        this.damagedFiles++;
        if (this.damage.length < MAX_DAMAGE_MESSAGES) this.damage.push(reason);
        this.ctx.logger.error(
          { file, error: reason },
          'pcap file damaged: its records after the damage are skipped',
        );
      }
    }
    if (this.damagedFiles > 0) {
      const more = this.damagedFiles - this.damage.length;
      this.state.failed(
        `${this.damagedFiles} of ${files.length} capture files read only up to their damage: ` +
          this.damage.join('; ') +
          (more > 0 ? `; and ${more} more` : ''),
      );
    }
  }

  private async replayFile(file: string): Promise<void> {
    const parser = new CaptureParser();
    const reader = await CaptureFileReader.open(file, parser);
    let complete: boolean;
    try {
      complete = await this.replayRecords(reader, parser);
    } finally {
      await reader.close();
    }
    this.oversizeRecords += parser.oversizeRecords;
    if (!complete) return;
    parser.end();
    this.truncatedRecords += parser.truncatedRecords;
  }

  /** Handles the file's records; false when stop() cut it short. */
  private async replayRecords(reader: CaptureFileReader, parser: CaptureParser): Promise<boolean> {
    const record = emptyRecord();
    const logic = this.logic;
    const dir = this.dir;
    const override = this.config.iface;
    let sinceYield = 0;
    let paceStartWall = 0;
    let paceStartPacket = -1;
    while (await reader.fill()) {
      while (parser.next(record)) {
        if (this.stopRequested) return false;
        if (this.speed > 0) {
          const packetMs = record.sec * 1000 + record.nsec / 1e6;
          if (paceStartPacket < 0) {
            paceStartPacket = packetMs;
            paceStartWall = performance.now();
          }
          const wait = paceStartWall + (packetMs - paceStartPacket) / this.speed - performance.now();
          if (wait > 1) {
            await this.sleep(wait);
            if (this.stopRequested) return false;
          }
        }
        this.packets++;
        this.bytes += record.caplen;
        const iface = interfaceNameOf(record, override);
        logic.handleFrame(
          record.data,
          record.offset,
          record.caplen,
          record.linkType,
          record.sec,
          record.nsec,
          iface,
          dir,
        );
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    }
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Logs the replay's figures once and adds them to the metrics registry. */
  private report(): void {
    if (this.reported || this.running === null) return;
    this.reported = true;
    const s = this.stats();
    this.ctx.logger.info({ replay: s }, 'pcap replay finished');
    const m = this.ctx.metrics;
    const plugin = this.ctx.name;
    m.counter('pcap_packets_total', 'Packets read from capture files', { plugin }).inc(s.packets);
    m.counter('pcap_bytes_total', 'Captured frame bytes read from capture files', { plugin }).inc(s.bytes);
    m.counter('pcap_truncated_records_total', 'Capture files whose last record was cut short', {
      plugin,
    }).inc(s.truncatedRecords);
    m.counter('pcap_oversize_records_total', 'Records over 256 KiB, skipped unread', { plugin }).inc(
      s.oversizeRecords,
    );
    m.counter('pcap_damaged_files_total', 'Capture files read only up to a damaged record or a read error', {
      plugin,
    }).inc(s.damagedFiles);
    for (const [topic, n] of Object.entries(s.events)) {
      m.counter('pcap_events_total', 'Capture events published, by topic', { plugin, topic }).inc(n);
    }
    for (const [reason, n] of Object.entries(s.undecodable)) {
      m.counter('pcap_undecodable_total', 'Frames that could not be decoded, by reason', {
        plugin,
        reason,
      }).inc(n ?? 0);
    }
  }
}
