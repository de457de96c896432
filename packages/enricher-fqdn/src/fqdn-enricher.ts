import type { DnsEvent, EnricherInstance, FieldResolvers, Health, PluginContext } from '@glia/core';
import { PluginHealth } from '@glia/core';
import { resolveChains } from './cname-chain.js';
import type { FqdnConfig } from './config.js';
import { FqdnMetrics } from './fqdn-metrics.js';
import { FqdnStore } from './fqdn-store.js';
import { ResponseParser, type ParsedResponse } from './response-parser.js';

/**
 * The `fqdn` enricher: fills an FqdnStore from the DNS responses on the `dns` topic and answers
 * dns.fqdn / dns.fqdns for the destination (server) of each observation.
 */
export class FqdnEnricher implements EnricherInstance {
  readonly store: FqdnStore;
  readonly metrics: FqdnMetrics;
  private readonly parser = new ResponseParser();
  private readonly state = new PluginHealth();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: PluginContext,
    config: FqdnConfig,
  ) {
    this.metrics = new FqdnMetrics(ctx.metrics, ctx.name);
    this.store = new FqdnStore(
      {
        maxEntries: config.max_entries,
        maxNamesPerIp: config.max_names_per_ip,
        minTtl: config.min_ttl,
        maxTtl: config.max_ttl,
      },
      ctx.clock,
      this.metrics.store,
    );
  }

  start(): void {
    if (this.unsubscribe !== null) return;
    this.state.starting();
    this.unsubscribe = this.ctx.bus.subscribe('dns', (event: DnsEvent) => {
      this.ingest(event.message);
    });
    this.state.ok();
  }

  stop(): void {
    this.state.stopping();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.store.clear();
    this.metrics.entries.set(0);
    this.state.stopped();
  }

  health(): Health {
    return this.state.get();
  }

  /** dns.fqdn and dns.fqdns (FQDN_FIELDS) of the observation's destination. */
  resolvers(): FieldResolvers {
    return {
      'dns.fqdn': (o) => this.store.latest(o.server),
      'dns.fqdns': (o) => {
        const names = this.store.names(o.server);
        return names.length === 0 ? undefined : names;
      },
    };
  }

  /** Parses one DNS message and stores what it resolves; never throws. */
  ingest(message: Uint8Array): ParsedResponse {
    const parsed = this.parser.parse(message);
    const m = this.metrics;
    if (parsed.status === 'ignored') {
      m.ignoredMessages.inc();
      m.ignored[parsed.reason].inc();
      return parsed;
    }
    if (parsed.status === 'malformed') {
      m.malformedMessages.inc();
      m.malformed[parsed.reason].inc();
    } else {
      m.parsed.inc();
    }
    if (parsed.skipped > 0) m.skipped.dotted_label.inc(parsed.skipped);
    if (parsed.answers.length === 0) return parsed;
    const outcome = resolveChains(parsed.questions, parsed.answers);
    for (const r of outcome.resolutions) this.store.addChain(r.address, r.names, r.ttls);
    if (outcome.offChain > 0) m.skipped.off_chain.inc(outcome.offChain);
    if (outcome.loops > 0) m.skipped.cname_loop.inc(outcome.loops);
    if (outcome.tooLong > 0) m.skipped.chain_too_long.inc(outcome.tooLong);
    m.entries.set(this.store.size);
    return parsed;
  }
}
