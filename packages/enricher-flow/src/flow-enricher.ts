import {
  PluginHealth,
  type EnricherInstance,
  type FieldResolvers,
  type Health,
  type PluginContext,
} from '@glia/core';
import type { FlowLimits } from './config.js';
import { DirectionClassifier } from './direction.js';
import { flowResolvers } from './flow-fields.js';
import { FlowWindows } from './flow-windows.js';

const NS_PER_S = 1_000_000_000n;

/**
 * Provides ids.* (where each end of an edge sits) and flow.* (what each source did in the last
 * window). The windows are fed by every observation on the bus, not only those a rule asked about,
 * so counts do not depend on which rules are loaded.
 */
export class FlowEnricher implements EnricherInstance {
  private readonly lifecycle = new PluginHealth();
  readonly windows: FlowWindows;
  private readonly classifier: DirectionClassifier;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: PluginContext,
    readonly limits: FlowLimits,
  ) {
    this.windows = new FlowWindows({
      windowNs: BigInt(limits.windowSeconds) * NS_PER_S,
      maxSources: limits.maxSources,
      maxEntriesPerSource: limits.maxEntriesPerSource,
      maxEntries: limits.maxEntries,
    });
    this.classifier = new DirectionClassifier(ctx.network);
  }

  /** ids.* and flow.* (FLOW_FIELDS). */
  resolvers(): FieldResolvers {
    return { ...this.classifier.resolvers(), ...flowResolvers(this.windows) };
  }

  start(): void {
    if (this.unsubscribe !== null) return;
    this.lifecycle.starting();
    const labels = { plugin: this.ctx.name };
    const windows = this.windows;
    const { metrics } = this.ctx;
    metrics.collect('flow_sources', 'Source IPs with a live flow window', 'gauge', () => [
      { labels, value: windows.trackedSources },
    ]);
    metrics.collect(
      'flow_entries',
      'Connections, ports and destinations held over all sources',
      'gauge',
      () => [{ labels, value: windows.trackedEntries }],
    );
    metrics.collect(
      'flow_source_evictions_total',
      'Sources forgotten early because max_sources or max_entries was reached',
      'counter',
      () => [{ labels, value: windows.sourceEvictions }],
    );
    metrics.collect(
      'flow_entry_evictions_total',
      'Connections, ports or destinations forgotten early because a source reached max_entries_per_source',
      'counter',
      () => [{ labels, value: windows.entryEvictions }],
    );
    metrics.collect(
      'flow_sources_expired_total',
      'Sources dropped after a whole window without traffic',
      'counter',
      () => [{ labels, value: windows.sourcesExpired }],
    );
    this.unsubscribe = this.ctx.bus.subscribe('observation', (o) => {
      windows.record(o);
    });
    this.lifecycle.ok();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.lifecycle.stopped();
  }

  health(): Health {
    return this.lifecycle.get();
  }
}
