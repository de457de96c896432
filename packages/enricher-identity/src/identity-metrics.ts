import type { Counter, Gauge, MetricsRegistry } from '@glia/core';
import type { IdentityStore } from './identity-store.js';
import type { DeltaSyncCounters } from './overlay/delta-sync.js';
import type { DeltaOutcome } from './synced-document.js';
import type { SseClient } from './stream/sse-client.js';

const OUTCOMES: readonly DeltaOutcome[] = [
  'applied',
  'duplicate',
  'current',
  'resync',
  'buffered',
  'dropped',
  'invalid',
];
export type Feed = 'identity' | 'edges';
export type RulesPushResult = 'applied' | 'refused' | 'unchanged' | 'no_policy';

/** The identity enricher's series, labelled with the plugin instance name, created up front. */
export class IdentityMetrics {
  private readonly deltas: Record<Feed, Record<DeltaOutcome, Counter>>;
  readonly resyncs: Record<Feed, Counter>;
  readonly rulesPushed: Record<RulesPushResult, Counter>;
  readonly connected: Gauge;

  constructor(
    registry: MetricsRegistry,
    plugin: string,
    sources: {
      store: IdentityStore;
      /** The edge cache (its evictions at edge_cache_size). */
      edgeCache: { readonly evictions: number };
      feeds: () => Partial<Record<Feed, { sync: { counters: DeltaSyncCounters } }>>;
      stream: () => SseClient | null;
      declaredEdges: () => number;
    },
  ) {
    const feeds: Feed[] = ['identity', 'edges'];
    this.deltas = Object.fromEntries(
      feeds.map((feed) => [
        feed,
        Object.fromEntries(
          OUTCOMES.map((outcome) => [
            outcome,
            registry.counter(
              'identity_deltas_total',
              'Deltas received from the control plane, by feed and outcome',
              {
                plugin,
                feed,
                outcome,
              },
            ),
          ]),
        ),
      ]),
    ) as Record<Feed, Record<DeltaOutcome, Counter>>;
    this.resyncs = Object.fromEntries(
      feeds.map((feed) => [
        feed,
        registry.counter(
          'identity_resyncs_total',
          'Overlay dropped and the document re-pulled (new epoch, gap, file change)',
          {
            plugin,
            feed,
          },
        ),
      ]),
    ) as Record<Feed, Counter>;
    this.rulesPushed = Object.fromEntries(
      (['applied', 'refused', 'unchanged', 'no_policy'] as const).map((result) => [
        result,
        registry.counter('identity_rules_pushed_total', 'Rule sets the control plane pushed, by result', {
          plugin,
          result,
        }),
      ]),
    ) as Record<RulesPushResult, Counter>;
    this.connected = registry.gauge(
      'identity_stream_connected',
      'Whether the control-plane stream is connected (0/1)',
      {
        plugin,
      },
    );
    const { store } = sources;
    registry.collect(
      'identity_lookups_total',
      'Address lookups, by where the answer came from',
      'counter',
      () => {
        const c = store.counters;
        const unknown = c.lookups - c.cacheHits - c.overlayHits - c.baselineHits;
        return [
          { labels: { plugin, from: 'cache' }, value: c.cacheHits },
          { labels: { plugin, from: 'overlay' }, value: c.overlayHits },
          { labels: { plugin, from: 'baseline' }, value: c.baselineHits },
          { labels: { plugin, from: 'unknown' }, value: unknown },
        ];
      },
    );
    registry.collect(
      'identity_evictions_total',
      'Identity cache evictions, by table (sizes from limits.memory_mb unless configured)',
      'counter',
      () => [
        { labels: { plugin, table: 'addresses' }, value: store.cacheEvictions },
        { labels: { plugin, table: 'edges' }, value: sources.edgeCache.evictions },
      ],
    );
    registry.collect('identity_overlay_entries', 'Delta entries held over the baseline', 'gauge', () => [
      { labels: { plugin }, value: store.overlaySize },
    ]);
    registry.collect('identity_declared_edges', 'Lines of declared edges in force', 'gauge', () => [
      { labels: { plugin }, value: sources.declaredEdges() },
    ]);
    registry.collect(
      'identity_bad_records_total',
      'Baseline records that are not identities',
      'counter',
      () => [{ labels: { plugin }, value: store.baseline.badRecords }],
    );
    registry.collect('identity_repulls_total', 'Document re-pulls, by feed and result', 'counter', () =>
      feeds.flatMap((feed) => {
        const sync = sources.feeds()[feed]?.sync;
        if (sync === undefined) return [];
        const { repulls, repullFailures } = sync.counters;
        return [
          { labels: { plugin, feed, result: 'ok' }, value: repulls - repullFailures },
          { labels: { plugin, feed, result: 'failed' }, value: repullFailures },
        ];
      }),
    );
    registry.collect('identity_stream_events_total', 'Control-plane stream activity', 'counter', () => {
      const c = sources.stream()?.counters;
      if (c === undefined) return [];
      return [
        { labels: { plugin, what: 'connects' }, value: c.connects },
        { labels: { plugin, what: 'disconnects' }, value: c.disconnects },
        { labels: { plugin, what: 'auth_failures' }, value: c.authFailures },
        { labels: { plugin, what: 'events' }, value: c.events },
      ];
    });
  }

  delta(feed: Feed, outcome: DeltaOutcome): void {
    this.deltas[feed][outcome].inc();
  }
}
