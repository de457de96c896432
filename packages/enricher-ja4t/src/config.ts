import type { JsonSchema } from '@glia/core';

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
      default: DEFAULT_MAX_NODES,
      description: 'nodes (IPs) whose JA4T/JA4TS are kept, least recently seen forgotten first',
    },
  },
};

/** The config with defaults filled in (ajv has validated it when it came through the loader). */
export function resolveJa4tConfig(config: Partial<Ja4tConfig> | undefined): Ja4tConfig {
  return { max_nodes: config?.max_nodes ?? DEFAULT_MAX_NODES };
}
