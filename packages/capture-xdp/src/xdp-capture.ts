import { PluginHealth, errorMessage, type Health, type PluginContext, type PluginInstance } from '@glia/core';
import { DEFAULTS, type XdpConfig } from './config.js';
import { probeXdp } from './probe.js';
import { SynackRecorder } from './synack-recorder.js';

/**
 * The `xdp` capture plugin: records SYN-ACKs at the earliest point of a device's ingress, where
 * a CNI that owns the tc reply path cannot hide them, and publishes them as conn events (phase
 * synack) every drain_interval_ms, one per server and interval (the latest). For JA4TS.
 */
export class XdpCapture implements PluginInstance {
  private readonly state = new PluginHealth();
  private recorder: SynackRecorder | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly names = new Map<number, string>();
  private tsOffset = 0n;
  published = 0;

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: XdpConfig,
  ) {}

  health(): Health {
    return this.state.get();
  }

  async start(): Promise<void> {
    if (this.recorder !== null) return;
    this.state.starting();
    try {
      const probe = probeXdp();
      if (!probe.ok) throw new Error(probe.reason);
      const recorder = SynackRecorder.load({ maxServers: this.config.max_servers ?? DEFAULTS.max_servers });
      this.recorder = recorder;
      for (const iface of this.config.interfaces) {
        const link = recorder.attach(iface, this.config.mode ?? DEFAULTS.mode);
        this.names.set(link.ifindex, iface);
        this.ctx.logger.info({ iface, mode: link.mode }, 'XDP SYN-ACK recorder attached');
      }
    } catch (error) {
      this.recorder?.close();
      this.recorder = null;
      this.state.failed(errorMessage(error));
      throw error;
    }
    this.tsOffset = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
    this.timer = setInterval(() => this.drain(), this.config.drain_interval_ms ?? DEFAULTS.drain_interval_ms);
    this.timer.unref();
    const plugin = this.ctx.name;
    this.ctx.metrics.collect('xdp_packets_total', 'Packets the XDP recorder saw', 'counter', () =>
      this.recorder === null ? [] : [{ labels: { plugin }, value: this.recorder.counters().packets }],
    );
    this.ctx.metrics.collect('xdp_synacks_total', 'SYN-ACKs the XDP recorder stored', 'counter', () =>
      this.recorder === null ? [] : [{ labels: { plugin }, value: this.recorder.counters().events }],
    );
    this.state.ok();
  }

  /** Publishes what the map holds now (also called by the timer). */
  drain(): void {
    if (this.recorder === null) return;
    try {
      const events = this.recorder.drain((i) => this.names.get(i) ?? `if${i}`, this.tsOffset);
      events.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      for (const e of events) this.ctx.bus.publish('conn', e);
      this.published += events.length;
    } catch (error) {
      this.state.degraded(`drain failed: ${errorMessage(error)}`);
    }
  }

  async stop(): Promise<void> {
    if (this.state.get().state === 'stopped') return;
    this.state.stopping();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.drain();
    this.recorder?.close();
    this.recorder = null;
    this.state.stopped();
  }
}
