import { join } from 'node:path';
import {
  PluginHealth,
  TOKENS,
  errorMessage,
  type EnforcementBackends,
  type GliaTopics,
  type Health,
  type PluginContext,
  type PluginInstance,
} from '@glia/core';
import { BpfError, RingBufferReader, forEachRecord, isBpffs } from '@glia/libbpf';
import type { CaptureEventMap, CaptureTopic } from '@glia/packet';
import { BannedEdgesMap } from './banned-edges.js';
import { COUNTER_NAMES, type ProgramCounters } from './counters.js';
import { checkRingBytes, DEFAULTS, egressSources, type TcxConfig } from './config.js';
import { resolveInterfaces } from './default-route.js';
import { TcxObserver } from './observer.js';
import { probeTcx } from './probe.js';
import { RecordDecoder } from './records.js';

/** Wall-clock nanoseconds minus the monotonic clock the programs stamp records with. */
function monotonicToWall(): bigint {
  return BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
}

/**
 * The `tcx` capture plugin: loads the observer, attaches it to the ingress of `interfaces` and the
 * egress of `egress_interfaces` (tcx links, first in the chain; legacy tc where tcx is missing),
 * reads its ring buffer on the event loop and publishes the decoded events. Offers its
 * banned_edges map to the enforcement sink. Every link is a file descriptor: if the process dies,
 * the kernel detaches the programs.
 */
export class TcxCapture implements PluginInstance {
  private readonly state = new PluginHealth();
  private observer: TcxObserver | null = null;
  private reader: RingBufferReader | null = null;
  private unregister: (() => void) | null = null;
  private decoder: RecordDecoder | null = null;
  private readonly names = new Map<number, string>();

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: TcxConfig,
  ) {}

  health(): Health {
    const current = this.state.get();
    if (current.state !== 'ok' || this.observer === null) return current;
    const c = this.observer.counters();
    const drops = c.ingress.ringbuf_drops + c.egress.ringbuf_drops;
    if (drops > 0)
      return { state: 'degraded', reason: `${drops} events lost to a full ring buffer; raise ring_bytes` };
    return current;
  }

  /** The links in place: device, direction, and tcx or legacy tc. */
  attachments(): Array<{ iface: string; direction: string; kind: string }> {
    return (this.observer?.links ?? []).map((l) => ({
      iface: l.iface,
      direction: l.direction,
      kind: l.kind,
    }));
  }

  counters(): { ingress: ProgramCounters; egress: ProgramCounters } | null {
    return this.observer?.counters() ?? null;
  }

  async start(): Promise<void> {
    if (this.observer !== null) return;
    this.state.starting();
    try {
      this.open();
    } catch (error) {
      this.close();
      const reason =
        error instanceof BpfError && error.log !== undefined
          ? `${errorMessage(error)}\n${error.logTail()}`
          : errorMessage(error);
      this.state.failed(reason);
      throw error;
    }
    this.state.ok();
  }

  private open(): void {
    const { config, ctx } = this;
    const probe = probeTcx({ legacyTc: config.legacy_tc });
    if (!probe.ok) throw new Error(probe.reason);
    if (probe.legacy) ctx.logger.warn({ reason: probe.reason }, 'attaching as legacy tc filters');
    const ingress = resolveInterfaces(config.interfaces ?? [], 'interfaces');
    const egress = resolveInterfaces(
      config.egress_interfaces ?? DEFAULTS.egress_interfaces,
      'egress_interfaces',
    );
    if (ingress.length === 0 && egress.length === 0)
      throw new Error('interfaces and egress_interfaces are both empty: nothing to observe');
    const ringBytes = config.ring_bytes ?? DEFAULTS.ring_bytes;
    checkRingBytes(ringBytes);
    const observer = TcxObserver.load({
      maxFlows: config.max_flows ?? DEFAULTS.max_flows,
      ringBytes,
      egressSources: egressSources(config, ctx.network),
    });
    this.observer = observer;
    const legacy = config.legacy_tc ?? DEFAULTS.legacy_tc;
    for (const iface of ingress) this.names.set(observer.attach(iface, 'ingress', legacy).ifindex, iface);
    for (const iface of egress) this.names.set(observer.attach(iface, 'egress', legacy).ifindex, iface);
    this.pin(observer);

    const bus = ctx.bus;
    const decoder = new RecordDecoder(
      <K extends CaptureTopic>(topic: K, event: CaptureEventMap[K]) =>
        bus.publish<K>(topic, event as GliaTopics[K]),
      { ifaceName: (i) => this.names.get(i) ?? `if${i}`, tsOffsetNs: monotonicToWall() },
    );
    this.decoder = decoder;
    this.reader = new RingBufferReader(observer.events, (batch) =>
      forEachRecord(batch, (bytes, offset, length) => decoder.decode(bytes, offset, length)),
    );
    if (ctx.container.isRegistered(TOKENS.EnforcementBackends, true)) {
      const backends: EnforcementBackends = ctx.container.resolve(TOKENS.EnforcementBackends);
      this.unregister = backends.register(
        new BannedEdgesMap(`tcx ${ctx.name}`, observer.bannedEdges, observer.bansInUse),
      );
    }
    this.registerMetrics();
    ctx.logger.info({ attachments: this.attachments() }, 'tcx observer attached');
  }

  /** Pins the maps when asked and a bpffs is there; otherwise the descriptors are enough. */
  private pin(observer: TcxObserver): void {
    const dir = this.config.pin_dir;
    if (dir === undefined) return;
    if (!isBpffs(dir)) {
      this.ctx.logger.warn({ pin_dir: dir }, 'pin_dir is not on a mounted bpffs; the maps stay unpinned');
      return;
    }
    for (const map of ['banned_edges', 'flows'])
      observer.object.pinMap(map, join(dir, `${this.ctx.name}_${map}`));
  }

  private registerMetrics(): void {
    const plugin = this.ctx.name;
    for (const [i, name] of COUNTER_NAMES.entries()) {
      this.ctx.metrics.collect(`tcx_${name}_total`, COUNTER_HELP[i], 'counter', () => {
        const c = this.counters();
        if (c === null) return [];
        return (['ingress', 'egress'] as const).map((program) => ({
          labels: { plugin, program: `tcx_${program}` },
          value: c[program][name],
        }));
      });
    }
    this.ctx.metrics.collect(
      'tcx_records_malformed_total',
      'Ring buffer records that did not decode',
      'counter',
      () => [{ labels: { plugin }, value: this.decoder?.malformed ?? 0 }],
    );
    this.ctx.metrics.collect(
      'tcx_ringbuf_batches_total',
      'Batches read from the ring buffer',
      'counter',
      () => [{ labels: { plugin }, value: this.reader?.batches ?? 0 }],
    );
  }

  async stop(): Promise<void> {
    if (this.state.get().state === 'stopped') return;
    this.state.stopping();
    const c = this.observer?.counters();
    if (c !== undefined && c.ingress.ringbuf_drops + c.egress.ringbuf_drops > 0)
      this.ctx.logger.warn({ counters: c }, 'the ring buffer overflowed while running');
    this.close();
    this.state.stopped();
  }

  private close(): void {
    this.unregister?.();
    this.unregister = null;
    this.reader?.close();
    this.reader = null;
    this.observer?.close();
    this.observer = null;
    this.names.clear();
  }
}

const COUNTER_HELP: readonly string[] = [
  'Packets the tcx programs saw',
  'Events the tcx programs wrote to the ring buffer',
  'Events lost because the ring buffer was full',
  'Packets the tcx programs could not decode',
  'Packets that are not TCP/UDP over IP',
  'Packets dropped for a banned edge',
  'Egress packets whose source is outside egress_sources',
  'Packets whose flow could not be added to the flow table',
];
