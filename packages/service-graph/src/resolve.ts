import { mergeFacts } from './node-facts.js';
import { VERDICT_OUTCOMES, type NodeFacts } from './slice.js';
import {
  blankEdge,
  blankNode,
  GRAPH_VERSION,
  graphEdgeKey,
  type GraphEdge,
  type GraphNode,
  type Identity,
  type NodeKind,
  type RawGraph,
  type ServiceGraph,
} from './graph.js';

export interface ResolveOptions {
  /** The identity baseline; absent or undefined for an address: the address is `host/<ip>`. */
  identity?: (ip: string) => Identity | undefined;
  /** Whether an address is inside the fleet (home_net, pod nets); outside ones are named by DNS. */
  isInternal: (ip: string) => boolean;
  /** ms since the epoch, written as `generated_at`. */
  now: number;
}

interface NodeName {
  id: string;
  kind: NodeKind;
  identity?: Identity;
}

/**
 * Where an address goes in the graph: its workload when the baseline knows it, else `host/<ip>`
 * inside the fleet, else (outside) the name it was reached by: DNS first, then TLS SNI.
 */
export function nameAddress(ip: string, facts: NodeFacts | undefined, options: ResolveOptions): NodeName {
  const identity = options.identity?.(ip);
  if (identity?.workload !== undefined && identity.workload !== '') {
    const namespace = identity.namespace ?? '';
    return { id: `${namespace}/${identity.workload}`, kind: 'workload', identity };
  }
  if (options.isInternal(ip)) return { id: `host/${ip}`, kind: 'host' };
  const name = smallest(facts?.dns_names) ?? smallest(facts?.tls_names);
  return { id: name ?? `host/${ip}`, kind: 'external' };
}

interface NodeBuild {
  node: GraphNode;
  ips: Set<string>;
  facts: NodeFacts[];
  first: number;
  last: number;
}

interface EdgeBuild {
  edge: GraphEdge;
  first: number;
  last: number;
  agents: Set<string>;
}

/**
 * Turns the fleet's raw-IP graph into the workload graph: addresses of one workload become one
 * node (facts merged), and edges between the same nodes, port and protocol are summed.
 */
export function resolveGraph(raw: RawGraph, options: ResolveOptions): ServiceGraph {
  const factsOf = new Map(raw.nodes.map((n) => [n.ip, n]));
  const names = new Map<string, NodeName>();
  const nodes = new Map<string, NodeBuild>();
  const nodeOf = (ip: string, seen: { first: number; last: number } | null): NodeBuild => {
    let name = names.get(ip);
    if (name === undefined) {
      name = nameAddress(ip, factsOf.get(ip), options);
      names.set(ip, name);
    }
    let build = nodes.get(name.id);
    if (build === undefined) {
      build = { node: newNode(name), ips: new Set(), facts: [], first: Infinity, last: -Infinity };
      nodes.set(name.id, build);
    }
    if (!build.ips.has(ip)) {
      build.ips.add(ip);
      build.node.ips.push(ip);
      const facts = factsOf.get(ip);
      if (facts !== undefined) build.facts.push(facts);
    }
    if (seen !== null) {
      build.first = Math.min(build.first, seen.first);
      build.last = Math.max(build.last, seen.last);
    }
    return build;
  };

  const edges = new Map<string, EdgeBuild>();
  for (const e of raw.edges) {
    const seen = { first: e.first_seen, last: e.last_seen };
    const source = nodeOf(e.client, seen).node.id;
    const target = nodeOf(e.server, seen).node.id;
    const key = graphEdgeKey({ source, target, port: e.port, proto: e.proto });
    let build = edges.get(key);
    if (build === undefined) {
      build = {
        edge: blankEdge(source, target, e.port, e.proto),
        first: e.first_seen,
        last: e.last_seen,
        agents: new Set(),
      };
      edges.set(key, build);
    }
    build.edge.flows += e.flows;
    for (const o of VERDICT_OUTCOMES) build.edge.verdicts[o] += e.verdicts[o];
    build.first = Math.min(build.first, e.first_seen);
    build.last = Math.max(build.last, e.last_seen);
    for (const a of e.agents) build.agents.add(a);
  }
  // Addresses with facts but no edge (left after their edges were filtered out) are not drawn.

  // Sorted by key (each key built once: building them in the comparator dominated at 500 000 edges).
  const keys = [...edges.keys()].sort(compare);
  const outEdges = keys.map((key) => {
    const { edge, first, last, agents } = edges.get(key) as EdgeBuild;
    return {
      ...edge,
      first_seen: iso(first),
      last_seen: iso(last),
      agents: agents.size === 1 ? [...agents] : [...agents].sort(),
    };
  });
  const outNodes = [...nodes.values()].map(({ node, facts, first, last }) => {
    node.ips.sort();
    return { ...node, ...mergeFacts(facts), first_seen: iso(first), last_seen: iso(last) };
  });
  outNodes.sort((a, b) => compare(a.id, b.id));
  return { version: GRAPH_VERSION, generated_at: iso(options.now), nodes: outNodes, edges: outEdges };
}

function newNode(name: NodeName): GraphNode {
  const node = blankNode(name.id, name.kind);
  const identity = name.identity;
  if (identity !== undefined) {
    if (identity.namespace !== undefined) node.namespace = identity.namespace;
    if (identity.workload !== undefined) node.workload = identity.workload;
    if (identity.app !== undefined) node.app = identity.app;
    if (identity.labels !== undefined) node.labels = { ...identity.labels };
    if (identity.internet_exposed !== undefined) node.internet_exposed = identity.internet_exposed;
    if (identity.control_plane !== undefined) node.control_plane = identity.control_plane;
  }
  return node;
}

function smallest(values: readonly string[] | undefined): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return [...values].sort(compare)[0];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ms since the epoch as RFC 3339 (UTC, milliseconds). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
