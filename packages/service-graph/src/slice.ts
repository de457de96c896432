import type { TransportProto } from '@glia/core';

/** Version of the observed-slice wire format; a collector refuses versions it does not know. */
export const SLICE_VERSION = 1;

/** Decisions the policy stage made about an edge, by outcome (DESIGN §6). */
export interface VerdictCounts {
  drop: number;
  would_drop: number;
  log: number;
  allow: number;
}

export type VerdictOutcome = keyof VerdictCounts;

export const VERDICT_OUTCOMES: readonly VerdictOutcome[] = ['drop', 'would_drop', 'log', 'allow'];

export function noVerdicts(): VerdictCounts {
  return { drop: 0, would_drop: 0, log: 0, allow: 0 };
}

/** One edge client → server:port/proto as one agent saw it since it started (times in ms). */
export interface SliceEdge {
  client: string;
  server: string;
  port: number;
  proto: TransportProto;
  /** Distinct connections (5-tuples) seen on the edge. */
  flows: number;
  first_seen: number;
  last_seen: number;
  verdicts: VerdictCounts;
}

/** What was learned about the service on one server port (nmap's fields; absent when unknown). */
export interface ServiceFact {
  port: number;
  proto: TransportProto;
  service?: string;
  product?: string;
  version?: string;
  info?: string;
  cpe?: string[];
}

/** Facts about one address: passive fingerprints, services, names. */
export interface NodeFacts {
  /** JA4T of the SYNs this address sent as a client. */
  ja4t: string[];
  /** JA4TS of this address as a server, per port. */
  ja4ts: Array<{ port: number; ja4ts: string }>;
  services: ServiceFact[];
  /** Names this address was resolved from (DNS answers seen by the agent). */
  dns_names: string[];
  /** Names clients asked for in TLS ClientHellos (SNI) to this address. */
  tls_names: string[];
}

export interface SliceNode extends NodeFacts {
  ip: string;
  last_seen: number;
}

/**
 * What one agent uploads: the edges and nodes that changed since its previous slice (or all it
 * holds, when `full`), keyed by raw IP. Counts are cumulative since the agent's start, so the
 * collector replaces the agent's previous values for the same edge instead of adding to them.
 */
export interface ObservedSlice {
  version: typeof SLICE_VERSION;
  agent: string;
  /** When the agent started (ms): with `seq`, orders an agent's slices across restarts. */
  epoch: number;
  /** Increases by one per slice within an epoch. */
  seq: number;
  /** True when the slice holds everything the agent remembers, not only what changed. */
  full: boolean;
  /** When the slice was drained (ms, the agent's clock). */
  generated_at: number;
  edges: SliceEdge[];
  nodes: SliceNode[];
}

export function edgeKeyOf(e: Pick<SliceEdge, 'client' | 'server' | 'port' | 'proto'>): string {
  return `${e.client}>${e.server}:${e.port}/${e.proto}`;
}
