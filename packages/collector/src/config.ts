import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  createAjv,
  DEFAULT_HOME_NET,
  errorMessage,
  formatPath,
  InputError,
  substituteEnv,
  type Environment,
  type JsonSchema,
} from '@glia/core';

export type StoreConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; pool: number };

/** The collector's config (a YAML or JSON file, `glia collector -c FILE`), defaults applied. */
export interface CollectorConfig {
  /** HOST:PORT to listen on (IPv6 hosts in brackets: [::1]:8080). */
  listen: string;
  /** Bearer token agents upload with. */
  token: string;
  /** Bearer token (or ?access_token=) the graph API and web page need; absent: reading is open. */
  read_token?: string;
  store: StoreConfig;
  /** The identity baseline (DESIGN §7): addresses it knows become workloads. */
  identity?: { mmdb: string };
  /** Addresses inside these nets are fleet hosts (`host/<ip>`); outside ones are named by DNS. */
  network: { home_net: string[]; pod_nets: string[] };
  /** Seconds an agent's edge or node is kept after the agent last reported it. */
  retention: number;
  /** Largest upload accepted, compressed and decompressed (bytes). */
  max_body_bytes: number;
  max_json_bytes: number;
  /** Uploads read, parsed and stored at once; more wait their turn (memory is bounded by it). */
  max_concurrent_uploads: number;
  /** GET /v1/graph refuses (413) a merged graph with more edges than this (memory is bounded by it). */
  max_graph_edges: number;
}

export const DEFAULT_COLLECTOR_CONFIG = {
  listen: '127.0.0.1:8080',
  store: { type: 'sqlite', path: 'glia-graph.db' } as StoreConfig,
  network: { home_net: DEFAULT_HOME_NET, pod_nets: [] as string[] },
  retention: 7 * 86_400,
  max_body_bytes: 32 * 1024 * 1024,
  max_json_bytes: 256 * 1024 * 1024,
  max_concurrent_uploads: 8,
  max_graph_edges: 1_000_000,
};

const cidrs = { type: 'array', items: { type: 'string', format: 'cidr' } } as const;

export const collectorSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: {
    listen: { type: 'string', pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^:\\s]+):\\d{1,5}$' },
    token: { type: 'string', minLength: 8 },
    read_token: { type: 'string', minLength: 8 },
    store: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'path'],
          properties: { type: { const: 'sqlite' }, path: { type: 'string', minLength: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'url'],
          properties: {
            type: { const: 'postgres' },
            url: { type: 'string', pattern: '^postgres(ql)?://' },
            pool: { type: 'integer', minimum: 1, maximum: 100, default: 4 },
          },
        },
      ],
    },
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['mmdb'],
      properties: { mmdb: { type: 'string', minLength: 1 } },
    },
    network: {
      type: 'object',
      additionalProperties: false,
      properties: { home_net: cidrs, pod_nets: cidrs },
    },
    retention: { type: 'number', minimum: 60 },
    max_body_bytes: { type: 'integer', minimum: 1024 },
    max_json_bytes: { type: 'integer', minimum: 1024 },
    max_concurrent_uploads: { type: 'integer', minimum: 1, maximum: 1024 },
    max_graph_edges: { type: 'integer', minimum: 1 },
  },
};

const validate = createAjv().compile(collectorSchema);

/**
 * Checks a collector config (already parsed), substitutes `${NAME}` references in string values,
 * resolves relative paths against `baseDir`, and applies defaults. Every problem is reported with
 * its path in one InputError.
 */
export function collectorConfig(
  raw: unknown,
  where: string,
  baseDir: string,
  env: Environment = process.env,
): CollectorConfig {
  const problems: string[] = [];
  const data = substitute(raw ?? {}, [], env, (path, message) =>
    problems.push(`${where}: ${formatPath(path)}: ${message}`),
  );
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'oneOf' || e.keyword === 'const') continue;
      const path = e.instancePath.split('/').slice(1);
      problems.push(`${where}: ${formatPath(path)}: ${e.message ?? 'is invalid'}`);
    }
    if (problems.length === 0)
      problems.push(`${where}: store: must be {type: sqlite, path} or {type: postgres, url}`);
  }
  if (problems.length > 0)
    throw new InputError(`${where}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, problems);
  const c = data as Partial<CollectorConfig> & { token: string };
  const store = c.store ?? DEFAULT_COLLECTOR_CONFIG.store;
  const config: CollectorConfig = {
    listen: c.listen ?? DEFAULT_COLLECTOR_CONFIG.listen,
    token: c.token,
    store:
      store.type === 'sqlite'
        ? { type: 'sqlite', path: absolute(store.path, baseDir) }
        : { ...store, pool: store.pool ?? 4 },
    network: {
      home_net: c.network?.home_net ?? DEFAULT_COLLECTOR_CONFIG.network.home_net,
      pod_nets: c.network?.pod_nets ?? [],
    },
    retention: c.retention ?? DEFAULT_COLLECTOR_CONFIG.retention,
    max_body_bytes: c.max_body_bytes ?? DEFAULT_COLLECTOR_CONFIG.max_body_bytes,
    max_json_bytes: c.max_json_bytes ?? DEFAULT_COLLECTOR_CONFIG.max_json_bytes,
    max_concurrent_uploads: c.max_concurrent_uploads ?? DEFAULT_COLLECTOR_CONFIG.max_concurrent_uploads,
    max_graph_edges: c.max_graph_edges ?? DEFAULT_COLLECTOR_CONFIG.max_graph_edges,
  };
  if (c.read_token !== undefined) config.read_token = c.read_token;
  if (c.identity !== undefined) config.identity = { mmdb: absolute(c.identity.mmdb, baseDir) };
  return config;
}

/** Reads a YAML or JSON collector config file. */
export async function loadCollectorConfig(
  file: string,
  env: Environment = process.env,
): Promise<CollectorConfig> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: cannot read collector config: ${errorMessage(error)}`);
  }
  return collectorConfig(raw, file, dirname(resolve(file)), env);
}

function substitute(
  value: unknown,
  path: Array<string | number>,
  env: Environment,
  report: (path: Array<string | number>, message: string) => void,
): unknown {
  if (typeof value === 'string') {
    const s = substituteEnv(value, env);
    for (const p of s.problems) report(path, p);
    return s.whole && /^\d+$/.test(s.value) ? Number(s.value) : s.value;
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, [...path, i], env, report));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, [...path, k], env, report)]),
    );
  return value;
}

function absolute(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Splits HOST:PORT ([v6]:PORT too). */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !(port >= 0 && port <= 65535))
    throw new InputError(`--listen ${listen}: expected HOST:PORT (e.g. 0.0.0.0:8080 or [::1]:8080)`);
  return { host: m[1] ?? m[2], port };
}
