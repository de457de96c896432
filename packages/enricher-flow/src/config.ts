import type { JsonSchema, MemoryBudget } from '@glia/core';

/** The `flow` enricher's config entry as written: caps left out come from the memory budget. */
export interface FlowConfig {
  /** Length of the sliding window, in seconds of packet time. */
  window_seconds: number;
  /** Sources (client IPs) tracked at once; the least recently seen is forgotten beyond it. */
  max_sources?: number;
  /** Per source, the most connections, destination ports and destinations each tracked in the window. */
  max_entries_per_source?: number;
  /** Connections, ports and destinations tracked over all sources together. */
  max_entries?: number;
}

/** The caps in force: the config's, or what the flow store's share of `limits.memory_mb` holds. */
export interface FlowLimits {
  windowSeconds: number;
  maxSources: number;
  maxEntriesPerSource: number;
  maxEntries: number;
}

/**
 * Measured heap cost (bench/memory/entry-cost.mjs, rounded up): a tracked source with its first
 * connection, port and destination (a SourceWindow with its maps) and each further key of a map.
 */
export const BYTES_PER_SOURCE = 2048;
export const BYTES_PER_ENTRY = 320;
/** The share of the flow store's budget that source overheads may take; entries get the rest. */
const SOURCE_FRACTION = 0.5;
const DEFAULT_MAX_ENTRIES_PER_SOURCE = 4096;

export const DEFAULT_CONFIG: Readonly<FlowConfig> = { window_seconds: 60 };

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    window_seconds: { type: 'integer', minimum: 1, maximum: 86_400, default: DEFAULT_CONFIG.window_seconds },
    max_sources: { type: 'integer', minimum: 1 },
    max_entries_per_source: { type: 'integer', minimum: 1 },
    max_entries: { type: 'integer', minimum: 1 },
  },
};

/** The caps for a config entry under a memory budget: an explicit key wins over the budget. */
export function flowLimits(config: Partial<FlowConfig>, memory: MemoryBudget): FlowLimits {
  const maxEntries =
    config.max_entries ?? memory.entriesFor('flow', BYTES_PER_ENTRY, 1 - SOURCE_FRACTION, 1024);
  return {
    windowSeconds: config.window_seconds ?? DEFAULT_CONFIG.window_seconds,
    maxSources: config.max_sources ?? memory.entriesFor('flow', BYTES_PER_SOURCE, SOURCE_FRACTION),
    // One source may use at most a third of all entries in each of its three maps.
    maxEntriesPerSource:
      config.max_entries_per_source ??
      Math.max(1, Math.min(DEFAULT_MAX_ENTRIES_PER_SOURCE, Math.floor(maxEntries / 3))),
    maxEntries,
  };
}
