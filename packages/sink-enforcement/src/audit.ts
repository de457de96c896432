import { rfc3339Nanos } from '@glia/sink-blocklog';
import type { BannedEdge } from '@glia/core';

/**
 * What happened to a ban: installed in the kernel (or refreshed), recorded as a would-drop for
 * want of a kernel backend, refused by the never-ban guard or a full table, or removed.
 */
export type EnforcementAction = 'Install' | 'WouldInstall' | 'Refused' | 'Remove';

/** One audit line of the enforcement sink; the same time and edge keys as the block log's. */
export interface EnforcementRecord {
  time: string;
  ts: string;
  agent: string;
  action: EnforcementAction;
  rule_ids: string[];
  edge: { client: string; server: string; server_port: number; proto: 'tcp' | 'udp' };
  /** Seconds the ban lasts (Install, WouldInstall). */
  ttl?: number;
  /** When it ends (Install, WouldInstall). */
  expires?: string;
  /** Remove: expired | unban | shutdown; Refused: why; Install: refresh when it extended a ban. */
  reason?: string;
  /** The kernel backends the ban went into (Install, Remove). */
  backends?: string[];
}

export function enforcementRecord(
  action: EnforcementAction,
  edge: BannedEdge,
  at: { nowMs: number; agent: string; ruleIds: readonly string[] },
  extra: { ttlMs?: number; expiresAtMs?: number; reason?: string; backends?: string[] } = {},
): EnforcementRecord {
  const ts = BigInt(Math.round(at.nowMs)) * 1_000_000n;
  const record: EnforcementRecord = {
    time: rfc3339Nanos(ts),
    ts: ts.toString(),
    agent: at.agent,
    action,
    rule_ids: [...at.ruleIds],
    edge: { client: edge.client, server: edge.server, server_port: edge.port, proto: edge.proto },
  };
  if (extra.ttlMs !== undefined) record.ttl = Math.round(extra.ttlMs / 1000);
  if (extra.expiresAtMs !== undefined)
    record.expires = rfc3339Nanos(BigInt(Math.round(extra.expiresAtMs)) * 1_000_000n);
  if (extra.reason !== undefined) record.reason = extra.reason;
  if (extra.backends !== undefined) record.backends = extra.backends;
  return record;
}
