import type { MergedEdge } from '@glia/service-graph';
import { EDGE_COLUMNS, EDGE_UPDATES } from './graph-store.js';

/** The two SQL dialects the stores speak; the statements differ only where the dialects do. */
export type Dialect = 'sqlite' | 'postgres';

export function schemaStatements(d: Dialect): string[] {
  const int = d === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return [
    `CREATE TABLE IF NOT EXISTS glia_edges (
      agent TEXT NOT NULL, client TEXT NOT NULL, server TEXT NOT NULL, port INTEGER NOT NULL, proto TEXT NOT NULL,
      flows ${int} NOT NULL, first_seen ${int} NOT NULL, last_seen ${int} NOT NULL,
      v_drop ${int} NOT NULL, v_would_drop ${int} NOT NULL, v_log ${int} NOT NULL, v_allow ${int} NOT NULL,
      epoch ${int} NOT NULL, seq ${int} NOT NULL, received_at ${int} NOT NULL,
      PRIMARY KEY (client, server, port, proto, agent))`,
    'CREATE INDEX IF NOT EXISTS glia_edges_last_seen ON glia_edges (last_seen)',
    'CREATE INDEX IF NOT EXISTS glia_edges_received_at ON glia_edges (received_at)',
    `CREATE TABLE IF NOT EXISTS glia_nodes (
      agent TEXT NOT NULL, ip TEXT NOT NULL, facts TEXT NOT NULL,
      epoch ${int} NOT NULL, seq ${int} NOT NULL, received_at ${int} NOT NULL,
      PRIMARY KEY (agent, ip))`,
    `CREATE TABLE IF NOT EXISTS glia_agents (
      agent TEXT PRIMARY KEY, epoch ${int} NOT NULL, seq ${int} NOT NULL, received_at ${int} NOT NULL)`,
  ];
}

/**
 * The merge rule in SQL: replace the agent's row unless it came from a later slice (the same slice
 * again, a retry, writes the same values; within one slice the last row of a key wins).
 */
const NEWER = '(excluded.epoch, excluded.seq) >= ({table}.epoch, {table}.seq)';

/**
 * The upsert of one edge row; `values` is the VALUES/SELECT part the caller writes in its
 * dialect (one row of ? for SQLite, an unnest of arrays for PostgreSQL).
 */
export function upsertEdges(values: string): string {
  return `INSERT INTO glia_edges (${EDGE_COLUMNS.join(', ')}) ${values}
    ON CONFLICT (client, server, port, proto, agent) DO UPDATE SET
    ${EDGE_UPDATES.map((c) => `${c} = excluded.${c}`).join(', ')}
    WHERE ${NEWER.replace(/\{table\}/g, 'glia_edges')}`;
}

export function upsertNodes(values: string): string {
  return `INSERT INTO glia_nodes (agent, ip, facts, epoch, seq, received_at) ${values}
    ON CONFLICT (agent, ip) DO UPDATE SET facts = excluded.facts, epoch = excluded.epoch,
    seq = excluded.seq, received_at = excluded.received_at
    WHERE ${NEWER.replace(/\{table\}/g, 'glia_nodes')}`;
}

export function upsertAgent(values: string): string {
  return `INSERT INTO glia_agents (agent, epoch, seq, received_at) ${values}
    ON CONFLICT (agent) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq, received_at = excluded.received_at
    WHERE ${NEWER.replace(/\{table\}/g, 'glia_agents')}`;
}

/** Separates agent names in one aggregated column (agent names never hold control characters). */
export const AGENT_SEPARATOR = '\u001f';

/** The merged edges whose lifetime overlaps [$from, $to]: the agents' rows summed. */
export function mergedEdges(d: Dialect, from: string, to: string, limit: string): string {
  const agents =
    d === 'sqlite' ? `group_concat(agent, char(31))` : `string_agg(agent, chr(31) ORDER BY agent)`;
  return `SELECT client, server, port, proto, SUM(flows) AS flows, MIN(first_seen) AS first_seen,
    MAX(last_seen) AS last_seen, SUM(v_drop) AS v_drop, SUM(v_would_drop) AS v_would_drop,
    SUM(v_log) AS v_log, SUM(v_allow) AS v_allow, ${agents} AS agents
    FROM glia_edges WHERE last_seen >= ${from} AND first_seen <= ${to}
    GROUP BY client, server, port, proto LIMIT ${limit}`;
}

/** A row of mergedEdges, numbers possibly as strings (PostgreSQL's bigint and numeric). */
export interface MergedRow {
  client: string;
  server: string;
  port: number | string;
  proto: string;
  flows: number | string;
  first_seen: number | string;
  last_seen: number | string;
  v_drop: number | string;
  v_would_drop: number | string;
  v_log: number | string;
  v_allow: number | string;
  agents: string;
}

export function mergedEdge(r: MergedRow): MergedEdge {
  return {
    client: r.client,
    server: r.server,
    port: Number(r.port),
    proto: r.proto as MergedEdge['proto'],
    flows: Number(r.flows),
    first_seen: Number(r.first_seen),
    last_seen: Number(r.last_seen),
    verdicts: {
      drop: Number(r.v_drop),
      would_drop: Number(r.v_would_drop),
      log: Number(r.v_log),
      allow: Number(r.v_allow),
    },
    agents: r.agents.split(AGENT_SEPARATOR).sort(),
  };
}

/** A row of mergedEdges as an array, columns in its SELECT order (SQLite's raw mode). */
export type MergedArray = [
  string,
  string,
  number,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  string,
];

export function mergedEdgeOf(r: MergedArray): MergedEdge {
  return {
    client: r[0],
    server: r[1],
    port: r[2],
    proto: r[3] as MergedEdge['proto'],
    flows: r[4],
    first_seen: r[5],
    last_seen: r[6],
    verdicts: { drop: r[7], would_drop: r[8], log: r[9], allow: r[10] },
    agents: r[11].includes(AGENT_SEPARATOR) ? r[11].split(AGENT_SEPARATOR).sort() : [r[11]],
  };
}

/** Ends of the time filter: the whole range when not given. */
export const NO_LIMIT = { from: -1, to: Number.MAX_SAFE_INTEGER, edges: Number.MAX_SAFE_INTEGER - 1 };
