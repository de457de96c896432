import { Reader } from 'mmdb-lib';
import type { InventoryEntry } from '../inventory/inventory.js';
import { identityRecordData, readIdentityRecord, type IdentityRecord } from '../record/identity-record.js';
import type { MmdbValue } from './data-encoder.js';
import { MmdbWriter, type MmdbWriterOptions } from './mmdb-writer.js';

/** The database_type of baselines glia writes. Files of any type are read if their records fit. */
export const IDENTITY_DATABASE_TYPE = 'glia-identity';

/** Writes the baseline MMDB of an inventory: one record per entry (DESIGN §7 record keys). */
export function buildIdentityMmdb(
  entries: ReadonlyArray<Pick<InventoryEntry, 'network' | 'record'>>,
  options: Partial<MmdbWriterOptions> = {},
): Buffer {
  const writer = new MmdbWriter({
    databaseType: IDENTITY_DATABASE_TYPE,
    description: 'glia workload identity baseline',
    ...options,
  });
  for (const entry of entries) writer.insert(entry.network, identityRecordData(entry.record) as MmdbValue);
  return writer.toBuffer();
}

export interface BaselineMatch {
  record: IdentityRecord;
  /** Prefix length of the matching network in the file's tree (IPv4 in an IPv6 tree: 96 + n). */
  prefix: number;
}

export class BaselineFormatError extends Error {}

/**
 * A baseline MMDB opened with mmdb-lib. Records are validated as they are read: one that is not
 * an identity (a GeoIP file by mistake, a writer's typo) counts as unknown and is counted.
 */
export class IdentityBaseline {
  private readonly reader: Reader<Record<string, unknown>>;
  /**
   * Decoded records by data offset, for mmdb-lib (which otherwise decodes on every lookup); the
   * identity read from each decoded record is kept beside it, so a repeated record costs a walk of
   * the tree and two hash lookups. Bounded: emptied when full.
   */
  private readonly decoded = new Map<string | number, unknown>();
  private readonly identities = new WeakMap<object, IdentityRecord | string>();
  /** Records found but not identities. */
  badRecords = 0;
  lastProblem: string | null = null;

  constructor(
    buffer: Buffer,
    readonly source: string,
    cacheSize = 100_000,
  ) {
    const decoded = this.decoded;
    const cache = {
      get: (key: string | number): unknown => decoded.get(key),
      set: (key: string | number, value: unknown): void => {
        if (decoded.size >= cacheSize) decoded.clear();
        decoded.set(key, value);
      },
    };
    try {
      this.reader = new Reader<Record<string, unknown>>(buffer, { cache });
    } catch (error) {
      throw new BaselineFormatError(`${source}: not a MaxMind DB file: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** An empty baseline, for before the first one is loaded. */
  static empty(): IdentityBaseline {
    return new IdentityBaseline(buildIdentityMmdb([]), '(empty)');
  }

  get databaseType(): string {
    return this.reader.metadata.databaseType;
  }

  get nodeCount(): number {
    return this.reader.metadata.nodeCount;
  }

  lookup(ip: string): BaselineMatch | null {
    let found: [Record<string, unknown> | null, number];
    try {
      found = this.reader.getWithPrefixLength(ip);
    } catch {
      return null;
    }
    const [data, prefix] = found;
    if (data === null) return null;
    let identity = typeof data === 'object' ? this.identities.get(data) : undefined;
    if (identity === undefined) {
      const read = readIdentityRecord(data, EXTRA_KEYS);
      identity = 'problem' in read ? read.problem : read.record;
      if (typeof data === 'object') this.identities.set(data, identity);
    }
    if (typeof identity === 'string') {
      this.badRecords++;
      this.lastProblem = `${this.source}: record of ${ip}: ${identity}`;
      return null;
    }
    return { record: identity, prefix };
  }
}

/** Keys other writers add to records, read past rather than refused. */
const EXTRA_KEYS: ReadonlySet<string> = new Set();
