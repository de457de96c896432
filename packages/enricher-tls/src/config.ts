import type { JsonSchema } from '@glia/core';

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
      default: TLS_DEFAULTS.max_flows,
      description: 'ClientHellos being reassembled at once, least recently fed dropped first',
    },
    max_edges: {
      type: 'integer',
      minimum: 1,
      maximum: 16777216,
      default: TLS_DEFAULTS.max_edges,
      description: 'connections and edges whose SNI/ALPN are kept, least recently written dropped first',
    },
    ttl_seconds: {
      type: 'integer',
      minimum: 1,
      default: TLS_DEFAULTS.ttl_seconds,
      description: 'seconds of packet time an SNI/ALPN stays attached to its connection and edge',
    },
  },
};

/** The config with defaults filled in (ajv has validated it when it came through the loader). */
export function resolveTlsConfig(config: Partial<TlsConfig> | undefined): TlsConfig {
  return {
    max_flows: config?.max_flows ?? TLS_DEFAULTS.max_flows,
    max_edges: config?.max_edges ?? TLS_DEFAULTS.max_edges,
    ttl_seconds: config?.ttl_seconds ?? TLS_DEFAULTS.ttl_seconds,
  };
}
