/**
 * What identity knows about one address (DESIGN §7): the record keys of the baseline MMDB, the
 * fields of a delta's upsert and of an inventory entry.
 */
export interface IdentityRecord {
  namespace: string;
  workload: string;
  app?: string;
  labels: ReadonlyMap<string, string>;
  internet_exposed: boolean;
  control_plane: boolean;
}

/** The namespace and workload of an address nobody declared: `host/<ip>` (DESIGN §7). */
export const UNKNOWN_NAMESPACE = 'host';

const KEYS: ReadonlySet<string> = new Set([
  'namespace',
  'workload',
  'app',
  'labels',
  'internet_exposed',
  'control_plane',
]);

/**
 * Reads a record from decoded data (an MMDB record, a delta upsert, an inventory entry), or says
 * what is wrong with it. Flags may be booleans or 0/1 (writers differ); unknown keys are left for
 * `extraKeys` to judge, since MMDB writers may add their own.
 */
export function readIdentityRecord(
  value: unknown,
  extraKeys: ReadonlySet<string> = new Set(),
): { record: IdentityRecord } | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'expected a map with namespace and workload' };
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!KEYS.has(key) && !extraKeys.has(key))
      return { problem: `unknown key ${JSON.stringify(key)}; a record has ${[...KEYS].join(', ')}` };
  }
  for (const key of ['namespace', 'workload'] as const) {
    if (typeof v[key] !== 'string' || v[key] === '')
      return { problem: `"${key}" must be a non-empty string` };
    if ((v[key] as string).includes('/'))
      return { problem: `"${key}" must not contain "/" (it names ${key}/... in declared edges)` };
  }
  if (v.app !== undefined && typeof v.app !== 'string') return { problem: '"app" must be a string' };
  const labels = new Map<string, string>();
  if (v.labels !== undefined) {
    if (typeof v.labels !== 'object' || v.labels === null || Array.isArray(v.labels))
      return { problem: '"labels" must be a map of strings' };
    for (const [k, l] of Object.entries(v.labels as Record<string, unknown>)) {
      if (typeof l !== 'string') return { problem: `labels.${k} must be a string` };
      labels.set(k, l);
    }
  }
  const flags: Partial<Record<'internet_exposed' | 'control_plane', boolean>> = {};
  for (const key of ['internet_exposed', 'control_plane'] as const) {
    const f = v[key];
    if (f === undefined || f === false || f === 0) flags[key] = false;
    else if (f === true || f === 1) flags[key] = true;
    else return { problem: `"${key}" must be true, false, 0 or 1` };
  }
  const record: IdentityRecord = {
    namespace: v.namespace as string,
    workload: v.workload as string,
    labels,
    internet_exposed: flags.internet_exposed as boolean,
    control_plane: flags.control_plane as boolean,
  };
  if (typeof v.app === 'string' && v.app !== '') record.app = v.app;
  return { record };
}

/** The plain object an MMDB record or a delta upsert carries (labels as an object). */
export function identityRecordData(record: IdentityRecord): Record<string, unknown> {
  const data: Record<string, unknown> = {
    namespace: record.namespace,
    workload: record.workload,
    labels: Object.fromEntries(record.labels),
    internet_exposed: record.internet_exposed,
    control_plane: record.control_plane,
  };
  if (record.app !== undefined) data.app = record.app;
  return data;
}

export function sameIdentity(a: IdentityRecord, b: IdentityRecord): boolean {
  if (
    a.namespace !== b.namespace ||
    a.workload !== b.workload ||
    a.app !== b.app ||
    a.internet_exposed !== b.internet_exposed ||
    a.control_plane !== b.control_plane ||
    a.labels.size !== b.labels.size
  )
    return false;
  for (const [k, v] of a.labels) if (b.labels.get(k) !== v) return false;
  return true;
}
