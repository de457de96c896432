import type { FieldValue, ObservationPhase, Verdict } from '@glia/core';

/** What happened to the edge, as the audit trail names it (DESIGN §6). */
export type AuditAction = 'Block' | 'WouldBlock' | 'Notice' | 'Allow';

export interface AuditIdentity {
  namespace?: string;
  workload?: string;
  app?: string;
  labels?: Record<string, string>;
}

export interface AuditEdge {
  client: string;
  server: string;
  server_port: number;
  proto: 'tcp' | 'udp';
  vni?: number;
  phase: ObservationPhase;
}

/** One line of the block log. Key order here is the order on disk. */
export interface AuditRecord {
  time: string;
  /**
   * Set when the packet time lies outside what RFC 3339 can write (years 0000–9999: a capture's
   * absurd if_tsoffset, a clock gone wrong): `time` is then the nearest bound and `ts` the raw value.
   */
  time_clamped?: true;
  ts: string;
  agent: string;
  action: AuditAction;
  rule_ids: string[];
  source?: string;
  edge: AuditEdge;
  src?: AuditIdentity;
  dst?: AuditIdentity;
  fqdn?: string;
  ttl?: number;
}

const IDENTITY_KEYS = ['namespace', 'workload', 'app'] as const;

/** The observation fields a record carries; the sink asks the policy stage to resolve them. */
export const RECORDED_FIELDS: readonly string[] = [
  ...['src', 'dst'].flatMap((side) => [
    ...IDENTITY_KEYS.map((key) => `identity.k8s.${side}_${key}`),
    `identity.k8s.${side}_label`,
  ]),
  'dns.fqdn',
];

export function auditAction(verdict: Pick<Verdict, 'action' | 'enforce'>): AuditAction {
  switch (verdict.action) {
    case 'drop':
      return verdict.enforce ? 'Block' : 'WouldBlock';
    case 'log':
      return 'Notice';
    case 'allow':
      return 'Allow';
  }
}

/** The audit record of one verdict; absent identities, fqdn and ttl are left out, not nulled. */
export function auditRecord(verdict: Verdict, agent: string): AuditRecord {
  const o = verdict.observation;
  const action = auditAction(verdict);
  const edge: AuditEdge = {
    client: o.client,
    server: o.server,
    server_port: o.serverPort,
    proto: o.proto,
    ...(o.vni === undefined ? {} : { vni: o.vni }),
    phase: o.phase,
  };
  const record: AuditRecord = {
    time: rfc3339Nanos(verdict.ts),
    ...(inRfc3339Range(verdict.ts) ? {} : { time_clamped: true as const }),
    ts: verdict.ts.toString(),
    agent,
    action,
    rule_ids: [...verdict.ruleIds],
    ...(verdict.source === undefined ? {} : { source: verdict.source }),
    edge,
  };
  const src = identityOf(o.fields, 'src');
  if (src !== undefined) record.src = src;
  const dst = identityOf(o.fields, 'dst');
  if (dst !== undefined) record.dst = dst;
  const fqdn = o.fields.get('dns.fqdn');
  if (typeof fqdn === 'string') record.fqdn = fqdn;
  // A TTL only means something for a drop that was actually installed.
  if (action === 'Block' && verdict.ttl !== undefined) record.ttl = verdict.ttl;
  return record;
}

function identityOf(
  fields: ReadonlyMap<string, FieldValue | undefined>,
  side: 'src' | 'dst',
): AuditIdentity | undefined {
  const identity: AuditIdentity = {};
  let any = false;
  for (const key of IDENTITY_KEYS) {
    const value = fields.get(`identity.k8s.${side}_${key}`);
    if (typeof value === 'string') {
      identity[key] = value;
      any = true;
    }
  }
  const labels = fields.get(`identity.k8s.${side}_label`);
  if (labels instanceof Map) {
    // Sorted so the same labels always serialize to the same bytes (diffable, golden-testable).
    const entries = [...(labels as ReadonlyMap<string, string>).entries()].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    identity.labels = Object.fromEntries(entries);
    any = true;
  }
  return any ? identity : undefined;
}

const NS_PER_S = 1_000_000_000n;

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z: the years RFC 3339 can write. */
const EARLIEST_NS = -62_167_219_200n * NS_PER_S;
const LATEST_NS = 253_402_300_800n * NS_PER_S - 1n;

/** Whether a time (ns since the epoch) has an RFC 3339 form, years 0000 to 9999. */
export function inRfc3339Range(ts: bigint): boolean {
  return ts >= EARLIEST_NS && ts <= LATEST_NS;
}

/**
 * RFC 3339 in UTC with all nine fractional digits, from nanoseconds since the epoch. Date only
 * keeps milliseconds, so the fraction is formatted from the bigint itself. A time outside years
 * 0000–9999 (see inRfc3339Range) is written as the nearest bound: always a valid RFC 3339 text,
 * never a throw.
 */
export function rfc3339Nanos(raw: bigint): string {
  const ts = raw < EARLIEST_NS ? EARLIEST_NS : raw > LATEST_NS ? LATEST_NS : raw;
  let seconds = ts / NS_PER_S;
  let nanos = ts % NS_PER_S;
  if (nanos < 0n) {
    // bigint division truncates toward zero; times before 1970 need the floor.
    nanos += NS_PER_S;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  // toISOString writes years before 1 or after 9999 as ±YYYYYY: build the four-digit form instead.
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const rest = date.toISOString().slice(-20, -5); // -MM-DDTHH:MM:SS
  return `${year}${rest}.${nanos.toString().padStart(9, '0')}Z`;
}
