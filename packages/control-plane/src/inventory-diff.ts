import { identityRecordData, sameIdentity, type InventoryEntry } from '@glia/enricher-identity';

/** The upserts and removes that turn one inventory into the next (the JSON of an identity delta). */
export function diffInventory(
  before: ReadonlyMap<string, InventoryEntry>,
  after: ReadonlyMap<string, InventoryEntry>,
): { upserts: Array<Record<string, unknown> & { ip: string }>; removes: string[] } {
  const upserts: Array<Record<string, unknown> & { ip: string }> = [];
  const removes: string[] = [];
  for (const [key, entry] of after) {
    const old = before.get(key);
    if (old === undefined || !sameIdentity(old.record, entry.record))
      upserts.push({ ip: key, ...identityRecordData(entry.record) });
  }
  for (const key of before.keys()) if (!after.has(key)) removes.push(key);
  return { upserts, removes };
}

/** The lines added and removed between two sets of canonical edge lines. */
export function diffLines(
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
): { added: string[]; removed: string[] } {
  return {
    added: [...after].filter((l) => !before.has(l)).sort(),
    removed: [...before].filter((l) => !after.has(l)).sort(),
  };
}
