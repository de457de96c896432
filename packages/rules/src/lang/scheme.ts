import { closestName, type FieldType } from '@glia/core';

/** A field name with its type; core's FieldSpec and FieldDefinition both fit. */
export interface TypedField {
  name: string;
  type: FieldType;
}

/**
 * Says why a field is not in a scheme when something outside it knows (e.g. "provided by the tls
 * enricher, which this config does not enable"); undefined when it does not.
 */
export type UnknownFieldExplainer = (name: string) => string | undefined;

/** The fields an expression may use, with their types: what rules are compiled against. */
export class Scheme {
  private readonly types = new Map<string, FieldType>();
  private readonly slots = new Map<string, number>();

  constructor(
    fields: readonly TypedField[],
    private readonly explainer?: UnknownFieldExplainer,
  ) {
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

  /** Why a field is not in the scheme: what the explainer knows, else the closest known name. */
  explainUnknown(name: string): string {
    const explained = this.explainer?.(name);
    if (explained !== undefined) return explained;
    const suggestion = closestName(name, this.names());
    return `unknown field ${name}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`;
  }
}

export function typeName(type: FieldType): string {
  if (typeof type === 'string') return type;
  return `${type.kind === 'map' ? 'Map' : 'Array'}(${typeName(type.value)})`;
}
