import type { JsonSchema } from '@glia/core';

export interface EnforcementConfig {
  /** Seconds a drop stays installed unless its rule sets `ttl`. */
  ttl?: number;
  /** Bans held at once; a drop beyond that is refused (audited). */
  max_edges?: number;
  /** Where the install/remove audit records go: stdout, stderr or a file path. */
  audit?: string;
  /** Milliseconds between sweeps of expired bans. */
  sweep_interval_ms?: number;
}

export const DEFAULTS = { ttl: 600, max_edges: 65536, audit: 'stdout', sweep_interval_ms: 1000 } as const;

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ttl: {
      description: 'Seconds a drop stays installed unless its rule sets ttl',
      type: 'integer',
      minimum: 1,
      default: DEFAULTS.ttl,
    },
    max_edges: {
      description: 'Bans held at once (the kernel map holds 65536)',
      type: 'integer',
      minimum: 1,
      maximum: 65536,
      default: DEFAULTS.max_edges,
    },
    audit: {
      description: 'Where install/remove audit records go: stdout, stderr or a file path',
      type: 'string',
      minLength: 1,
      default: DEFAULTS.audit,
    },
    sweep_interval_ms: {
      description: 'Milliseconds between sweeps of expired bans',
      type: 'integer',
      minimum: 50,
      default: DEFAULTS.sweep_interval_ms,
    },
  },
};
