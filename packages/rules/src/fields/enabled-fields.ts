import { DESIGN_FIELDS, type FieldSpec } from './design-fields.js';

/**
 * The DESIGN §5 fields available with the given enricher types enabled (core fields always), for
 * checking rules against a config without starting its plugins: `glia rules check --config`.
 */
export function fieldsForEnrichers(enricherTypes: readonly string[]): FieldSpec[] {
  const enabled = new Set(enricherTypes);
  return DESIGN_FIELDS.filter((f) => f.provider === 'core' || enabled.has(f.provider));
}
