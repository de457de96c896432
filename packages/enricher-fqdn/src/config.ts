import type { JsonSchema } from '@glia/core';

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
      default: FQDN_DEFAULTS.max_entries,
      description: 'IP addresses kept; the least recently used goes first',
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

/**
 * Fills defaults (create() may be called without the agent's schema validation, e.g. in tests) and
 * checks what the schema cannot: min_ttl must not exceed max_ttl.
 */
export function resolveFqdnConfig(config: Partial<FqdnConfig>): FqdnConfig {
  const resolved: FqdnConfig = { ...FQDN_DEFAULTS, ...config };
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
