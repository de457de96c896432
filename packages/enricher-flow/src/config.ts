import type { JsonSchema } from '@glia/core';

/** The `flow` enricher's config entry, defaults applied. */
export interface FlowConfig {
  /** Length of the sliding window, in seconds of packet time. */
  window_seconds: number;
  /** Sources (client IPs) tracked at once; the least recently seen is forgotten beyond it. */
  max_sources: number;
  /** Per source, the most connections, destination ports and destinations each tracked in the window. */
  max_entries_per_source: number;
}

export const DEFAULT_CONFIG: Readonly<FlowConfig> = {
  window_seconds: 60,
  max_sources: 100_000,
  max_entries_per_source: 4096,
};

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    window_seconds: { type: 'integer', minimum: 1, maximum: 86_400, default: DEFAULT_CONFIG.window_seconds },
    max_sources: { type: 'integer', minimum: 1, default: DEFAULT_CONFIG.max_sources },
    max_entries_per_source: { type: 'integer', minimum: 1, default: DEFAULT_CONFIG.max_entries_per_source },
  },
};

/** Defaults for keys left out; the agent's loader applies them too, this covers direct create(). */
export function withDefaults(config: Partial<FlowConfig>): FlowConfig {
  return {
    window_seconds: config.window_seconds ?? DEFAULT_CONFIG.window_seconds,
    max_sources: config.max_sources ?? DEFAULT_CONFIG.max_sources,
    max_entries_per_source: config.max_entries_per_source ?? DEFAULT_CONFIG.max_entries_per_source,
  };
}
