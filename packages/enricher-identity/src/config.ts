import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { JsonSchema, MemoryBudget } from '@glia/core';

/** The `identity` enricher's config entry (DESIGN §8) as written. */
export interface IdentityConfig {
  /** Baseline MMDB: a file path or an http(s) URL. Default with `stream`: the control plane's /v1/baseline. */
  mmdb?: string;
  /** Declared edges: a file path or an http(s) URL. Default with `stream`: the control plane's /v1/edges. */
  edges?: string;
  /** The control plane's Server-Sent Events URL (identity-delta, policy-edges-delta, rules). */
  stream?: string;
  /** Bearer token for the control plane. */
  token?: string;
  /** File holding the bearer token (read at start), instead of `token`. */
  token_file?: string;
  /** PEM file of the CA that signs the control plane's certificate. */
  ca?: string;
  /** Reload file sources when they change. */
  watch: boolean;
  /** Apply rules the control plane pushes (through the same compile-then-swap path as a rules-file reload). */
  accept_rules: boolean;
  cache_size: number;
  edge_cache_size: number;
  max_overlay: number;
  reconnect_initial_ms: number;
  reconnect_max_ms: number;
}

export const IDENTITY_DEFAULTS = {
  watch: true,
  accept_rules: true,
  cache_size: 65_536,
  edge_cache_size: 65_536,
  max_overlay: 1_000_000,
  reconnect_initial_ms: 500,
  reconnect_max_ms: 30_000,
} as const;

/**
 * Heap cost of a cached address (its LRU node and key; records are shared with the baseline's
 * decoded data) and of a cached edge (two identities and its declaration), rounded up. The
 * identity share of `limits.memory_mb` is split evenly between the two caches; the overlay holds
 * what the control plane sends, up to max_overlay, then resynchronizes.
 */
export const BYTES_PER_CACHED_ADDRESS = 400;
export const BYTES_PER_CACHED_EDGE = 800;

/** The two caches' sizes: the config's, else what the identity share of the budget holds. */
export function cacheSizes(
  config: Partial<IdentityConfig>,
  memory?: MemoryBudget,
): { cache_size: number; edge_cache_size: number } {
  return {
    cache_size:
      config.cache_size ??
      memory?.entriesFor('identity', BYTES_PER_CACHED_ADDRESS, 0.5) ??
      IDENTITY_DEFAULTS.cache_size,
    edge_cache_size:
      config.edge_cache_size ??
      memory?.entriesFor('identity', BYTES_PER_CACHED_EDGE, 0.5) ??
      IDENTITY_DEFAULTS.edge_cache_size,
  };
}

const count = (description: string, fallback: number, minimum = 1): JsonSchema => ({
  type: 'integer',
  minimum,
  default: fallback,
  description,
});

export const identityConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mmdb: { type: 'string', minLength: 1, description: 'baseline MMDB: a file path or an http(s) URL' },
    edges: { type: 'string', minLength: 1, description: 'declared edges: a file path or an http(s) URL' },
    stream: { type: 'string', pattern: '^https?://', description: "the control plane's SSE URL" },
    token: { type: 'string', minLength: 1, description: 'bearer token for the control plane' },
    token_file: { type: 'string', minLength: 1, description: 'file holding the bearer token' },
    ca: { type: 'string', minLength: 1, description: "PEM file of the control plane's CA" },
    watch: {
      type: 'boolean',
      default: IDENTITY_DEFAULTS.watch,
      description: 'reload file sources on change',
    },
    accept_rules: {
      type: 'boolean',
      default: IDENTITY_DEFAULTS.accept_rules,
      description: 'apply rule sets the control plane pushes',
    },
    // The caches' sizes default to what the identity share of limits.memory_mb holds.
    cache_size: { type: 'integer', minimum: 1, description: 'addresses whose identity is cached' },
    edge_cache_size: {
      type: 'integer',
      minimum: 1,
      description: 'edges whose identities and declaration are cached',
    },
    max_overlay: count('delta entries held over the baseline before a resync', IDENTITY_DEFAULTS.max_overlay),
    reconnect_initial_ms: count('first reconnect delay', IDENTITY_DEFAULTS.reconnect_initial_ms),
    reconnect_max_ms: count('longest reconnect delay', IDENTITY_DEFAULTS.reconnect_max_ms),
  },
  anyOf: [{ required: ['mmdb'] }, { required: ['stream'] }],
};

/** Where a document comes from: a file, or a URL. */
export type DocumentLocation = { file: string } | { url: URL };

/** The config with defaults, sources resolved (relative paths against baseDir) and the token read. */
export interface ResolvedIdentityConfig extends Omit<
  IdentityConfig,
  'mmdb' | 'edges' | 'stream' | 'ca' | 'token_file'
> {
  baseline: DocumentLocation;
  edgesSource: DocumentLocation | null;
  stream: URL | null;
  ca?: Buffer;
}

export class IdentityConfigError extends Error {}

function locate(text: string, baseDir: string, key: string): DocumentLocation {
  if (/^https?:\/\//.test(text)) {
    try {
      return { url: new URL(text) };
    } catch {
      throw new IdentityConfigError(`identity: ${key}: ${JSON.stringify(text)} is not a URL`);
    }
  }
  return { file: isAbsolute(text) ? text : resolve(baseDir, text) };
}

function readSecret(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new IdentityConfigError(`identity: ${key}: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Fills defaults and resolves sources. With `stream` and no `mmdb`/`edges`, both come from the
 * control plane (its /v1/baseline and /v1/edges next to the stream URL). Reads token_file and ca,
 * so call it from start(), not create().
 */
export function resolveIdentityConfig(
  config: Partial<IdentityConfig>,
  baseDir: string,
  memory?: MemoryBudget,
): ResolvedIdentityConfig {
  const c = { ...IDENTITY_DEFAULTS, ...config, ...cacheSizes(config, memory) };
  if (c.mmdb === undefined && c.stream === undefined)
    throw new IdentityConfigError(
      'identity: give "mmdb" (a file or URL), "stream" (the control plane), or both',
    );
  if (c.token !== undefined && c.token_file !== undefined)
    throw new IdentityConfigError('identity: give "token" or "token_file", not both');
  const stream = c.stream === undefined ? null : (locate(c.stream, baseDir, 'stream') as { url: URL }).url;
  const beside = (path: string): string => (stream === null ? '' : new URL(path, stream).href);
  const resolved: ResolvedIdentityConfig = {
    watch: c.watch,
    accept_rules: c.accept_rules,
    cache_size: c.cache_size,
    edge_cache_size: c.edge_cache_size,
    max_overlay: c.max_overlay,
    reconnect_initial_ms: c.reconnect_initial_ms,
    reconnect_max_ms: c.reconnect_max_ms,
    baseline: locate(c.mmdb ?? beside('baseline'), baseDir, 'mmdb'),
    edgesSource:
      c.edges !== undefined
        ? locate(c.edges, baseDir, 'edges')
        : stream === null
          ? null
          : locate(beside('edges'), baseDir, 'edges'),
    stream,
  };
  if (c.token !== undefined) resolved.token = c.token;
  if (c.token_file !== undefined)
    resolved.token = readSecret(
      isAbsolute(c.token_file) ? c.token_file : resolve(baseDir, c.token_file),
      'token_file',
    )
      .toString('utf8')
      .trim();
  if (c.ca !== undefined) resolved.ca = readSecret(isAbsolute(c.ca) ? c.ca : resolve(baseDir, c.ca), 'ca');
  return resolved;
}
