import { canonicalNetwork } from '../inventory/network-text.js';
import { readIdentityRecord, type IdentityRecord } from '../record/identity-record.js';
import { readDeltaHeader } from './delta-header.js';
import type { SequencedDelta } from './delta-sequence.js';

/** A change to identities (DESIGN §7), addresses in canonical text (a network as address/prefix). */
export interface IdentityDelta extends SequencedDelta {
  upserts: Array<{ ip: string; record: IdentityRecord }>;
  removes: string[];
}

/** The JSON an `identity-delta` event carries, as the control plane writes it. */
export interface IdentityDeltaJson {
  epoch: string | number;
  seq: number;
  head?: boolean;
  upserts: Array<Record<string, unknown> & { ip: string }>;
  removes: string[];
}

const MAX_ITEMS = 1_000_000;
const IP_KEY: ReadonlySet<string> = new Set(['ip']);

/**
 * Reads an identity delta, checking every upsert and remove: a bad one rejects the whole delta
 * (applying half of it would leave the overlay in a state no producer ever had).
 */
export function readIdentityDelta(value: unknown): { delta: IdentityDelta } | { problem: string } {
  const head = readDeltaHeader(value);
  if ('problem' in head) return head;
  const v = value as Record<string, unknown>;
  const upserts = v.upserts ?? [];
  const removes = v.removes ?? [];
  if (!Array.isArray(upserts)) return { problem: 'upserts: must be a list' };
  if (!Array.isArray(removes)) return { problem: 'removes: must be a list' };
  if (upserts.length + removes.length > MAX_ITEMS)
    return { problem: `a delta holds at most ${MAX_ITEMS} upserts and removes` };
  const delta: IdentityDelta = { ...head.header, upserts: [], removes: [] };
  for (let i = 0; i < upserts.length; i++) {
    const item = upserts[i] as Record<string, unknown> | null;
    if (typeof item !== 'object' || item === null) return { problem: `upserts[${i}]: must be an object` };
    const ip = item.ip;
    const key = typeof ip === 'string' ? canonicalNetwork(ip) : null;
    if (key === null)
      return { problem: `upserts[${i}].ip: ${JSON.stringify(ip)} is not an address or network` };
    const read = readIdentityRecord(item, IP_KEY);
    if ('problem' in read) return { problem: `upserts[${i}] (${key}): ${read.problem}` };
    delta.upserts.push({ ip: key, record: read.record });
  }
  for (let i = 0; i < removes.length; i++) {
    const key = typeof removes[i] === 'string' ? canonicalNetwork(removes[i] as string) : null;
    if (key === null)
      return { problem: `removes[${i}]: ${JSON.stringify(removes[i])} is not an address or network` };
    delta.removes.push(key);
  }
  return { delta };
}
