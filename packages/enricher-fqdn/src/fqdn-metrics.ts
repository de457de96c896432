import type { Counter, Gauge, MetricsRegistry } from '@glia/core';
import type { FqdnStoreCounters } from './fqdn-store.js';
import type { MalformedReason } from './name-walk.js';
import type { IgnoredReason } from './response-parser.js';

/** Why a record in a used response did not reach the store. */
export type SkipReason = 'off_chain' | 'cname_loop' | 'chain_too_long' | 'dotted_label';

const MALFORMED: readonly MalformedReason[] = [
  'short_header',
  'truncated',
  'bad_label',
  'name_too_long',
  'pointer_loop',
  'forward_pointer',
  'pointer_chain_too_deep',
  'bad_rdata',
  'decoder_error',
];
const IGNORED: readonly IgnoredReason[] = ['query', 'opcode', 'rcode'];
const SKIPPED: readonly SkipReason[] = ['off_chain', 'cname_loop', 'chain_too_long', 'dotted_label'];

/**
 * The enricher's metric series, labelled with the plugin instance name. All series are created
 * up front so that the hot path only adds to numbers and every reason shows, at 0, in /metrics.
 */
export class FqdnMetrics {
  readonly parsed: Counter;
  readonly malformedMessages: Counter;
  readonly ignoredMessages: Counter;
  readonly malformed: Readonly<Record<MalformedReason, Counter>>;
  readonly ignored: Readonly<Record<IgnoredReason, Counter>>;
  readonly skipped: Readonly<Record<SkipReason, Counter>>;
  readonly store: FqdnStoreCounters;
  readonly entries: Gauge;

  constructor(registry: MetricsRegistry, plugin: string) {
    const messages = (result: string): Counter =>
      registry.counter('fqdn_messages_total', 'DNS messages seen by the fqdn enricher, by result', {
        plugin,
        result,
      });
    this.parsed = messages('parsed');
    this.malformedMessages = messages('malformed');
    this.ignoredMessages = messages('ignored');
    this.malformed = byReason(MALFORMED, (reason) =>
      registry.counter('fqdn_malformed_total', 'Malformed DNS responses, by the first fault found', {
        plugin,
        reason,
      }),
    );
    this.ignored = byReason(IGNORED, (reason) =>
      registry.counter(
        'fqdn_ignored_total',
        'DNS messages not used: queries, non-QUERY opcodes, RCODE other than NOERROR',
        {
          plugin,
          reason,
        },
      ),
    );
    this.skipped = byReason(SKIPPED, (reason) =>
      registry.counter(
        'fqdn_records_skipped_total',
        'Answer records of used responses that were not stored',
        { plugin, reason },
      ),
    );
    this.store = {
      stored: registry.counter('fqdn_answers_stored_total', 'IP to name mappings written to the store', {
        plugin,
      }),
      evictedEntries: registry.counter('fqdn_evictions_total', 'Store evictions', {
        plugin,
        reason: 'max_entries',
      }),
      evictedNames: registry.counter('fqdn_evictions_total', 'Store evictions', {
        plugin,
        reason: 'max_names_per_ip',
      }),
      expiredNames: registry.counter('fqdn_expired_total', 'Names whose TTL ran out in packet time', {
        plugin,
      }),
    };
    this.entries = registry.gauge('fqdn_entries', 'IP addresses in the store', { plugin });
  }
}

function byReason<R extends string>(reasons: readonly R[], make: (reason: R) => Counter): Record<R, Counter> {
  const out = {} as Record<R, Counter>;
  for (const r of reasons) out[r] = make(r);
  return out;
}
