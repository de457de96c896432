import { DESIGN_FIELDS } from '../fields/design-fields.js';
import { Scheme, type TypedField } from './scheme.js';

/** Test-only fields covering the types DESIGN §5 does not use (Bool, arrays). */
export const EXTRA_TEST_FIELDS: readonly TypedField[] = [
  { name: 'dns.fqdns', type: { kind: 'array', value: 'Bytes' } },
  { name: 'test.ports', type: { kind: 'array', value: 'Int' } },
  { name: 'test.flag', type: 'Bool' },
];

/** Every DESIGN §5 field plus EXTRA_TEST_FIELDS. Not exported from the package. */
export function testScheme(): Scheme {
  return new Scheme([...DESIGN_FIELDS, ...EXTRA_TEST_FIELDS]);
}
