import {
  PluginHealth,
  type BannerEvent,
  type Counter,
  type EnricherInstance,
  type FieldResolvers,
  type Health,
  type Observation,
  type PluginContext,
  type SegmentEvent,
} from '@glia/core';
import type { ClientHello } from './client-hello.js';
import type { TlsConfig } from './config.js';
import { HelloAssembler, type AssemblyResult } from './hello-assembler.js';
import { TlsEdgeStore, type TlsConnection, type TlsFacts } from './tls-edge-store.js';
import type { ClientHelloFailure } from './tls-records.js';

const NS_PER_S = 1_000_000_000n;

/**
 * The tls enricher: reads each TCP client's ClientHello from its banner and following segments
 * and gives observations of that connection, and of its edge, the SNI and ALPN it asked for.
 */
export class TlsEnricher implements EnricherInstance {
  private readonly state = new PluginHealth();
  private readonly assembler: HelloAssembler;
  private readonly store: TlsEdgeStore;
  private unsubscribe: Array<() => void> = [];
  private readonly parsed: Counter;
  private readonly failures = new Map<ClientHelloFailure, Counter>();

  constructor(
    private readonly ctx: PluginContext,
    config: TlsConfig,
  ) {
    this.assembler = new HelloAssembler(config.max_flows);
    this.store = new TlsEdgeStore(config.max_edges, BigInt(config.ttl_seconds) * NS_PER_S);
    const labels = { plugin: ctx.name };
    this.parsed = ctx.metrics.counter(
      'tls_client_hellos_total',
      'ClientHellos parsed by the tls enricher',
      labels,
    );
    ctx.metrics.collect('tls_hellos_in_progress', 'ClientHellos waiting for more segments', 'gauge', () => [
      { labels, value: this.assembler.inProgress },
    ]);
    ctx.metrics.collect('tls_evictions_total', 'tls enricher LRU evictions, by table', 'counter', () => [
      { labels: { ...labels, table: 'reassembly' }, value: this.assembler.evictions },
      { labels: { ...labels, table: 'edges' }, value: this.store.evictions },
    ]);
  }

  start(): void {
    if (this.unsubscribe.length > 0) return;
    this.state.starting();
    this.unsubscribe.push(
      this.ctx.bus.subscribe('banner', (e) => this.onBanner(e)),
      this.ctx.bus.subscribe('segment', (e) => this.onSegment(e)),
    );
    this.state.ok();
  }

  stop(): void {
    if (this.unsubscribe.length > 0) this.state.stopping();
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.assembler.clear();
    this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }

  /** tls.sni and tls.alpn (TLS_FIELDS). */
  resolvers(): FieldResolvers {
    return {
      'tls.sni': (o) => this.factsOf(o)?.sni,
      'tls.alpn': (o) => this.factsOf(o)?.alpn,
    };
  }

  /** ClientHellos that could not be read, by reason (for status output and tests). */
  failureCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [reason, counter] of this.failures) out[reason] = counter.value;
    return out;
  }

  private onBanner(e: BannerEvent): void {
    // Only a handshake record can start a hello (the assembler ignores anything else): most
    // banners are not TLS, so their flow key is never built.
    if (e.sender !== 'client' || e.payload[0] !== 0x16) return;
    this.settle(e, this.assembler.banner(flowKey(e), e.payload));
  }

  private onSegment(e: SegmentEvent): void {
    this.settle(e, this.assembler.segment(flowKey(e), e.offset, e.payload));
  }

  private settle(e: BannerEvent | SegmentEvent, result: AssemblyResult): void {
    if (result.status === 'hello') {
      this.parsed.inc();
      this.store.record(connectionOf(e), factsOf(result.hello), this.ctx.clock.now());
      // Stored first, so the observation this makes already resolves tls.sni (DESIGN §4).
      this.ctx.bus.publish('fact', { phase: 'tls', event: e });
    } else if (result.status === 'failed') {
      this.failure(result.reason).inc();
    }
  }

  private failure(reason: ClientHelloFailure): Counter {
    let counter = this.failures.get(reason);
    if (counter === undefined) {
      counter = this.ctx.metrics.counter(
        'tls_client_hello_failures_total',
        'client streams without a readable ClientHello, by reason',
        {
          plugin: this.ctx.name,
          reason,
        },
      );
      this.failures.set(reason, counter);
    }
    return counter;
  }

  private factsOf(o: Observation): TlsFacts | undefined {
    if (o.proto !== 'tcp') return undefined;
    return this.store.lookup(o, this.ctx.clock.now());
  }
}

function factsOf(hello: ClientHello): TlsFacts {
  const facts: TlsFacts = {};
  if (hello.serverNames.length > 0) facts.sni = hello.serverNames[0].toLowerCase();
  if (hello.alpn.length > 0) facts.alpn = hello.alpn;
  return facts;
}

/** Client payload events are sent by the client: src is the client. */
function connectionOf(e: BannerEvent | SegmentEvent): TlsConnection {
  return { client: e.src, clientPort: e.sport, server: e.dst, serverPort: e.dport };
}

function flowKey(e: BannerEvent | SegmentEvent): string {
  return `${e.src}:${e.sport}>${e.dst}:${e.dport}`;
}
