import type { ComparisonOp } from './ast.js';

/** The words and symbols of the language, as wirefilter spells them. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'xor',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'matches',
  'wildcard',
  'strict',
  'in',
  'bitwise_and',
]);
export const OPERATORS: Readonly<Record<string, ComparisonOp>> = {
  eq: 'eq',
  '==': 'eq',
  ne: 'ne',
  '!=': 'ne',
  lt: 'lt',
  '<': 'lt',
  le: 'le',
  '<=': 'le',
  gt: 'gt',
  '>': 'gt',
  ge: 'ge',
  '>=': 'ge',
  contains: 'contains',
  matches: 'matches',
  '~': 'matches',
  wildcard: 'wildcard',
  '&': 'bitwise_and',
  bitwise_and: 'bitwise_and',
};
export const LOGICAL: ReadonlyArray<{ op: 'or' | 'xor' | 'and'; spellings: readonly string[] }> = [
  { op: 'or', spellings: ['or', '||'] },
  { op: 'xor', spellings: ['xor', '^^'] },
  { op: 'and', spellings: ['and', '&&'] },
];
export const EXPECTED_OPERATOR = 'an operator (eq, ne, lt, le, gt, ge, contains, matches, wildcard, in, &)';
