import type { JsonSchema, MemoryBudget } from '@glia/core';

export interface TlsConfig {
  /** ClientHellos being reassembled at once (LRU). */
  max_flows: number;
  /** Connections and edges whose SNI/ALPN are kept (each an LRU of this size). */
  max_edges: number;
  /** How long, in packet time, a hello's SNI/ALPN stays attached to its connection and edge. */
  ttl_seconds: number;
}

export const TLS_DEFAULTS: Readonly<TlsConfig> = { max_flows: 8192, max_edges: 65536, ttl_seconds: 3600 };

export const tlsConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_flows: {
      type: 'integer',
      minimum: 1,
      maximum: 1048576,
      description:
        'ClientHellos being reassembled at once, least recently fed dropped first (default: from limits.memory_mb)',
    },
    max_edges: {
      type: 'integer',
      minimum: 1,
      maximum: 16777216,
      description:
        'connections and edges whose SNI/ALPN are kept, least recently written dropped first (default: from limits.memory_mb)',
    },
    ttl_seconds: {
      type: 'integer',
      minimum: 1,
      default: TLS_DEFAULTS.ttl_seconds,
      description: 'seconds of packet time an SNI/ALPN stays attached to its connection and edge',
    },
  },
};

/**
 * Heap costs: a connection and edge entry with its facts (bench/memory/entry-cost.mjs: 714 B), and a
 * hello being reassembled at its largest (HELLO_MAX_BYTES of buffer and its entry).
 */
export const BYTES_PER_EDGE = 800;
export const BYTES_PER_HELLO = 16384 + 512;
/** The part of the tls share hellos in reassembly may take; connection and edge facts get the rest. */
const HELLO_FRACTION = 0.25;

/**
 * The config with defaults filled in (ajv has validated it when it came through the loader): caps
 * left out hold what the tls share of the memory budget does (TLS_DEFAULTS' without a budget).
 */
export function resolveTlsConfig(config: Partial<TlsConfig> | undefined, memory?: MemoryBudget): TlsConfig {
  return {
    max_flows:
      config?.max_flows ??
      memory?.entriesFor('tls', BYTES_PER_HELLO, HELLO_FRACTION) ??
      TLS_DEFAULTS.max_flows,
    max_edges:
      config?.max_edges ??
      memory?.entriesFor('tls', BYTES_PER_EDGE, 1 - HELLO_FRACTION) ??
      TLS_DEFAULTS.max_edges,
    ttl_seconds: config?.ttl_seconds ?? TLS_DEFAULTS.ttl_seconds,
  };
}
