import { normalizeIp, type FieldType, type FieldValue } from '@glia/core';
import { typeName } from '../lang/scheme.js';

export type Converted = { value: FieldValue } | { problem: string };

/** Converts a value written in a test file (YAML/JSON data) to a field value of the given type. */
export function toFieldValue(type: FieldType, value: unknown): Converted {
  const problem = (what: string): Converted => ({
    problem: `expected ${what} for a ${typeName(type)} field, found ${JSON.stringify(value)}`,
  });
  if (type === 'Ip')
    return typeof value === 'string' && normalizeIp(value) !== null ? { value } : problem('an IP address');
  if (type === 'Bytes') return typeof value === 'string' ? { value } : problem('a string');
  if (type === 'Int')
    return typeof value === 'number' && Number.isSafeInteger(value) ? { value } : problem('an integer');
  if (type === 'Bool') return typeof value === 'boolean' ? { value } : problem('true or false');
  if (type.kind === 'map') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return problem('a mapping');
    const map = new Map<string, FieldValue>();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const element = toFieldValue(type.value, v);
      if ('problem' in element) return problem(`a mapping of ${typeName(type.value)} values`);
      map.set(k, element.value);
    }
    return { value: map };
  }
  if (!Array.isArray(value)) return problem('a list');
  const list: FieldValue[] = [];
  for (const v of value) {
    const element = toFieldValue(type.value, v);
    if ('problem' in element) return problem(`a list of ${typeName(type.value)}`);
    list.push(element.value);
  }
  return { value: list };
}
