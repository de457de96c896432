import type { TransportProto } from '@glia/core';
import { noVerdicts, type NodeFacts, type SliceEdge, type VerdictCounts } from './slice.js';

/** Version of the service-graph document (GET /v1/graph, `glia replay --print graph`). */
export const GRAPH_VERSION = 1;

/** An edge merged over the agents that reported it, still keyed by raw IP. */
export interface MergedEdge extends SliceEdge {
  /** Agents that reported the edge, sorted. */
  agents: string[];
}

/** Facts about one address merged over the agents. */
export interface MergedNode extends NodeFacts {
  ip: string;
}

/** The fleet's edges and node facts by raw IP, before identity resolution. */
export interface RawGraph {
  edges: MergedEdge[];
  nodes: MergedNode[];
}

/** What the identity baseline says about an address (DESIGN §7 record keys). */
export interface Identity {
  namespace?: string;
  workload?: string;
  app?: string;
  labels?: Record<string, string>;
  internet_exposed?: boolean;
  control_plane?: boolean;
}

export type NodeKind = 'workload' | 'host' | 'external';

/** A node of the resolved graph: a workload (all its addresses), an unknown host, or an outside peer. */
export interface GraphNode extends NodeFacts {
  /** `namespace/workload`, `host/<ip>`, or an external peer's DNS name. */
  id: string;
  kind: NodeKind;
  namespace?: string;
  workload?: string;
  app?: string;
  labels?: Record<string, string>;
  internet_exposed?: boolean;
  control_plane?: boolean;
  ips: string[];
  first_seen: string;
  last_seen: string;
}

export interface GraphEdge {
  source: string;
  target: string;
  port: number;
  proto: TransportProto;
  flows: number;
  first_seen: string;
  last_seen: string;
  verdicts: VerdictCounts;
  agents: string[];
}

/** The service graph as users read it: nodes by workload, edges between them. */
export interface ServiceGraph {
  version: typeof GRAPH_VERSION;
  generated_at: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function graphEdgeKey(e: Pick<GraphEdge, 'source' | 'target' | 'port' | 'proto'>): string {
  return `${e.source}>${e.target}:${e.port}/${e.proto}`;
}

/** A node with no addresses, times or facts yet (resolveGraph fills them in). */
export function blankNode(id: string, kind: NodeKind): GraphNode {
  return {
    id,
    kind,
    ips: [],
    first_seen: '',
    last_seen: '',
    ja4t: [],
    ja4ts: [],
    services: [],
    dns_names: [],
    tls_names: [],
  };
}

/** An edge with no connections, times, verdicts or agents yet. */
export function blankEdge(source: string, target: string, port: number, proto: TransportProto): GraphEdge {
  return {
    source,
    target,
    port,
    proto,
    flows: 0,
    first_seen: '',
    last_seen: '',
    verdicts: noVerdicts(),
    agents: [],
  };
}
