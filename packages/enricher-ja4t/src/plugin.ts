import {
  PluginHealth,
  type ConnEvent,
  type Counter,
  type EnricherInstance,
  type FieldResolvers,
  type Health,
  type Observation,
  type PluginContext,
} from '@glia/core';
import type { Ja4tConfig } from './config.js';
import { fingerprintable, ja4t } from './ja4t.js';
import { ja4tsDelaySuffix } from './ja4ts-delays.js';
import { NodeFingerprintStore, type NodeFingerprints } from './node-fingerprints.js';
import { SynAckHistory } from './synack-history.js';

/**
 * The ja4t enricher: JA4T of clients from their SYNs, JA4TS of servers from their SYN-ACKs, as
 * observation fields and as per-node fingerprints for the service graph.
 */
export class Ja4tEnricher implements EnricherInstance {
  private readonly state = new PluginHealth();
  private readonly nodes: NodeFingerprintStore;
  private readonly synAcks: SynAckHistory;
  private unsubscribe: (() => void) | null = null;
  private readonly fingerprinted: { syn: Counter; synack: Counter; skipped: Counter };

  constructor(
    private readonly ctx: PluginContext,
    config: Ja4tConfig,
  ) {
    this.nodes = new NodeFingerprintStore(config.max_nodes);
    this.synAcks = new SynAckHistory(config.max_nodes);
    const labels = { plugin: ctx.name };
    const help = 'SYN/SYN-ACKs fingerprinted by the ja4t enricher, by phase (skipped: ECN or other flags)';
    this.fingerprinted = {
      syn: ctx.metrics.counter('ja4t_fingerprints_total', help, { ...labels, phase: 'syn' }),
      synack: ctx.metrics.counter('ja4t_fingerprints_total', help, { ...labels, phase: 'synack' }),
      skipped: ctx.metrics.counter('ja4t_fingerprints_total', help, { ...labels, phase: 'skipped' }),
    };
    ctx.metrics.collect('ja4t_nodes', 'nodes with a fingerprint kept by the ja4t enricher', 'gauge', () => [
      { labels, value: this.nodes.size },
    ]);
    ctx.metrics.collect('ja4t_evictions_total', 'ja4t enricher LRU evictions, by table', 'counter', () => [
      { labels: { ...labels, table: 'nodes' }, value: this.nodes.evictions },
      { labels: { ...labels, table: 'synacks' }, value: this.synAcks.evictions },
    ]);
  }

  start(): void {
    if (this.unsubscribe !== null) return;
    this.state.starting();
    this.unsubscribe = this.ctx.bus.subscribe('conn', (event) => this.onConn(event));
    this.state.ok();
  }

  stop(): void {
    if (this.unsubscribe === null) {
      this.state.stopped();
      return;
    }
    this.state.stopping();
    this.unsubscribe();
    this.unsubscribe = null;
    this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }

  /** ja4t and ja4ts (JA4T_FIELDS). */
  resolvers(): FieldResolvers {
    return { ja4t: (o) => this.ja4tOf(o), ja4ts: (o) => this.ja4tsOf(o) };
  }

  /**
   * The fingerprints kept for one node (IP) of the service graph: the distinct JA4Ts it sent as a
   * client (least recently seen first, at most 8, the latest as `lastJa4t`) and the JA4TS of each
   * of its server ports (at most 64). Undefined when nothing was seen from that IP, or it was
   * evicted from the `max_nodes` LRU. Reading does not refresh the node's age.
   */
  nodeFingerprints(ip: string): NodeFingerprints | undefined {
    return this.nodes.view(ip);
  }

  private onConn(event: ConnEvent): void {
    if (event.phase === 'syn') {
      const value = synFingerprint(event);
      if (value === undefined) {
        this.fingerprinted.skipped.inc();
        return;
      }
      this.fingerprinted.syn.inc();
      this.nodes.recordClient(event.src, value);
      return;
    }
    if (!fingerprintable('synack', tcpFlagsOf(event))) {
      this.fingerprinted.skipped.inc();
      return;
    }
    this.fingerprinted.synack.inc();
    this.synAcks.record(event, event.ts);
    this.nodes.recordServer(event.src, event.sport, this.synAckFingerprint(event));
  }

  private ja4tOf(o: Observation): string | undefined {
    if (o.phase === 'syn' && isConn(o.event)) return synFingerprint(o.event);
    return this.nodes.lastJa4t(o.client);
  }

  private ja4tsOf(o: Observation): string | undefined {
    if (o.phase === 'synack' && isConn(o.event)) {
      if (!fingerprintable('synack', tcpFlagsOf(o.event))) return undefined;
      return this.synAckFingerprint(o.event);
    }
    return this.nodes.ja4ts(o.server, o.serverPort);
  }

  private synAckFingerprint(event: ConnEvent): string {
    return ja4t(event.window, event.options) + ja4tsDelaySuffix(this.synAcks.timesUpTo(event, event.ts));
  }
}

function synFingerprint(event: ConnEvent): string | undefined {
  if (!fingerprintable('syn', tcpFlagsOf(event))) return undefined;
  // From the raw options, not event.mss/wscale: the spec's "last one wins" and length checks then
  // hold whatever backend parsed the event.
  return ja4t(event.window, event.options);
}

function isConn(event: Observation['event']): event is ConnEvent {
  return 'phase' in event && 'options' in event;
}

function tcpFlagsOf(event: ConnEvent): number {
  return event.flags;
}
