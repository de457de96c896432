import type { FieldDefinition, FieldValue, Observation } from '@glia/core';
import type { FieldReader } from '../lang/rule-set-function.js';
import type { FieldGetter } from '../lang/typed-value.js';

/**
 * Resolves the fields of the observation being evaluated, each at most once, without allocating:
 * values live in slots stamped with a per-observation generation instead of a Map per observation
 * (a growing Map per observation cost more than the rules themselves). Values already present in
 * observation.fields win over the definitions. commit() copies what was computed into
 * observation.fields, for the sinks, only when a verdict is published.
 *
 * Each field has a reader of its own (generated where the host allows it), so a caller reading
 * fields at distinct call sites (the rule set's generated function) calls one resolver per site,
 * which V8 can inline; `get` serves everything else through one megamorphic call.
 */
export class ObservationFieldCache {
  private readonly slots = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly readers: Array<FieldReader<Observation>>;
  private readonly values: Array<FieldValue | undefined>;
  private readonly stamps: Uint32Array;
  generation = 1;
  private observation: Observation | null = null;
  /** Resolvers that threw (their field was taken as absent). */
  errors = 0;

  constructor(definitions: readonly FieldDefinition[]) {
    for (const d of definitions) {
      if (this.slots.has(d.name)) throw new Error(`field ${d.name} is provided twice`);
      this.slots.set(d.name, this.names.length);
      this.names.push(d.name);
    }
    this.values = new Array<FieldValue | undefined>(this.names.length).fill(undefined);
    this.stamps = new Uint32Array(this.names.length);
    this.readers = definitions.map((d, slot) => this.reader(d, slot));
  }

  /** The reader of a field, or undefined when no definition provides it. */
  readonly readerOf = (name: string): FieldReader<Observation> | undefined => {
    const slot = this.slots.get(name);
    return slot === undefined ? undefined : this.readers[slot];
  };

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
    return this.readers[slot](this.observation as Observation);
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

  private reader(definition: FieldDefinition, slot: number): FieldReader<Observation> {
    const { stamps: ST, values: V } = this;
    const name = definition.name;
    try {
      // Only the slot number becomes source text; the name and definition are parameters.
      const make = new Function(
        'C',
        'ST',
        'V',
        'NAME',
        'DEF',
        `return function readField(o) {
  if (ST[${slot}] === C.generation) return V[${slot}];
  let v;
  const known = o.fields;
  if (known.size !== 0 && known.has(NAME)) v = known.get(NAME);
  else {
    try {
      v = DEF.resolve(o);
    } catch {
      C.errors++;
      v = undefined;
    }
  }
  V[${slot}] = v;
  ST[${slot}] = C.generation;
  return v;
};`,
      ) as (...args: unknown[]) => FieldReader<Observation>;
      return make(this, ST, V, name, definition);
    } catch {
      // Code generation is disabled: the same reader as a closure (one shared call site).
      return (o) => {
        if (ST[slot] === this.generation) return V[slot];
        let v: FieldValue | undefined;
        const known = o.fields;
        if (known.size !== 0 && known.has(name)) v = known.get(name);
        else {
          try {
            v = definition.resolve(o);
          } catch {
            // A failing enricher degrades its own fields to absent, never the rules of other fields.
            this.errors++;
            v = undefined;
          }
        }
        V[slot] = v;
        ST[slot] = this.generation;
        return v;
      };
    }
  }
}
