import type { JsonSchema, MemoryBudget } from '@glia/core';
import { resolve } from 'node:path';
import { ACTIVE_DEFAULTS, checkActiveConfig, type ActiveConfig } from './active/active-prober.js';
import { ServiceDatabase } from './match/service-database.js';

export interface ServicesConfig {
  /** nmap-service-probes, read at start (never bundled with glia). */
  probes: string;
  /** Nodes (IPs) whose port → service map is kept; least recently seen forgotten first. */
  max_nodes: number;
  /** Connections whose client request waits for the server's reply (LRU). */
  max_pending: number;
  /** Time one pattern may run on one response before it counts as no match. */
  match_budget_ms: number;
  /** The optional active prober (off by default). */
  active: ActiveConfig;
}

export const SERVICES_DEFAULTS: Readonly<ServicesConfig> = {
  probes: '/usr/share/nmap/nmap-service-probes',
  max_nodes: 65536,
  max_pending: 65536,
  match_budget_ms: 20,
  active: ACTIVE_DEFAULTS,
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
      description:
        'nodes (IPs) whose detected services are kept, least recently seen forgotten first (default: from limits.memory_mb)',
    },
    max_pending: {
      type: 'integer',
      minimum: 1,
      maximum: 16777216,
      description:
        "connections whose client request waits for the server's reply, oldest dropped first (default: from limits.memory_mb)",
    },
    match_budget_ms: {
      type: 'integer',
      minimum: 1,
      maximum: 10000,
      default: SERVICES_DEFAULTS.match_budget_ms,
      description: 'milliseconds one pattern may run on one response before it counts as no match',
    },
    active: {
      type: 'object',
      additionalProperties: false,
      description: 'optional active prober: sends nmap probes to server ports whose banner was never seen',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'probe at all (off by default)' },
        cidrs: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          default: [],
          description: 'server addresses that may be probed; nothing else ever is',
        },
        ports: {
          type: 'string',
          default: '',
          description: 'server ports that may be probed, e.g. "22,80,8000-8100"',
        },
        rate_per_second: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1000,
          default: 2,
          description: 'probe connections per second at most',
        },
        max_concurrent: {
          type: 'integer',
          minimum: 1,
          maximum: 256,
          default: 2,
          description: 'targets probed at once',
        },
        after_seconds: {
          type: 'integer',
          minimum: 0,
          default: 300,
          description: 'seconds a server port is seen without a banner before it is probed',
        },
        retry_seconds: {
          type: 'integer',
          minimum: 1,
          default: 3600,
          description: 'seconds before a probed port is probed again',
        },
        intensity: {
          type: 'integer',
          minimum: 0,
          maximum: 9,
          default: 7,
          description: "nmap's --version-intensity",
        },
        tls: {
          type: 'boolean',
          default: false,
          description: "probe nmap's sslports through TLS (else they are left out)",
        },
        connect_timeout_ms: {
          type: 'integer',
          minimum: 1,
          maximum: 60000,
          default: 3000,
          description: 'connect timeout per probe',
        },
        max_wait_ms: {
          type: 'integer',
          minimum: 1,
          maximum: 300000,
          default: 5000,
          description: "cap on a probe's wait for its reply",
        },
        target_timeout_ms: {
          type: 'integer',
          minimum: 1,
          maximum: 3600000,
          default: 60000,
          description: 'cap on all probes of one target',
        },
        max_queue: {
          type: 'integer',
          minimum: 1,
          maximum: 1048576,
          default: 1024,
          description: 'targets waiting; more are dropped and counted',
        },
      },
    },
  },
};

/**
 * Heap cost, rounded up, of a node with a few detected ports, and of a pending connection (its
 * key and the client request it holds: a banner of at most 256 bytes). The services share of
 * `limits.memory_mb` is split evenly between the two.
 */
export const BYTES_PER_NODE = 1024;
export const BYTES_PER_PENDING = 512;

/**
 * The config with defaults filled in (ajv has validated it when it came through the loader):
 * without max_nodes / max_pending, what the services share of the memory budget holds
 * (SERVICES_DEFAULTS' without a budget).
 */
export function resolveServicesConfig(
  config: (Partial<Omit<ServicesConfig, 'active'>> & { active?: Partial<ActiveConfig> }) | undefined,
  memory?: MemoryBudget,
): ServicesConfig {
  const budgeted =
    memory === undefined
      ? {}
      : {
          max_nodes: memory.entriesFor('services', BYTES_PER_NODE, 0.5),
          max_pending: memory.entriesFor('services', BYTES_PER_PENDING, 0.5),
        };
  return { ...SERVICES_DEFAULTS, ...budgeted, ...config, active: { ...ACTIVE_DEFAULTS, ...config?.active } };
}

/**
 * `glia config check`: the probes file can be read and every line of it used, and the active
 * prober's addresses and ports parse. Each problem is one message (at most 5 lines of the file).
 */
export async function checkServicesConfig(
  config: Parameters<typeof resolveServicesConfig>[0],
  baseDir: string,
): Promise<string[]> {
  const resolved = resolveServicesConfig(config);
  const problems: string[] = [];
  if (resolved.active.enabled) {
    try {
      checkActiveConfig(resolved.active);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  const path = resolve(baseDir, resolved.probes);
  let db: ServiceDatabase;
  try {
    db = await ServiceDatabase.load(path);
  } catch (error) {
    problems.push(`probes: ${error instanceof Error ? error.message : String(error)}`);
    return problems;
  }
  const bad = [...db.stats.errors, ...db.stats.unsupported].sort((a, b) => a.line - b.line);
  for (const b of bad.slice(0, 5)) problems.push(`probes: ${path}:${b.line}: ${b.message}`);
  if (bad.length > 5) problems.push(`probes: ${bad.length - 5} more lines of ${path} cannot be used`);
  return problems;
}
