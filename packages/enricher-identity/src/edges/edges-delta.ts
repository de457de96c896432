import { readDeltaHeader } from '../overlay/delta-header.js';
import type { SequencedDelta } from '../overlay/delta-sequence.js';
import { parseEdgeLine, type EdgeLine } from './policy-edges.js';

/** Lines added to and removed from the declared edges (a `policy-edges-delta` event). */
export interface EdgesDelta extends SequencedDelta {
  added: EdgeLine[];
  removed: EdgeLine[];
}

/** Reads `{epoch, seq, head?, added: [line], removed: [line]}`; one bad line rejects the delta. */
export function readEdgesDelta(value: unknown): { delta: EdgesDelta } | { problem: string } {
  const head = readDeltaHeader(value);
  if ('problem' in head) return head;
  const v = value as Record<string, unknown>;
  const delta: EdgesDelta = { ...head.header, added: [], removed: [] };
  for (const key of ['added', 'removed'] as const) {
    const list = v[key] ?? [];
    if (!Array.isArray(list)) return { problem: `${key}: must be a list of lines` };
    for (let i = 0; i < list.length; i++) {
      const text: unknown = list[i];
      if (typeof text !== 'string') return { problem: `${key}[${i}]: must be a line of text` };
      const parsed = parseEdgeLine(text);
      if ('message' in parsed) return { problem: `${key}[${i}]:${parsed.column}: ${parsed.message}` };
      if (parsed.line === null) return { problem: `${key}[${i}]: is blank or a comment` };
      delta[key].push(parsed.line);
    }
  }
  return { delta };
}
