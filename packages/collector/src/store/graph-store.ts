import type { ObservedSlice, RawGraph } from '@glia/service-graph';

/** What a store reports about each agent that has uploaded. */
export interface AgentRecord {
  agent: string;
  epoch: number;
  seq: number;
  /** Collector wall-clock time of the last accepted slice (ms). */
  received_at: number;
}

export interface StoreCounts {
  edges: number;
  nodes: number;
  agents: number;
}

/**
 * Where the collector keeps the agents' contributions. Every implementation applies the merge rule
 * of @glia/service-graph's FleetGraph: an agent's slice replaces that agent's values for the edges
 * and nodes it carries unless what is held came from a later slice (epoch, seq); reading sums the
 * agents. Writes from several collectors to one store (PostgreSQL) are safe.
 */
export interface GraphStore {
  readonly kind: 'sqlite' | 'postgres';
  init(): Promise<void>;
  put(slice: ObservedSlice, receivedAt: number): Promise<void>;
  /**
   * The merged raw graph, edges limited to those whose lifetime overlaps [from, to] (ms); at most
   * `limit` + 1 edges are read, so the caller can tell a graph over its limit without holding it.
   */
  read(from?: number, to?: number, limit?: number): Promise<RawGraph>;
  agents(): Promise<AgentRecord[]>;
  counts(): Promise<StoreCounts>;
  /** Deletes what agents last reported before `before` (collector ms); returns rows deleted. */
  prune(before: number): Promise<number>;
  /** Called after any collector sharing this store accepted a slice (its agent's name). */
  onChange(listener: (agent: string) => void): void;
  close(): Promise<void>;
}

export const EDGE_COLUMNS = [
  'agent',
  'client',
  'server',
  'port',
  'proto',
  'flows',
  'first_seen',
  'last_seen',
  'v_drop',
  'v_would_drop',
  'v_log',
  'v_allow',
  'epoch',
  'seq',
  'received_at',
] as const;

/** Columns an accepted slice overwrites on an existing row (all but the key). */
export const EDGE_UPDATES = EDGE_COLUMNS.slice(5);
