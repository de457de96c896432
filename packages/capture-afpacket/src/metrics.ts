import type { MetricsRegistry } from '@glia/core';
import type { CaptureEventLogic } from '@glia/packet';
import { CAPTURE_TOPICS } from '@glia/packet';
import type { DeviceCounters, DeviceState } from './live-interface.js';

/** Per-device counters and what each metric says (README "Metrics"). */
const DEVICE_COUNTERS: ReadonlyArray<[keyof DeviceCounters, string, string]> = [
  ['packets', 'afpacket_packets_total', 'Frames handed to the capture-event logic'],
  ['bytes', 'afpacket_bytes_total', 'Captured bytes handed to the capture-event logic'],
  [
    'received',
    'afpacket_kernel_received_total',
    'Packets that passed the kernel filter (pcap_stats ps_recv)',
  ],
  ['dropped', 'afpacket_kernel_dropped_total', 'Packets the ring had no room for (pcap_stats ps_drop)'],
  ['ifDropped', 'afpacket_interface_dropped_total', 'Packets the device dropped (pcap_stats ps_ifdrop)'],
  ['opens', 'afpacket_opens_total', 'Times a device was opened (reopens after it went away)'],
  [
    'batchErrors',
    'afpacket_batch_errors_total',
    'Batches whose handling threw (their remaining packets are lost)',
  ],
];

/**
 * Brings the af_packet metrics up to date. Its sources are running totals (pcap_stats, the event
 * logic's counts), so each sync adds what grew since the last one.
 */
export class AfPacketMetrics {
  private readonly synced = new Map<string, number>();

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly plugin: string,
  ) {}

  sync(
    devices: ReadonlyMap<string, { counters(): DeviceCounters; state(): DeviceState }>,
    logic: CaptureEventLogic,
  ): void {
    const m = this.metrics;
    const plugin = this.plugin;
    for (const [iface, device] of devices) {
      const c = device.counters();
      const labels = { plugin, iface };
      for (const [key, name, help] of DEVICE_COUNTERS) {
        this.add(`${key}:${iface}`, name, help, labels, c[key] as number);
      }
      m.gauge('afpacket_device_capturing', 'Whether a device is being captured now', labels).set(
        device.state().state === 'capturing' ? 1 : 0,
      );
    }
    for (const topic of CAPTURE_TOPICS) {
      this.add(
        `event:${topic}`,
        'afpacket_events_total',
        'Capture events published, by topic',
        { plugin, topic },
        logic.events[topic],
      );
    }
    for (const [reason, n] of Object.entries(logic.decoder.counters.undecodableByReason())) {
      const help = 'Frames that could not be decoded, by reason';
      this.add(`undecodable:${reason}`, 'afpacket_undecodable_total', help, { plugin, reason }, n ?? 0);
    }
    const help = 'Flows forgotten by the capture-event logic LRU';
    this.add('evictions', 'afpacket_flow_evictions_total', help, { plugin }, logic.flows.evictions);
  }

  private add(key: string, name: string, help: string, labels: Record<string, string>, total: number): void {
    // Created even at zero, so a scrape shows that nothing was dropped rather than nothing at all.
    const counter = this.metrics.counter(name, help, labels);
    const before = this.synced.get(key) ?? 0;
    if (total > before) counter.inc(total - before);
    this.synced.set(key, total);
  }
}
