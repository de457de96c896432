import type { JsonSchema, MemoryBudget } from '@glia/core';

/** The `fqdn` enricher's config entry (DESIGN §8), after defaults. */
export interface FqdnConfig {
  /** Addresses kept in the store. */
  max_entries: number;
  /** Names kept per address. */
  max_names_per_ip: number;
  /** Seconds; shorter record TTLs are raised to this. */
  min_ttl: number;
  /** Seconds; longer record TTLs are lowered to this. */
  max_ttl: number;
}

export const FQDN_DEFAULTS: Readonly<FqdnConfig> = {
  max_entries: 100_000,
  max_names_per_ip: 16,
  min_ttl: 60,
  max_ttl: 86_400,
};

export const fqdnConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_entries: {
      type: 'integer',
      minimum: 1,
      description:
        'IP addresses kept; the least recently used goes first (default: what the fqdn share of limits.memory_mb holds)',
    },
    max_names_per_ip: {
      type: 'integer',
      minimum: 1,
      default: FQDN_DEFAULTS.max_names_per_ip,
      description: 'names kept per IP address; the least recently resolved goes first',
    },
    min_ttl: {
      type: 'integer',
      minimum: 0,
      default: FQDN_DEFAULTS.min_ttl,
      description: 'seconds; record TTLs below this are raised to it',
    },
    max_ttl: {
      type: 'integer',
      minimum: 0,
      default: FQDN_DEFAULTS.max_ttl,
      description: 'seconds; record TTLs above this are lowered to it',
    },
  },
};

/** Heap cost of one address with a few names (bench/memory/entry-cost.mjs: 284 B with one name). */
export const BYTES_PER_ADDRESS = 512;

/**
 * Fills defaults (create() may be called without the agent's schema validation, e.g. in tests) and
 * checks what the schema cannot: min_ttl must not exceed max_ttl. Without max_entries, the store
 * holds what the fqdn share of the memory budget does (FQDN_DEFAULTS' without a budget).
 */
export function resolveFqdnConfig(config: Partial<FqdnConfig>, memory?: MemoryBudget): FqdnConfig {
  const budgeted = memory === undefined ? {} : { max_entries: memory.entriesFor('fqdn', BYTES_PER_ADDRESS) };
  const resolved: FqdnConfig = { ...FQDN_DEFAULTS, ...budgeted, ...config };
  for (const key of Object.keys(FQDN_DEFAULTS) as Array<keyof FqdnConfig>) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < (key === 'min_ttl' || key === 'max_ttl' ? 0 : 1)) {
      throw new RangeError(
        `fqdn: ${key} must be an integer ${key.endsWith('ttl') ? '>= 0' : '>= 1'}, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (resolved.min_ttl > resolved.max_ttl) {
    throw new RangeError(
      `fqdn: min_ttl (${resolved.min_ttl}) is greater than max_ttl (${resolved.max_ttl}); lower min_ttl or raise max_ttl`,
    );
  }
  return resolved;
}
