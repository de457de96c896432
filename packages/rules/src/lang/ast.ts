import type { StringToken, Token } from './token.js';

/** A literal as written: interpreted by the compiler once the type it must have is known. */
export type Literal = Extract<Token, { kind: 'word' }> | StringToken;

export type ComparisonOp =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'contains'
  | 'matches'
  | 'wildcard'
  | 'strict wildcard'
  | 'bitwise_and';

/** `["key"]` or `[0]`: one map value or array element; `[*]`: every one of them. */
export type IndexStep = { kind: 'key'; key: Literal; offset: number } | { kind: 'each'; offset: number };

export interface FieldHead {
  kind: 'field';
  name: string;
  offset: number;
}

export interface CallHead {
  kind: 'call';
  name: string;
  offset: number;
  args: Array<ValueNode | Literal>;
}

/** A field or function call followed by index steps: `m["k"][*]`, `lower(x[*])[0]`. */
export interface ValueNode {
  kind: 'value';
  head: FieldHead | CallHead;
  indexes: IndexStep[];
  offset: number;
}

export type Expr =
  | { kind: 'compare'; lhs: ValueNode; op: ComparisonOp; opOffset: number; rhs: Literal }
  | { kind: 'in'; lhs: ValueNode; opOffset: number; items: Literal[]; setOffset: number }
  /** A value used on its own: must be Bool or Array(Bool) (a Bool field, starts_with(...)). */
  | { kind: 'bare'; value: ValueNode }
  | { kind: 'not'; offset: number; operand: Expr }
  /** `a and b and c`: one node per run of one operator (wirefilter's combined expression). */
  | { kind: 'logical'; op: 'and' | 'or' | 'xor'; offsets: number[]; items: Expr[] }
  /**
   * any(...) / all(...). `argIsValue` when the argument is a value on its own (`any(flags)`): an
   * absent value makes both false; a comparison over `[*]` elements of an absent value has no
   * elements, so any() is false and all() is true (wirefilter's semantics).
   */
  | { kind: 'quantifier'; name: 'any' | 'all'; offset: number; arg: Expr; argIsValue: boolean };

/** The value functions; any and all are quantifiers over expressions. */
export const FUNCTIONS: readonly string[] = [
  'lower',
  'upper',
  'len',
  'starts_with',
  'ends_with',
  'any',
  'all',
];

/** The offset an expression is reported at. */
export function exprOffset(expr: Expr): number {
  switch (expr.kind) {
    case 'compare':
    case 'in':
      return expr.lhs.offset;
    case 'bare':
      return expr.value.offset;
    case 'not':
    case 'quantifier':
      return expr.offset;
    case 'logical':
      return exprOffset(expr.items[0]);
  }
}

/** The canonical text of a value: its name in messages, and its key in rule indexes. */
export function valueText(node: ValueNode): string {
  const head = node.head;
  let text =
    head.kind === 'field'
      ? head.name
      : `${head.name}(${head.args.map((a) => (a.kind === 'value' ? valueText(a) : literalText(a))).join(', ')})`;
  for (const step of node.indexes) text += step.kind === 'each' ? '[*]' : `[${literalText(step.key)}]`;
  return text;
}

function literalText(literal: Literal): string {
  return literal.kind === 'word' ? literal.text : JSON.stringify(literal.body);
}
