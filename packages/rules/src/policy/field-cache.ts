import type { FieldDefinition, FieldValue, Observation } from '@glia/core';
import type { FieldGetter } from '../lang/typed-value.js';

/**
 * Resolves the fields of the observation being evaluated, each at most once, without allocating:
 * values live in slots stamped with a per-observation generation instead of a Map per observation
 * (a growing Map per observation cost more than the rules themselves). Values already present in
 * observation.fields win over the definitions. commit() copies what was computed into
 * observation.fields, for the sinks, only when a verdict is published.
 */
export class ObservationFieldCache {
  private readonly slots = new Map<string, number>();
  // Names and resolvers in flat arrays: definitions come in many object shapes, and reading
  // .name/.resolve off them was a megamorphic property load on every field read.
  private readonly names: string[] = [];
  private readonly resolvers: Array<FieldDefinition['resolve']> = [];
  private readonly values: Array<FieldValue | undefined>;
  private readonly stamps: Uint32Array;
  private generation = 1;
  private observation: Observation | null = null;
  /** Resolvers that threw (their field was taken as absent). */
  errors = 0;

  constructor(definitions: readonly FieldDefinition[]) {
    for (const d of definitions) {
      if (this.slots.has(d.name)) throw new Error(`field ${d.name} is provided twice`);
      this.slots.set(d.name, this.names.length);
      this.names.push(d.name);
      this.resolvers.push(d.resolve.bind(d));
    }
    this.values = new Array<FieldValue | undefined>(this.names.length).fill(undefined);
    this.stamps = new Uint32Array(this.names.length);
  }

  /** Starts evaluating another observation: every slot becomes stale at once. */
  begin(observation: Observation): void {
    this.observation = observation;
    if (++this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  end(): void {
    this.observation = null;
  }

  /** Rules compiled against a scheme of the same definitions pass the right slot; others are looked up. */
  readonly get: FieldGetter = (name, hint) => {
    let slot = hint;
    if (slot < 0 || slot >= this.names.length || this.names[slot] !== name) {
      const found = this.slots.get(name);
      if (found === undefined) return undefined;
      slot = found;
    }
    if (this.stamps[slot] === this.generation) return this.values[slot];
    const observation = this.observation as Observation;
    const known = observation.fields;
    let value: FieldValue | undefined;
    if (known.size !== 0 && known.has(name)) value = known.get(name);
    else {
      try {
        value = this.resolvers[slot](observation);
      } catch {
        // A failing enricher degrades its own fields to absent, never the rules of other fields.
        this.errors++;
        value = undefined;
      }
    }
    this.values[slot] = value;
    this.stamps[slot] = this.generation;
    return value;
  };

  /** Writes every field resolved for the current observation into observation.fields. */
  commit(): void {
    const observation = this.observation as Observation;
    for (let slot = 0; slot < this.names.length; slot++) {
      if (this.stamps[slot] !== this.generation) continue;
      const name = this.names[slot];
      if (!observation.fields.has(name)) observation.fields.set(name, this.values[slot]);
    }
  }
}
