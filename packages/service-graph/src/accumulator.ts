import type { TransportProto } from '@glia/core';
import { NodeFactSet } from './node-facts.js';
import { noVerdicts, type SliceEdge, type SliceNode, type VerdictOutcome } from './slice.js';

export interface AccumulatorLimits {
  /** Edges held at once; past it new edges are refused (and counted) until expiry frees room. */
  maxEdges: number;
  /** Addresses with facts held at once; the same rule. */
  maxNodes: number;
  /**
   * Connections remembered at once to count each one once. Past it a new connection is still
   * counted but not remembered (its later sightings may count again) until a drain forgets idle ones.
   */
  maxFlows: number;
  /** An edge or node not seen for this long (ms, the agent's clock) is forgotten at the next drain. */
  idleMs: number;
  /** A connection not seen for this long counts again when it reappears (ms). */
  flowIdleMs: number;
}

export const DEFAULT_LIMITS: Readonly<AccumulatorLimits> = {
  maxEdges: 100_000,
  maxNodes: 50_000,
  maxFlows: 262_144,
  idleMs: 3_600_000,
  flowIdleMs: 300_000,
};

/** One sighting of a connection on an edge: what the accumulator needs from an observation. */
export interface Sighting {
  client: string;
  server: string;
  clientPort: number;
  serverPort: number;
  proto: TransportProto;
  /** ms since the epoch (the agent's clock: packet time in a replay). */
  ts: number;
}

interface EdgeEntry {
  edge: SliceEdge;
  dirty: boolean;
  /** Client port → when that connection was last seen (ms). */
  connections: Map<number, number>;
}

interface NodeEntry {
  ip: string;
  facts: NodeFactSet;
  lastSeen: number;
  dirty: boolean;
}

export interface AccumulatorCounters {
  /** Connections counted but not remembered: maxFlows was reached. */
  flowsUnremembered: number;
  edgesRefused: number;
  nodesRefused: number;
  edgesExpired: number;
  nodesExpired: number;
}

export interface Drained {
  edges: SliceEdge[];
  nodes: SliceNode[];
}

/**
 * The agent's side of the service graph (DESIGN §4): edges client → server:port/proto with their
 * connection count, first and last seen and verdict counts, plus facts per address. Memory is
 * bounded by the limits; drain() hands out what changed and forgets what has been idle too long.
 * Pure: time comes in with each call.
 */
export class GraphAccumulator {
  private readonly edges = new Map<string, EdgeEntry>();
  private readonly nodes = new Map<string, NodeEntry>();
  private remembered = 0;
  readonly counters: AccumulatorCounters = {
    flowsUnremembered: 0,
    edgesRefused: 0,
    nodesRefused: 0,
    edgesExpired: 0,
    nodesExpired: 0,
  };

  constructor(readonly limits: AccumulatorLimits = DEFAULT_LIMITS) {}

  get edgeCount(): number {
    return this.edges.size;
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  /**
   * Records a sighting; returns whether the edge is newly dirty (its first sighting since the last
   * drain), which is when the caller looks up facts about its ends. Returns null when refused.
   */
  observe(s: Sighting): boolean | null {
    const key = `${s.client}>${s.server}:${s.serverPort}/${s.proto}`;
    let entry = this.edges.get(key);
    if (entry === undefined) {
      if (this.edges.size >= this.limits.maxEdges) {
        this.counters.edgesRefused++;
        return null;
      }
      entry = {
        edge: {
          client: s.client,
          server: s.server,
          port: s.serverPort,
          proto: s.proto,
          flows: 0,
          first_seen: s.ts,
          last_seen: s.ts,
          verdicts: noVerdicts(),
        },
        dirty: false,
        connections: new Map(),
      };
      this.edges.set(key, entry);
    }
    const edge = entry.edge;
    const lastFlow = entry.connections.get(s.clientPort);
    if (lastFlow === undefined || s.ts - lastFlow > this.limits.flowIdleMs) edge.flows++;
    if (lastFlow !== undefined) {
      if (s.ts > lastFlow) entry.connections.set(s.clientPort, s.ts);
    } else if (this.remembered < this.limits.maxFlows) {
      entry.connections.set(s.clientPort, s.ts);
      this.remembered++;
    } else {
      this.counters.flowsUnremembered++;
    }
    if (s.ts > edge.last_seen) edge.last_seen = s.ts;
    if (s.ts < edge.first_seen) edge.first_seen = s.ts;
    const wasDirty = entry.dirty;
    entry.dirty = true;
    return !wasDirty;
  }

  /** Counts a policy decision about an edge; an edge not (or no longer) held is created. */
  verdict(s: Sighting, outcome: VerdictOutcome): void {
    let entry = this.edges.get(`${s.client}>${s.server}:${s.serverPort}/${s.proto}`);
    if (entry === undefined) {
      if (this.observe(s) === null) return;
      entry = this.edges.get(`${s.client}>${s.server}:${s.serverPort}/${s.proto}`) as EdgeEntry;
    }
    entry.edge.verdicts[outcome]++;
    entry.dirty = true;
  }

  /**
   * The fact set of an address, to add facts to; `changed` must be called after a fact was added.
   * Null when the node table is full.
   */
  node(ip: string, ts: number): NodeFactSet | null {
    let entry = this.nodes.get(ip);
    if (entry === undefined) {
      if (this.nodes.size >= this.limits.maxNodes) {
        this.counters.nodesRefused++;
        return null;
      }
      entry = { ip, facts: new NodeFactSet(), lastSeen: ts, dirty: false };
      this.nodes.set(ip, entry);
    }
    if (ts > entry.lastSeen) entry.lastSeen = ts;
    return entry.facts;
  }

  /** Marks an address's facts as changed, so the next drain carries them. */
  changed(ip: string): void {
    const entry = this.nodes.get(ip);
    if (entry !== undefined) entry.dirty = true;
  }

  /**
   * What changed since the previous drain (everything held, when `full`), then forgets edges and
   * nodes idle for longer than idleMs before `now`. Every edge is drained before it can expire.
   */
  drain(now: number, full = false): Drained {
    const edges: SliceEdge[] = [];
    const nodes: SliceNode[] = [];
    const horizon = now - this.limits.idleMs;
    const flowHorizon = now - this.limits.flowIdleMs;
    for (const [key, entry] of this.edges) {
      if (entry.dirty || full) edges.push({ ...entry.edge, verdicts: { ...entry.edge.verdicts } });
      entry.dirty = false;
      if (entry.edge.last_seen < horizon) {
        this.remembered -= entry.connections.size;
        this.edges.delete(key);
        this.counters.edgesExpired++;
        continue;
      }
      // A connection idle past flowIdleMs would count again anyway: forget it (at most maxFlows).
      for (const [port, last] of entry.connections) {
        if (last < flowHorizon) {
          entry.connections.delete(port);
          this.remembered--;
        }
      }
    }
    for (const [ip, entry] of this.nodes) {
      if (entry.dirty || full) nodes.push({ ip, last_seen: entry.lastSeen, ...entry.facts.toFacts() });
      entry.dirty = false;
      if (entry.lastSeen < horizon) {
        this.nodes.delete(ip);
        this.counters.nodesExpired++;
      }
    }
    return { edges, nodes };
  }
}
