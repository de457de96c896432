import type { SequencedDelta } from './delta-sequence.js';

/**
 * Reads the fields every delta shares: `epoch` (a string or number, compared as text), `seq` (a
 * non-negative integer) and an optional `head`. Problems name the field.
 */
export function readDeltaHeader(value: unknown): { header: SequencedDelta } | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'a delta must be a JSON object with epoch and seq' };
  const v = value as Record<string, unknown>;
  if (
    !(typeof v.epoch === 'string' && v.epoch !== '') &&
    !(typeof v.epoch === 'number' && Number.isFinite(v.epoch))
  )
    return { problem: 'epoch: must be a non-empty string or a number' };
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0)
    return { problem: 'seq: must be a non-negative integer' };
  if (v.head !== undefined && typeof v.head !== 'boolean') return { problem: 'head: must be true or false' };
  const header: SequencedDelta = { epoch: String(v.epoch), seq: v.seq };
  if (v.head === true) header.head = true;
  return { header };
}
