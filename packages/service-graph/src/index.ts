export {
  SLICE_VERSION,
  VERDICT_OUTCOMES,
  edgeKeyOf,
  noVerdicts,
  type NodeFacts,
  type ObservedSlice,
  type ServiceFact,
  type SliceEdge,
  type SliceNode,
  type VerdictCounts,
  type VerdictOutcome,
} from './slice.js';
export { parseSlice, sliceSchema } from './slice-schema.js';
export { FACT_LIMITS, NodeFactSet, emptyFacts, mergeFacts } from './node-facts.js';
export {
  DEFAULT_LIMITS,
  GraphAccumulator,
  type AccumulatorCounters,
  type AccumulatorLimits,
  type Drained,
  type Sighting,
} from './accumulator.js';
export {
  blankEdge,
  blankNode,
  GRAPH_VERSION,
  graphEdgeKey,
  type GraphEdge,
  type GraphNode,
  type Identity,
  type MergedEdge,
  type MergedNode,
  type NodeKind,
  type RawGraph,
  type ServiceGraph,
} from './graph.js';
export { iso, nameAddress, resolveGraph, type ResolveOptions } from './resolve.js';
export { filterByTime, filterGraph, groupOf, type GraphFilter } from './filter.js';
export { diffGraphs, diffText, parseGraph, type GraphDiff } from './diff.js';
export { dotString, toDot } from './dot.js';
export { mermaidText, toMermaid } from './mermaid.js';
export { FleetGraph, isNewer, mergeSlices } from './merge.js';
