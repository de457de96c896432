import type { JsonSchema } from '@glia/core';

/** The `service_graph` sink's config entry, defaults applied. Durations are in seconds. */
export interface ServiceGraphConfig {
  /** The collector's base URL; slices go to `<url>/v1/observed/<agent_id>`. */
  url: string;
  /** Bearer token the collector expects; `${NAME}` substitution keeps it out of the file. */
  token?: string;
  /** This agent's name in the fleet graph; default: the agent id (`agent.id`, the host name). */
  agent_id?: string;
  /** Seconds between drains (and uploads). */
  interval: number;
  /** An edge or node not seen for this long is forgotten (after it was uploaded). */
  idle_timeout: number;
  max_edges: number;
  max_nodes: number;
  max_flows: number;
  /** Slices waiting for upload at most; past it the oldest is dropped (and counted). */
  backlog: number;
  /** Compressed bytes waiting for upload at most; the same rule. */
  backlog_bytes: number;
  /** Seconds one upload may take. */
  timeout: number;
  /** First retry delay; doubles per failure up to retry_max, each delay jittered. */
  retry_initial: number;
  retry_max: number;
}

export const DEFAULT_CONFIG: Readonly<Omit<ServiceGraphConfig, 'url'>> = {
  interval: 30,
  idle_timeout: 3600,
  max_edges: 100_000,
  max_nodes: 50_000,
  max_flows: 262_144,
  backlog: 64,
  backlog_bytes: 64 * 1024 * 1024,
  timeout: 10,
  retry_initial: 1,
  retry_max: 60,
};

const seconds = (value: number, minimum: number): JsonSchema => ({ type: 'number', minimum, default: value });
const count = (value: number): JsonSchema => ({ type: 'integer', minimum: 1, default: value });

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', pattern: '^https?://[^\\s]+$' },
    token: { type: 'string', minLength: 1 },
    agent_id: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[^/\\s]+$' },
    // Sub-second intervals exist for tests; a fleet uses tens of seconds.
    interval: seconds(DEFAULT_CONFIG.interval, 0.01),
    idle_timeout: seconds(DEFAULT_CONFIG.idle_timeout, 1),
    max_edges: count(DEFAULT_CONFIG.max_edges),
    max_nodes: count(DEFAULT_CONFIG.max_nodes),
    max_flows: count(DEFAULT_CONFIG.max_flows),
    backlog: count(DEFAULT_CONFIG.backlog),
    backlog_bytes: { type: 'integer', minimum: 1024, default: DEFAULT_CONFIG.backlog_bytes },
    timeout: seconds(DEFAULT_CONFIG.timeout, 0.01),
    retry_initial: seconds(DEFAULT_CONFIG.retry_initial, 0.001),
    retry_max: seconds(DEFAULT_CONFIG.retry_max, 0.001),
  },
};

/** Fills in defaults for keys left out (the loader applies the schema's; direct create() calls do not). */
export function withDefaults(config: Partial<ServiceGraphConfig> & { url: string }): ServiceGraphConfig {
  const out = { ...DEFAULT_CONFIG, ...config } as ServiceGraphConfig;
  for (const key of Object.keys(out) as Array<keyof ServiceGraphConfig>)
    if (out[key] === undefined) delete out[key];
  return out;
}
