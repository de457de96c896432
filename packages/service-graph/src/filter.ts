import type { GraphNode, RawGraph, ServiceGraph } from './graph.js';

/** What GET /v1/graph narrows the graph to; every part is optional. */
export interface GraphFilter {
  /** Edges touching a node of one of these namespaces. */
  namespaces?: readonly string[];
  /** Edges touching one of these nodes: `namespace/workload`, a bare workload name, or a node id. */
  workloads?: readonly string[];
  /** Edges seen at or after this time (ms). */
  from?: number;
  /** Edges seen at or before this time (ms). */
  to?: number;
}

/** Keeps the edges whose lifetime [first_seen, last_seen] overlaps [from, to]. */
export function filterByTime(raw: RawGraph, from?: number, to?: number): RawGraph {
  if (from === undefined && to === undefined) return raw;
  const edges = raw.edges.filter(
    (e) => (from === undefined || e.last_seen >= from) && (to === undefined || e.first_seen <= to),
  );
  return { edges, nodes: raw.nodes };
}

/**
 * Keeps the edges with at least one end matching the namespace and workload filters (each applied
 * when given), and the nodes those edges touch.
 */
export function filterGraph(graph: ServiceGraph, filter: GraphFilter): ServiceGraph {
  const namespaces = filter.namespaces?.length ? new Set(filter.namespaces) : null;
  const workloads = filter.workloads?.length ? filter.workloads : null;
  if (namespaces === null && workloads === null) return graph;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const matches = (id: string): boolean => {
    const node = byId.get(id);
    if (node === undefined) return false;
    if (namespaces !== null && !namespaces.has(groupOf(node))) return false;
    if (workloads !== null && !workloads.some((w) => w === node.id || w === node.workload)) return false;
    return true;
  };
  const edges = graph.edges.filter((e) => matches(e.source) || matches(e.target));
  const kept = new Set(edges.flatMap((e) => [e.source, e.target]));
  return { ...graph, nodes: graph.nodes.filter((n) => kept.has(n.id)), edges };
}

/** The group a node is drawn in: its namespace, or "hosts" / "external" for nodes without one. */
export function groupOf(node: Pick<GraphNode, 'namespace' | 'kind'>): string {
  if (node.namespace !== undefined && node.namespace !== '') return node.namespace;
  return node.kind === 'external' ? 'external' : 'hosts';
}
