import { InputError } from '@glia/core';
import type { GraphFilter } from '@glia/service-graph';

export type GraphFormat = 'json' | 'dot' | 'mermaid';

export interface GraphQuery {
  filter: GraphFilter;
  format: GraphFormat;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A time parameter: RFC 3339 (`2024-05-01T12:00:00Z`), milliseconds since the epoch, or a
 * duration before now (`-15m`, `-2h`, `-7d`, `-30s`).
 */
export function parseTime(value: string, name: string, now: number): number {
  const relative = /^-(\d+(?:\.\d+)?)([smhd])$/.exec(value);
  if (relative !== null) return now - Number(relative[1]) * UNITS[relative[2]];
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(ms)) return ms;
  throw new InputError(
    `${name}=${value}: expected RFC 3339 time, milliseconds since the epoch, or -<n>s|m|h|d`,
  );
}

/**
 * GET /v1/graph's parameters: namespace and workload (repeatable, or comma-separated), from and
 * to, and format (json, dot, mermaid; default json). Unknown parameters are an error, so a typo
 * does not silently return the whole graph.
 */
export function parseGraphQuery(params: URLSearchParams, now: number): GraphQuery {
  const filter: GraphFilter = {};
  let format: GraphFormat = 'json';
  for (const key of new Set(params.keys())) {
    const values = params
      .getAll(key)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    switch (key) {
      case 'namespace':
        filter.namespaces = values;
        break;
      case 'workload':
        filter.workloads = values;
        break;
      case 'from':
      case 'to':
        if (values.length !== 1) throw new InputError(`${key}: give one time`);
        filter[key] = parseTime(values[0], key, now);
        break;
      case 'format':
        if (values.length !== 1 || !['json', 'dot', 'mermaid'].includes(values[0]))
          throw new InputError(`format=${params.get('format')}: expected json, dot or mermaid`);
        format = values[0] as GraphFormat;
        break;
      case 'access_token':
        break;
      default:
        throw new InputError(
          `unknown parameter ${JSON.stringify(key)} (known: namespace, workload, from, to, format)`,
        );
    }
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to)
    throw new InputError('from is after to');
  return { filter, format };
}
