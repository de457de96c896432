import { mergeFacts } from './node-facts.js';
import { edgeKeyOf, VERDICT_OUTCOMES, type ObservedSlice, type SliceEdge, type SliceNode } from './slice.js';
import type { MergedEdge, RawGraph } from './graph.js';

interface Versioned<T> {
  value: T;
  epoch: number;
  seq: number;
}

/**
 * Whether a slice (epoch, seq) may replace values from slice (epoch0, seq0): a later start, a later
 * slice of the same start, or the same slice again (a retry writes the same values; within one
 * slice the last value of a key wins).
 */
export function isNewer(epoch: number, seq: number, epoch0: number, seq0: number): boolean {
  return epoch > epoch0 || (epoch === epoch0 && seq >= seq0);
}

/**
 * The merge rule of the collector, in memory: an agent's slice replaces that agent's previous
 * values for each edge and node it carries (counts are cumulative on the agent, so nothing is
 * counted twice, and a restarted agent replaying the same traffic reports the same numbers); a
 * slice older than what is held for an edge is ignored (a late retry). Across agents, counts add.
 * The SQL stores implement the same rule; this is their reference.
 */
export class FleetGraph {
  private readonly edges = new Map<string, Map<string, Versioned<SliceEdge>>>();
  private readonly nodes = new Map<string, Map<string, Versioned<SliceNode>>>();

  apply(slice: ObservedSlice): void {
    const { agent, epoch, seq } = slice;
    for (const e of slice.edges) put(this.edges, edgeKeyOf(e), agent, { value: e, epoch, seq });
    for (const n of slice.nodes) put(this.nodes, n.ip, agent, { value: n, epoch, seq });
  }

  raw(): RawGraph {
    const edges: MergedEdge[] = [];
    for (const byAgent of this.edges.values()) {
      const agents = [...byAgent.keys()].sort();
      const first = byAgent.get(agents[0])!.value;
      const merged: MergedEdge = { ...first, verdicts: { ...first.verdicts }, agents };
      for (const a of agents.slice(1)) {
        const e = byAgent.get(a)!.value;
        merged.flows += e.flows;
        merged.first_seen = Math.min(merged.first_seen, e.first_seen);
        merged.last_seen = Math.max(merged.last_seen, e.last_seen);
        for (const o of VERDICT_OUTCOMES) merged.verdicts[o] += e.verdicts[o];
      }
      edges.push(merged);
    }
    const nodes = [...this.nodes].map(([ip, byAgent]) => {
      const agents = [...byAgent.keys()].sort();
      return { ip, ...mergeFacts(agents.map((a) => byAgent.get(a)!.value)) };
    });
    return { edges, nodes };
  }
}

function put<T>(
  map: Map<string, Map<string, Versioned<T>>>,
  key: string,
  agent: string,
  v: Versioned<T>,
): void {
  let byAgent = map.get(key);
  if (byAgent === undefined) map.set(key, (byAgent = new Map()));
  const held = byAgent.get(agent);
  if (held === undefined || isNewer(v.epoch, v.seq, held.epoch, held.seq)) byAgent.set(agent, v);
}

/** The merged raw graph of a sequence of slices, applied in order. */
export function mergeSlices(slices: readonly ObservedSlice[]): RawGraph {
  const fleet = new FleetGraph();
  for (const s of slices) fleet.apply(s);
  return fleet.raw();
}
