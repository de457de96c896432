import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { MergedEdge, ObservedSlice, RawGraph } from '@glia/service-graph';
import type { AgentRecord, GraphStore, StoreCounts } from './graph-store.js';
import { EDGE_COLUMNS } from './graph-store.js';
import { edgeRow, factsJson, mergeNodeRows, uniqueRows } from './slice-rows.js';
import {
  mergedEdgeOf,
  mergedEdges,
  type MergedArray,
  NO_LIMIT,
  schemaStatements,
  upsertAgent,
  upsertEdges,
  upsertNodes,
} from './sql.js';

/**
 * The embedded store: one SQLite file (WAL), written by this collector only. Each slice is applied
 * in one transaction, so a reader never sees half of one.
 */
export class SqliteStore implements GraphStore {
  readonly kind = 'sqlite';
  private db: Database.Database | null = null;
  private readonly listeners: Array<(agent: string) => void> = [];
  private statements: ReturnType<SqliteStore['prepare']> | null = null;

  constructor(readonly path: string) {}

  async init(): Promise<void> {
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    for (const s of schemaStatements('sqlite')) db.exec(s);
    this.db = db;
    this.statements = this.prepare(db);
  }

  private prepare(db: Database.Database) {
    const edge = db.prepare(upsertEdges(`VALUES (${EDGE_COLUMNS.map(() => '?').join(', ')})`));
    const node = db.prepare(upsertNodes('VALUES (?, ?, ?, ?, ?, ?)'));
    const agent = db.prepare(upsertAgent('VALUES (?, ?, ?, ?)'));
    const apply = db.transaction((slice: ObservedSlice, at: number) => {
      const { agent: a, epoch, seq } = slice;
      const rows = uniqueRows(slice);
      for (const e of rows.edges) edge.run(...edgeRow(a, e, epoch, seq, at));
      for (const n of rows.nodes) node.run(a, n.ip, factsJson(n), epoch, seq, at);
      agent.run(a, epoch, seq, at);
    });
    return {
      apply,
      edges: db.prepare(mergedEdges('sqlite', '?', '?', '?')),
      nodes: db.prepare('SELECT agent, ip, facts FROM glia_nodes'),
      agents: db.prepare('SELECT agent, epoch, seq, received_at FROM glia_agents ORDER BY agent'),
    };
  }

  async put(slice: ObservedSlice, receivedAt: number): Promise<void> {
    this.open().apply(slice, receivedAt);
    for (const l of this.listeners) l(slice.agent);
  }

  async read(from = NO_LIMIT.from, to = NO_LIMIT.to, limit = NO_LIMIT.edges): Promise<RawGraph> {
    const s = this.open();
    // Rows as arrays, turned into edges one at a time: half the garbage of row objects.
    const edges: MergedEdge[] = [];
    for (const r of s.edges.raw(true).iterate(from, to, limit + 1) as Iterable<MergedArray>)
      edges.push(mergedEdgeOf(r));
    const nodes = mergeNodeRows(s.nodes.all() as Array<{ agent: string; ip: string; facts: string }>);
    return { edges, nodes };
  }

  async agents(): Promise<AgentRecord[]> {
    return this.open().agents.all() as AgentRecord[];
  }

  async counts(): Promise<StoreCounts> {
    const db = this.database();
    const one = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return {
      edges: one('SELECT COUNT(*) AS n FROM glia_edges'),
      nodes: one('SELECT COUNT(*) AS n FROM glia_nodes'),
      agents: one('SELECT COUNT(*) AS n FROM glia_agents'),
    };
  }

  async prune(before: number): Promise<number> {
    const db = this.database();
    let deleted = 0;
    for (const table of ['glia_edges', 'glia_nodes', 'glia_agents'])
      deleted += db.prepare(`DELETE FROM ${table} WHERE received_at < ?`).run(before).changes;
    return deleted;
  }

  onChange(listener: (agent: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.statements = null;
  }

  private database(): Database.Database {
    if (this.db === null) throw new Error(`the graph store ${this.path} is not open`);
    return this.db;
  }

  private open(): NonNullable<SqliteStore['statements']> {
    if (this.statements === null) throw new Error(`the graph store ${this.path} is not open`);
    return this.statements;
  }
}
