import {
  edgeKeyOf,
  mergeFacts,
  type MergedNode,
  type NodeFacts,
  type ObservedSlice,
  type SliceEdge,
  type SliceNode,
} from '@glia/service-graph';

/**
 * A slice's edges and nodes, one per key (the last wins) and sorted by key: PostgreSQL refuses to
 * update a row twice in one statement, and writers that lock rows in the same order cannot deadlock.
 */
export function uniqueRows(slice: ObservedSlice): { edges: SliceEdge[]; nodes: SliceNode[] } {
  const edges = new Map<string, SliceEdge>();
  for (const e of slice.edges) edges.set(edgeKeyOf(e), e);
  const nodes = new Map<string, SliceNode>();
  for (const n of slice.nodes) nodes.set(n.ip, n);
  const sorted = <T>(m: Map<string, T>): T[] =>
    [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { edges: sorted(edges), nodes: sorted(nodes) };
}

/** The stored form of a node's facts. */
export function factsJson(n: SliceNode): string {
  const facts: NodeFacts = {
    ja4t: n.ja4t,
    ja4ts: n.ja4ts,
    services: n.services,
    dns_names: n.dns_names,
    tls_names: n.tls_names,
  };
  return JSON.stringify(facts);
}

/**
 * Merges stored node rows (several agents per address) into one node per address, agents in name
 * order as FleetGraph does (facts that disagree resolve the same way whatever order rows came in).
 */
export function mergeNodeRows(
  rows: ReadonlyArray<{ agent: string; ip: string; facts: string }>,
): MergedNode[] {
  const byIp = new Map<string, NodeFacts[]>();
  const ordered = [...rows].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  for (const r of ordered) {
    const list = byIp.get(r.ip);
    const facts = JSON.parse(r.facts) as NodeFacts;
    if (list === undefined) byIp.set(r.ip, [facts]);
    else list.push(facts);
  }
  return [...byIp].map(([ip, all]) => ({ ip, ...mergeFacts(all) }));
}

/** One stored edge row, values in EDGE_COLUMNS order. */
export function edgeRow(
  agent: string,
  e: SliceEdge,
  epoch: number,
  seq: number,
  receivedAt: number,
): Array<string | number> {
  const v = e.verdicts;
  return [
    agent,
    e.client,
    e.server,
    e.port,
    e.proto,
    e.flows,
    e.first_seen,
    e.last_seen,
    v.drop,
    v.would_drop,
    v.log,
    v.allow,
    epoch,
    seq,
    receivedAt,
  ];
}
