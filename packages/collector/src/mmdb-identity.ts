import { readFileSync, statSync } from 'node:fs';
import { Reader, type Response } from 'mmdb-lib';

/** mmdb-lib types its records as MaxMind's own products; ours are plain maps. */
type AnyRecord = Response & Record<string, unknown>;
import { errorMessage, InputError } from '@glia/core';
import type { Identity } from '@glia/service-graph';

/** The record of one address in the identity baseline (DESIGN §7 keys); any may be missing. */
interface IdentityRecord {
  workload?: unknown;
  namespace?: unknown;
  app?: unknown;
  internet_exposed?: unknown;
  control_plane?: unknown;
  labels?: unknown;
}

/** How often (ms) the file's modification time is checked for a new baseline. */
const RECHECK_MS = 5000;

/**
 * The identity baseline, an MMDB file read with mmdb-lib. A changed file (new mtime or size) is
 * read again at the next lookup after a few seconds; a file that cannot be read keeps the last good
 * baseline and says why in `problem`.
 */
export class MmdbIdentity {
  private reader: Reader<AnyRecord> | null = null;
  private stamp = '';
  private checkedAt = 0;
  /** Why the last reload failed; null while the file reads fine. */
  problem: string | null = null;
  loads = 0;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the file; throws an InputError when it is missing or not an MMDB. */
  load(): void {
    this.reload(true);
  }

  lookup = (ip: string): Identity | undefined => {
    if (this.now() - this.checkedAt >= RECHECK_MS) this.reload(false);
    let record: IdentityRecord | null;
    try {
      record = (this.reader?.get(ip) as IdentityRecord | null | undefined) ?? null;
    } catch {
      return undefined; // not an address mmdb-lib can parse
    }
    return record === null ? undefined : identityOf(record);
  };

  private reload(strict: boolean): void {
    this.checkedAt = this.now();
    try {
      const s = statSync(this.path);
      const stamp = `${s.mtimeMs}:${s.size}`;
      if (stamp === this.stamp) return;
      this.reader = new Reader<AnyRecord>(readFileSync(this.path));
      this.stamp = stamp;
      this.loads++;
      this.problem = null;
    } catch (error) {
      this.problem = `identity baseline ${this.path}: ${errorMessage(error)}`;
      if (strict) throw new InputError(this.problem);
    }
  }
}

/** The identity of a record: strings kept, 0/1 and booleans as booleans, labels as a string map. */
export function identityOf(r: IdentityRecord): Identity {
  const identity: Identity = {};
  if (typeof r.workload === 'string') identity.workload = r.workload;
  if (typeof r.namespace === 'string') identity.namespace = r.namespace;
  if (typeof r.app === 'string') identity.app = r.app;
  const flag = (v: unknown): boolean | undefined =>
    typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : undefined;
  const exposed = flag(r.internet_exposed);
  if (exposed !== undefined) identity.internet_exposed = exposed;
  const control = flag(r.control_plane);
  if (control !== undefined) identity.control_plane = control;
  if (typeof r.labels === 'object' && r.labels !== null && !Array.isArray(r.labels)) {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.labels)) if (typeof v === 'string') labels[k] = v;
    identity.labels = labels;
  }
  return identity;
}
