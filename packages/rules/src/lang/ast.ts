import type { Token } from './token.js';

/** A literal as written: interpreted by the compiler once the field's type is known. */
export type Literal = Extract<Token, { kind: 'word' } | { kind: 'string' }>;

export type ComparisonOp =
  'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'contains' | 'matches' | 'wildcard' | 'strict wildcard';

export interface FieldNode {
  kind: 'field';
  name: string;
  offset: number;
  /** `["key"]`, `[0]` or `[*]`. */
  index?: { key: Literal | '*'; offset: number };
}

export interface CallNode {
  kind: 'call';
  name: string;
  offset: number;
  args: Array<ValueNode | Literal | Expr>;
}

export type ValueNode = FieldNode | CallNode;

export type Expr =
  | { kind: 'compare'; lhs: ValueNode; op: ComparisonOp; opOffset: number; rhs: Literal }
  | { kind: 'in'; lhs: ValueNode; opOffset: number; items: Literal[]; setOffset: number }
  /** A value used on its own: must be Bool (a Bool field, starts_with(...), any(...)). */
  | { kind: 'bare'; value: ValueNode }
  | { kind: 'not'; offset: number; operand: Expr }
  | { kind: 'logical'; op: 'and' | 'or' | 'xor'; offset: number; left: Expr; right: Expr };

/** Functions whose arguments are whole expressions rather than values. */
export const EXPRESSION_FUNCTIONS: ReadonlySet<string> = new Set(['any', 'all']);
export const FUNCTIONS: readonly string[] = [
  'lower',
  'upper',
  'len',
  'starts_with',
  'ends_with',
  'any',
  'all',
];
