import { groupOf } from './filter.js';
import type { GraphEdge, GraphNode, ServiceGraph } from './graph.js';

/**
 * The graph in GraphViz DOT: one cluster per namespace (plus "hosts" and "external"), edges
 * labelled `proto/port (flows)`, drops red and would-drops orange dashed.
 */
export function toDot(graph: ServiceGraph): string {
  const lines = ['digraph glia {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  const groups = groupNodes(graph.nodes);
  let cluster = 0;
  for (const [group, nodes] of groups) {
    lines.push(`  subgraph cluster_${cluster++} {`, `    label=${dotString(group)};`);
    for (const n of nodes) lines.push(`    ${dotString(n.id)} [label=${dotString(nodeLabel(n))}];`);
    lines.push('  }');
  }
  for (const e of graph.edges) {
    const attrs = [`label=${dotString(edgeLabel(e))}`];
    if (e.verdicts.drop > 0) attrs.push('color=red', 'fontcolor=red', 'penwidth=2');
    else if (e.verdicts.would_drop > 0) attrs.push('color=orange', 'fontcolor=orange', 'style=dashed');
    lines.push(`  ${dotString(e.source)} -> ${dotString(e.target)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * A DOT double-quoted string. In DOT the only escape inside quotes is \" (a backslash before any
 * other character stays as it is, and a line break may stand in the string), so only quotes are
 * escaped; GraphViz then reads the exact name back.
 */
export function dotString(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** Nodes by drawing group, groups and nodes sorted. */
export function groupNodes(nodes: readonly GraphNode[]): Map<string, GraphNode[]> {
  const groups = new Map<string, GraphNode[]>();
  for (const n of [...nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const g = groupOf(n);
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [n]);
    else list.push(n);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The short label of a node: the workload name (the namespace is the cluster), or the id. */
export function nodeLabel(n: GraphNode): string {
  return n.kind === 'workload' && n.workload !== undefined ? n.workload : n.id;
}

export function edgeLabel(e: GraphEdge): string {
  return `${e.proto}/${e.port} (${e.flows})`;
}
