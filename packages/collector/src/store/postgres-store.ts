import pg from 'pg';
import type { ObservedSlice, RawGraph } from '@glia/service-graph';
import type { AgentRecord, GraphStore, StoreCounts } from './graph-store.js';
import { EDGE_COLUMNS } from './graph-store.js';
import { edgeRow, factsJson, mergeNodeRows, uniqueRows } from './slice-rows.js';
import {
  mergedEdge,
  mergedEdges,
  NO_LIMIT,
  schemaStatements,
  upsertAgent,
  upsertEdges,
  upsertNodes,
  type MergedRow,
} from './sql.js';

/** The channel collectors sharing one database tell each other about accepted slices on. */
export const CHANGE_CHANNEL = 'glia_graph_changed';

const EDGE_TYPES = [
  'text',
  'text',
  'text',
  'int',
  'text',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
  'bigint',
];

/**
 * The shared store: several collectors behind a load balancer write one PostgreSQL database. A
 * slice is one transaction of set-based upserts (arrays unnested, rows in key order so concurrent
 * writers cannot deadlock); the merge rule's WHERE keeps a late retry from overwriting newer
 * values. Every collector LISTENs on one channel, so each one's live page hears every upload.
 */
export class PostgresStore implements GraphStore {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;
  private listener: pg.PoolClient | null = null;
  private readonly listeners: Array<(agent: string) => void> = [];

  constructor(url: string, poolSize = 4) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize });
    // An idle client losing its connection must not crash the collector; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Runs `work` in one transaction on one pooled connection; rolls back if it throws. */
  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async init(): Promise<void> {
    // Several collectors may start at once: one creates the tables, the others wait for it.
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(714253)');
      for (const s of schemaStatements('postgres')) await client.query(s);
    });
    this.listener = await this.pool.connect();
    this.listener.on('notification', (m) => {
      if (m.channel === CHANGE_CHANNEL) for (const l of this.listeners) l(m.payload ?? '');
    });
    await this.listener.query(`LISTEN ${CHANGE_CHANNEL}`);
  }

  async put(slice: ObservedSlice, receivedAt: number): Promise<void> {
    const { agent, epoch, seq } = slice;
    const rows = uniqueRows(slice);
    const columns: unknown[][] = EDGE_COLUMNS.map(() => []);
    for (const e of rows.edges)
      edgeRow(agent, e, epoch, seq, receivedAt).forEach((value, i) => columns[i].push(value));
    const unnest = EDGE_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    await this.transaction(async (client) => {
      if (rows.edges.length > 0) await client.query(upsertEdges(`SELECT * FROM unnest(${unnest})`), columns);
      if (rows.nodes.length > 0)
        await client.query(
          upsertNodes(
            'SELECT $1::text, ip, facts, $4::bigint, $5::bigint, $6::bigint FROM unnest($2::text[], $3::text[]) AS t(ip, facts)',
          ),
          [agent, rows.nodes.map((n) => n.ip), rows.nodes.map(factsJson), epoch, seq, receivedAt],
        );
      await client.query(upsertAgent('VALUES ($1, $2::bigint, $3::bigint, $4::bigint)'), [
        agent,
        epoch,
        seq,
        receivedAt,
      ]);
      await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, agent]);
    });
  }

  async read(from = NO_LIMIT.from, to = NO_LIMIT.to, limit = NO_LIMIT.edges): Promise<RawGraph> {
    const [edges, nodes] = await Promise.all([
      this.pool.query<MergedRow>(mergedEdges('postgres', '$1::bigint', '$2::bigint', '$3::bigint'), [
        from,
        to,
        limit + 1,
      ]),
      this.pool.query<{ agent: string; ip: string; facts: string }>(
        'SELECT agent, ip, facts FROM glia_nodes',
      ),
    ]);
    return { edges: edges.rows.map(mergedEdge), nodes: mergeNodeRows(nodes.rows) };
  }

  async agents(): Promise<AgentRecord[]> {
    const r = await this.pool.query<Record<keyof AgentRecord, string>>(
      'SELECT agent, epoch, seq, received_at FROM glia_agents ORDER BY agent',
    );
    return r.rows.map((a) => ({
      agent: a.agent,
      epoch: Number(a.epoch),
      seq: Number(a.seq),
      received_at: Number(a.received_at),
    }));
  }

  async counts(): Promise<StoreCounts> {
    const r = await this.pool.query<{ edges: string; nodes: string; agents: string }>(
      'SELECT (SELECT COUNT(*) FROM glia_edges) AS edges, (SELECT COUNT(*) FROM glia_nodes) AS nodes, (SELECT COUNT(*) FROM glia_agents) AS agents',
    );
    const row = r.rows[0];
    return { edges: Number(row.edges), nodes: Number(row.nodes), agents: Number(row.agents) };
  }

  async prune(before: number): Promise<number> {
    let deleted = 0;
    for (const table of ['glia_edges', 'glia_nodes', 'glia_agents'])
      deleted +=
        (await this.pool.query(`DELETE FROM ${table} WHERE received_at < $1`, [before])).rowCount ?? 0;
    return deleted;
  }

  onChange(listener: (agent: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.listener?.release(true);
    this.listener = null;
    await this.pool.end();
  }
}
