import type { FieldType } from '@glia/core';
import { providerOf } from '../fields/field-providers.js';

/** A field name with its type; core's FieldDefinition and DESIGN_FIELDS entries both fit. */
export interface TypedField {
  name: string;
  type: FieldType;
}

/** The fields an expression may use, with their types: what rules are compiled against. */
export class Scheme {
  private readonly types = new Map<string, FieldType>();
  private readonly slots = new Map<string, number>();

  constructor(fields: readonly TypedField[]) {
    for (const f of fields) {
      if (this.types.has(f.name)) throw new Error(`field ${f.name} is declared twice in the scheme`);
      this.slots.set(f.name, this.types.size);
      this.types.set(f.name, f.type);
    }
  }

  type(name: string): FieldType | undefined {
    return this.types.get(name);
  }

  /** The field's position in the list the scheme was built from (passed to getters as `slot`). */
  slot(name: string): number {
    return this.slots.get(name) ?? -1;
  }

  names(): string[] {
    return [...this.types.keys()];
  }

  /** Why a field is not in the scheme: its enricher is not enabled, or there is no such field. */
  explainUnknown(name: string): string {
    const provider = providerOf(name);
    const providerEnabled = provider !== undefined && this.names().some((n) => providerOf(n) === provider);
    if (provider !== undefined && provider !== 'core' && !providerEnabled) {
      return `field ${name} is provided by the ${provider} enricher, which is not enabled; add "- plugin: ${provider}" under enrichers`;
    }
    const suggestion = closest(name, this.names());
    return `unknown field ${name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`;
  }
}

export function typeName(type: FieldType): string {
  if (typeof type === 'string') return type;
  return `${type.kind === 'map' ? 'Map' : 'Array'}(${typeName(type.value)})`;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
