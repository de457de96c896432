import {
  PluginHealth,
  defaultRouteDevices,
  errorMessage,
  type GliaTopics,
  type Health,
  type PluginContext,
  type PluginDetails,
  type PluginInstance,
} from '@glia/core';
import { CaptureEventLogic, maxFlowsFor, type CaptureEventMap, type CaptureTopic } from '@glia/packet';
import { resolveConfig, type AfPacketConfig, type ResolvedAfPacketConfig } from './config.js';
import type { ObservedDirection } from './event-filter.js';
import { LiveInterface, type DeviceCounters, type DeviceState } from './live-interface.js';
import { AfPacketMetrics } from './metrics.js';
import { pcapBinding } from './pcap-live.js';

export interface AfPacketStats {
  devices: Record<string, DeviceState & { counters: DeviceCounters }>;
  events: Record<CaptureTopic, number>;
  undecodable: Record<string, number>;
  flowEvictions: number;
}

/**
 * The `af_packet` capture plugin: live capture of the configured devices through libpcap, the
 * kernel filtering out what the events do not need, the frames run through @glia/packet's
 * capture-event logic (the code pcap replay runs) onto the bus. Devices that do not exist yet are
 * looked for every `retry_interval_ms`; one that goes away is reported and looked for again.
 */
export class AfPacketCapture implements PluginInstance {
  private readonly state = new PluginHealth();
  private readonly config: ResolvedAfPacketConfig;
  private readonly logic: CaptureEventLogic;
  private readonly devices = new Map<string, LiveInterface>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly metrics: AfPacketMetrics;

  constructor(
    private readonly ctx: PluginContext,
    config: AfPacketConfig,
  ) {
    this.config = resolveConfig(config);
    this.metrics = new AfPacketMetrics(ctx.metrics, ctx.name);
    const bus = ctx.bus;
    this.logic = new CaptureEventLogic(
      <K extends CaptureTopic>(topic: K, event: CaptureEventMap[K]) => {
        bus.publish<K>(topic, event as GliaTopics[K]);
      },
      { maxFlows: config.max_flows ?? maxFlowsFor(ctx.memory) },
    );
  }

  health(): Health {
    return this.state.get();
  }

  start(): void {
    if (this.running) return;
    this.state.starting();
    try {
      pcapBinding();
    } catch (error) {
      this.state.failed(errorMessage(error));
      return;
    }
    this.running = true;
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.config.retry_interval_ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.state.get().state === 'stopped') return;
    this.state.stopping();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.running) this.syncMetrics();
    for (const device of this.devices.values()) device.close();
    this.running = false;
    this.state.stopped();
  }

  /**
   * The devices this plugin should be capturing now and in which direction, as the tcx backend
   * reads the same keys: `interfaces` received packets, `egress_interfaces` sent ones (`auto`
   * re-read each time), a device in both lists both.
   */
  wantedDevices(): Map<string, ObservedDirection> {
    const wanted = new Map<string, ObservedDirection>();
    for (const name of this.config.interfaces) wanted.set(name, 'ingress');
    const egress = this.config.egress_interfaces.flatMap((n) => (n === 'auto' ? defaultRouteDevices() : [n]));
    for (const name of egress) wanted.set(name, wanted.has(name) ? 'both' : 'egress');
    return wanted;
  }

  /** CIDRs sent packets must come from (null: all), from `egress_sources`. */
  private egressSources(): string[] | null {
    const sources = this.config.egress_sources;
    const list =
      sources === 'network' ? [...this.ctx.network.home_net, ...this.ctx.network.pod_nets] : sources;
    return list.length === 0 ? null : list;
  }

  /** For `glia status`: events by topic, losses by cause, each device's state. */
  details(): PluginDetails {
    const drops = {
      kernel_ring: 0,
      interface: 0,
      batch_errors: 0,
      flow_evictions: this.logic.flows.evictions,
    };
    const devices: Record<string, string> = {};
    let packets = 0;
    for (const [name, device] of this.devices) {
      const c = device.counters();
      drops.kernel_ring += c.dropped;
      drops.interface += c.ifDropped;
      drops.batch_errors += c.batchErrors;
      packets += c.packets;
      const s = device.state();
      devices[name] = s.state === 'capturing' ? 'capturing' : `${s.state}: ${s.reason}`;
    }
    return { events: { ...this.logic.events }, drops, packets, filter: this.config.filter, devices };
  }

  stats(): AfPacketStats {
    const devices: AfPacketStats['devices'] = {};
    for (const [name, device] of this.devices)
      devices[name] = { ...device.state(), counters: device.counters() };
    return {
      devices,
      events: { ...this.logic.events },
      undecodable: this.logic.decoder.counters.undecodableByReason() as Record<string, number>,
      flowEvictions: this.logic.flows.evictions,
    };
  }

  /** Opens what appeared, notices what went away, updates health and metrics. */
  private refresh(): void {
    if (!this.running) return;
    const wanted = this.wantedDevices();
    for (const [name, direction] of wanted) {
      let device = this.devices.get(name);
      if (device !== undefined && device.options.direction !== direction) {
        // A default route moved onto (or off) a device of `interfaces`: reopen it for the new direction.
        device.close();
        device = undefined;
      }
      if (device === undefined) {
        device = new LiveInterface(
          name,
          {
            snaplen: this.config.snaplen,
            bufferBytes: this.config.buffer_mb << 20,
            blockTimeoutMs: this.config.block_timeout_ms,
            maxPacketsPerTurn: this.config.max_packets_per_turn,
            filter: this.config.filter,
            sampleBits: this.config.sample_bits,
            direction,
            egressSources: this.egressSources(),
          },
          (bytes, offset, caplen, linkType, sec, nsec, iface, dir) =>
            this.logic.handleFrame(bytes, offset, caplen, linkType, sec, nsec, iface, dir),
          (state) => this.logDevice(name, state),
        );
        this.devices.set(name, device);
      }
      device.poll();
    }
    for (const [name, device] of this.devices) {
      if (!wanted.has(name)) {
        device.close();
        this.devices.delete(name);
        this.ctx.logger.info({ device: name }, 'no longer a default-route device; capture closed');
      }
    }
    this.updateHealth();
    this.syncMetrics();
  }

  private logDevice(name: string, state: DeviceState): void {
    const log = this.ctx.logger;
    if (state.state === 'capturing')
      log.info({ device: name, ifindex: state.ifindex }, `capturing on ${name}`);
    else if (state.state === 'lost') log.warn({ device: name, reason: state.reason }, `lost ${name}`);
    else log.info({ device: name, reason: state.reason }, `waiting for ${name}`);
  }

  private updateHealth(): void {
    if (!this.running) return;
    const problems: string[] = [];
    let capturing = 0;
    for (const [name, device] of this.devices) {
      const s = device.state();
      if (s.state === 'capturing') capturing++;
      else problems.push(`${name}: ${s.reason}`);
    }
    if (this.devices.size === 0) {
      this.state.degraded('no device to observe: interfaces is empty and no default route was found');
    } else if (problems.length === 0) {
      this.state.ok();
    } else {
      const summary = `capturing on ${capturing} of ${this.devices.size} devices; ${problems.join('; ')}`;
      this.state.degraded(summary);
    }
  }

  private syncMetrics(): void {
    this.metrics.sync(this.devices, this.logic);
  }
}
