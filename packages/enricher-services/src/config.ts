import type { JsonSchema } from '@glia/core';

export interface ServicesConfig {
  /** nmap-service-probes, read at start (never bundled with glia). */
  probes: string;
  /** Nodes (IPs) whose port → service map is kept; least recently seen forgotten first. */
  max_nodes: number;
  /** Connections whose client request waits for the server's reply (LRU). */
  max_pending: number;
  /** Time one pattern may run on one response before it counts as no match. */
  match_budget_ms: number;
}

export const SERVICES_DEFAULTS: Readonly<ServicesConfig> = {
  probes: '/usr/share/nmap/nmap-service-probes',
  max_nodes: 65536,
  max_pending: 65536,
  match_budget_ms: 20,
};

export const servicesConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    probes: {
      type: 'string',
      minLength: 1,
      default: SERVICES_DEFAULTS.probes,
      description: "path of nmap's nmap-service-probes (Debian package nmap-common), read at start",
    },
    max_nodes: {
      type: 'integer',
      minimum: 1,
      maximum: 16777216,
      default: SERVICES_DEFAULTS.max_nodes,
      description: 'nodes (IPs) whose detected services are kept, least recently seen forgotten first',
    },
    max_pending: {
      type: 'integer',
      minimum: 1,
      maximum: 16777216,
      default: SERVICES_DEFAULTS.max_pending,
      description: "connections whose client request waits for the server's reply, oldest dropped first",
    },
    match_budget_ms: {
      type: 'integer',
      minimum: 1,
      maximum: 10000,
      default: SERVICES_DEFAULTS.match_budget_ms,
      description: 'milliseconds one pattern may run on one response before it counts as no match',
    },
  },
};

/** The config with defaults filled in (ajv has validated it when it came through the loader). */
export function resolveServicesConfig(config: Partial<ServicesConfig> | undefined): ServicesConfig {
  return { ...SERVICES_DEFAULTS, ...config };
}
