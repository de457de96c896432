import { edgeLabel, groupNodes, nodeLabel } from './dot.js';
import type { ServiceGraph } from './graph.js';

/**
 * The graph as a Mermaid flowchart: a subgraph per namespace, nodes with generated ids (n0, n1, …)
 * and quoted labels, edges labelled `proto/port (flows)`, drops red and would-drops orange dashed.
 */
export function toMermaid(graph: ServiceGraph): string {
  const lines = ['flowchart LR'];
  const ids = new Map<string, string>();
  let group = 0;
  for (const [name, nodes] of groupNodes(graph.nodes)) {
    lines.push(`  subgraph g${group++}[${mermaidText(name)}]`);
    for (const n of nodes) {
      const id = `n${ids.size}`;
      ids.set(n.id, id);
      lines.push(`    ${id}[${mermaidText(nodeLabel(n))}]`);
    }
    lines.push('  end');
  }
  const styles: string[] = [];
  let i = 0;
  for (const e of graph.edges) {
    const from = ids.get(e.source);
    const to = ids.get(e.target);
    if (from === undefined || to === undefined) continue;
    lines.push(`  ${from} -->|${mermaidText(edgeLabel(e))}| ${to}`);
    if (e.verdicts.drop > 0) styles.push(`  linkStyle ${i} stroke:red,stroke-width:2px`);
    else if (e.verdicts.would_drop > 0) styles.push(`  linkStyle ${i} stroke:orange,stroke-dasharray:4`);
    i++;
  }
  return [...lines, ...styles].join('\n') + '\n';
}

/**
 * A Mermaid quoted label: inside "…" only the quote itself and the characters that open markup
 * need entity codes (#quot; #lt; #gt; #35; for #), so names with brackets, pipes or slashes survive.
 */
export function mermaidText(text: string): string {
  const escaped = text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\r?\n/g, ' ');
  return `"${escaped}"`;
}
