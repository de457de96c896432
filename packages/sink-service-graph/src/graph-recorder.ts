import {
  errorMessage,
  FieldResolver,
  type Bus,
  type FieldDefinition,
  type Observation,
  type Verdict,
} from '@glia/core';
import type { GraphAccumulator, Sighting, VerdictOutcome } from '@glia/service-graph';
import { FACT_FIELDS, recordNodeFacts, type FieldGetter } from './node-facts-from-fields.js';

/**
 * Feeds a graph accumulator from the bus: every observation is a sighting of its edge (plus node
 * facts read from its fields when the edge is first seen in an interval, or when its phase brings a
 * fact), every verdict a decision counted on its edge. Shared by the sink and `glia replay --print
 * graph`. Synchronous and allocation-light: a map update per observation.
 */
export class GraphRecorder {
  private getter: FieldGetter | null = null;
  private unsubscribe: Array<() => void> = [];
  /** Field resolvers that threw (their facts are left out). */
  factErrors = 0;

  constructor(
    private readonly bus: Bus,
    readonly accumulator: GraphAccumulator,
    /** The fields of the core and the running enrichers; read at the first observation. */
    private readonly fields: () => readonly FieldDefinition[],
    private readonly onFactError: (message: string) => void = () => undefined,
  ) {}

  start(): void {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe.push(
      this.bus.subscribe('observation', (o) => this.observe(o)),
      this.bus.subscribe('verdict', (v) => this.verdict(v)),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  observe(o: Observation): void {
    const sighting = sightingOf(o);
    const first = this.accumulator.observe(sighting);
    if (first === null) return;
    const phase: string = o.phase;
    if (!first && phase === 'flow') return;
    try {
      this.getter ??= this.factGetter();
      recordNodeFacts(this.accumulator, o, this.getter, sighting.ts, first);
    } catch (error) {
      // A failing enricher costs its facts, never the graph.
      if (this.factErrors++ === 0) this.onFactError(`reading node facts failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Reads fields through the agent's resolver (memoized on the observation, shared with the policy
   * stage), skipping names no enabled enricher provides: those are absent anyway.
   */
  private factGetter(): FieldGetter {
    const resolver = new FieldResolver(this.fields());
    const provided = new Set<string>(
      Object.values(FACT_FIELDS).filter((name) => resolver.definition(name) !== undefined),
    );
    return (o, name) => (provided.has(name) ? resolver.get(o, name) : undefined);
  }

  verdict(v: Verdict): void {
    const outcome: VerdictOutcome =
      v.action === 'drop' ? (v.enforce ? 'drop' : 'would_drop') : v.action === 'log' ? 'log' : 'allow';
    this.accumulator.verdict(sightingOf(v.observation), outcome);
  }
}

function sightingOf(o: Observation): Sighting {
  return {
    client: o.client,
    server: o.server,
    clientPort: o.clientPort,
    serverPort: o.serverPort,
    proto: o.proto,
    // Number() first: one bigint conversion is cheaper than bigint division (ms need no more).
    ts: Math.floor(Number(o.ts) / 1e6),
  };
}
