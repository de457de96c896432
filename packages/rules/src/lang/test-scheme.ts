import { TEST_FIELDS } from './test-fields.js';
import { Scheme, type TypedField } from './scheme.js';

/** Test-only fields covering types the agent's fields do not use (Bool, arrays of Int). */
export const EXTRA_TEST_FIELDS: readonly TypedField[] = [
  { name: 'dns.fqdns', type: { kind: 'array', value: 'Bytes' } },
  { name: 'test.ports', type: { kind: 'array', value: 'Int' } },
  { name: 'test.flag', type: 'Bool' },
];

/** TEST_FIELDS plus EXTRA_TEST_FIELDS. Not exported from the package. */
export function testScheme(): Scheme {
  return new Scheme([...TEST_FIELDS, ...EXTRA_TEST_FIELDS]);
}
