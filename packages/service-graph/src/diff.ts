import { InputError } from '@glia/core';
import { GRAPH_VERSION, graphEdgeKey, type GraphEdge, type ServiceGraph } from './graph.js';

/** What changed from graph A to graph B, edge by edge (source, target, port, proto). */
export interface GraphDiff {
  /** Edges in B and not in A: new since A. */
  added: GraphEdge[];
  /** Edges in A and not in B: gone since A. */
  removed: GraphEdge[];
  /**
   * Edges B has drops or would-drops for and A had none: what B's policy blocks (or would block)
   * that A let through. Listed whether or not the edge is also in `added`.
   */
  blocked: GraphEdge[];
}

export function diffGraphs(a: ServiceGraph, b: ServiceGraph): GraphDiff {
  const inA = new Map(a.edges.map((e) => [graphEdgeKey(e), e]));
  const inB = new Map(b.edges.map((e) => [graphEdgeKey(e), e]));
  const added = b.edges.filter((e) => !inA.has(graphEdgeKey(e)));
  const removed = a.edges.filter((e) => !inB.has(graphEdgeKey(e)));
  const blocked = b.edges.filter((e) => {
    const before = inA.get(graphEdgeKey(e));
    return blocks(e) && (before === undefined || !blocks(before));
  });
  const order = (x: GraphEdge, y: GraphEdge): number => {
    const kx = graphEdgeKey(x);
    const ky = graphEdgeKey(y);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  };
  return { added: added.sort(order), removed: removed.sort(order), blocked: blocked.sort(order) };
}

function blocks(e: GraphEdge): boolean {
  return e.verdicts.drop + e.verdicts.would_drop > 0;
}

/** One line per change: `+` added, `-` removed, `!` blocked; then a count line. */
export function diffText(diff: GraphDiff): string {
  const line = (mark: string, e: GraphEdge, extra = ''): string =>
    `${mark} ${e.source} -> ${e.target} ${e.proto}/${e.port} (${e.flows} flows${extra})`;
  const verdicts = (e: GraphEdge): string => `, ${e.verdicts.drop} drop, ${e.verdicts.would_drop} would-drop`;
  const lines = [
    ...diff.added.map((e) => line('+', e)),
    ...diff.removed.map((e) => line('-', e)),
    ...diff.blocked.map((e) => line('!', e, verdicts(e))),
    `${diff.added.length} added, ${diff.removed.length} removed, ${diff.blocked.length} blocked`,
  ];
  return lines.join('\n') + '\n';
}

/**
 * Checks that a parsed JSON document is a service graph (GET /v1/graph or `glia replay --print
 * graph --format json`), naming the file and the first problem.
 */
export function parseGraph(value: unknown, file: string): ServiceGraph {
  const fail = (what: string): never => {
    throw new InputError(`${file}: not a glia service graph: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('not a JSON object');
  const g = value as Record<string, unknown>;
  if (g.version !== GRAPH_VERSION) fail(`version ${JSON.stringify(g.version)}, expected ${GRAPH_VERSION}`);
  if (!Array.isArray(g.nodes)) fail('nodes is not an array');
  if (!Array.isArray(g.edges)) fail('edges is not an array');
  (g.edges as unknown[]).forEach((e, i) => {
    const edge = e as Record<string, unknown>;
    if (typeof edge !== 'object' || edge === null) fail(`edges[${i}] is not an object`);
    for (const key of ['source', 'target', 'proto'])
      if (typeof edge[key] !== 'string') fail(`edges[${i}].${key} is not a string`);
    for (const key of ['port', 'flows'])
      if (typeof edge[key] !== 'number') fail(`edges[${i}].${key} is not a number`);
    const v = edge.verdicts as Record<string, unknown> | undefined;
    if (typeof v !== 'object' || v === null || typeof v.drop !== 'number' || typeof v.would_drop !== 'number')
      fail(`edges[${i}].verdicts has no drop and would_drop counts`);
  });
  return value as ServiceGraph;
}
