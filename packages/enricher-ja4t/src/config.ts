import type { JsonSchema, MemoryBudget } from '@glia/core';

export interface Ja4tConfig {
  /** Nodes (IPs) whose fingerprints are kept; the least recently seen is forgotten first. */
  max_nodes: number;
}

export const DEFAULT_MAX_NODES = 65536;

export const ja4tConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_nodes: {
      type: 'integer',
      minimum: 1,
      maximum: 16777216,
      description:
        'nodes (IPs) whose JA4T/JA4TS are kept, least recently seen forgotten first (default: what the ja4t share of limits.memory_mb holds)',
    },
  },
};

/**
 * Heap cost of one node: its fingerprints entry plus one connection's SYN-ACK history, which is
 * capped at the same count (bench/memory/entry-cost.mjs: 1557 B for two nodes and one connection,
 * rounded up).
 */
export const BYTES_PER_NODE = 1280;

/**
 * The config with defaults filled in (ajv has validated it when it came through the loader):
 * without max_nodes, what the ja4t share of the memory budget holds (DEFAULT_MAX_NODES without one).
 */
export function resolveJa4tConfig(
  config: Partial<Ja4tConfig> | undefined,
  memory?: MemoryBudget,
): Ja4tConfig {
  return {
    max_nodes: config?.max_nodes ?? memory?.entriesFor('ja4t', BYTES_PER_NODE) ?? DEFAULT_MAX_NODES,
  };
}
