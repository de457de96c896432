import type { FieldValue } from '@glia/core';
import { compileExpression } from './compile.js';
import { TEST_FIELDS } from './test-fields.js';
import { Scheme, type TypedField } from './scheme.js';
import { RuleSyntaxError } from './source-error.js';

/** Test-only fields covering types the agent's fields do not use (Bool, arrays, nesting). */
export const EXTRA_TEST_FIELDS: readonly TypedField[] = [
  { name: 'dns.fqdns', type: { kind: 'array', value: 'Bytes' } },
  { name: 'test.ports', type: { kind: 'array', value: 'Int' } },
  { name: 'test.flag', type: 'Bool' },
  { name: 'test.bytes', type: 'Bytes' },
  { name: 'test.bools', type: { kind: 'array', value: 'Bool' } },
  { name: 'test.bools2', type: { kind: 'array', value: 'Bool' } },
  { name: 'test.headers', type: { kind: 'map', value: { kind: 'array', value: 'Bytes' } } },
  { name: 'test.flags_by_key', type: { kind: 'map', value: { kind: 'array', value: 'Bool' } } },
  { name: 'test.parts', type: { kind: 'array', value: { kind: 'array', value: 'Bytes' } } },
  { name: 'test.ips', type: { kind: 'array', value: 'Ip' } },
];

/** TEST_FIELDS plus EXTRA_TEST_FIELDS. Not exported from the package. */
export function testScheme(): Scheme {
  return new Scheme([...TEST_FIELDS, ...EXTRA_TEST_FIELDS]);
}

const scheme = testScheme();

/** Compiles against the test scheme and evaluates on the fields given (the rest absent). */
export function evaluate(
  expression: string,
  fields: Record<string, FieldValue>,
  options: { absentNotEqual?: boolean } = {},
): boolean {
  return compileExpression(expression, scheme, options).test((name) => fields[name]);
}

/** The compile error of an expression as `line:column: message`, or 'ok' when it compiles. */
export function compileError(expression: string): string {
  try {
    compileExpression(expression, scheme);
    return 'ok';
  } catch (error) {
    if (error instanceof RuleSyntaxError) return error.message;
    throw error;
  }
}
