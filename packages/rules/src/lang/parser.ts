import {
  EXPRESSION_FUNCTIONS,
  type ComparisonOp,
  type Expr,
  type FieldNode,
  type Literal,
  type ValueNode,
} from './ast.js';
import { tokenize } from './lexer.js';
import { positionAt, RuleSyntaxError } from './source-error.js';
import { describeToken, type Token } from './token.js';

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const KEYWORDS: ReadonlySet<string> = new Set([
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
]);
const OPERATORS: Readonly<Record<string, ComparisonOp>> = {
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
};
const LOGICAL: ReadonlyArray<{ op: 'or' | 'xor' | 'and'; spellings: readonly string[] }> = [
  { op: 'or', spellings: ['or', '||'] },
  { op: 'xor', spellings: ['xor', '^^'] },
  { op: 'and', spellings: ['and', '&&'] },
];
const EXPECTED_OPERATOR = 'an operator (eq, ne, lt, le, gt, ge, contains, matches, wildcard, in)';

/** Parses an expression into its syntax tree; throws RuleSyntaxError with line:column. */
export function parseExpression(source: string): Expr {
  return new Parser(source, tokenize(source)).parseAll();
}

/**
 * Recursive descent with wirefilter's precedence, loosest first: or, xor, and, then the unary not,
 * which binds to the single comparison (or parenthesised group) after it.
 */
class Parser {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parseAll(): Expr {
    const expr = this.logical(0);
    const next = this.peek();
    if (next.kind !== 'eof') {
      const what = this.isOperatorToken(next)
        ? 'a field or function before the operator'
        : '"and", "or", "xor" or end of input';
      this.fail(next, `expected ${what}`);
    }
    return expr;
  }

  private logical(level: number): Expr {
    if (level === LOGICAL.length) return this.unary();
    const { op, spellings } = LOGICAL[level];
    let left = this.logical(level + 1);
    while (this.isText(this.peek(), spellings)) {
      const offset = this.next().offset;
      const right = this.logical(level + 1);
      left = { kind: 'logical', op, offset, left, right };
    }
    return left;
  }

  private unary(): Expr {
    const token = this.peek();
    if (this.isText(token, ['not', '!'])) {
      this.next();
      return { kind: 'not', offset: token.offset, operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '(') {
      this.next();
      const inner = this.logical(0);
      const close = this.peek();
      if (!(close.kind === 'punct' && close.text === ')')) {
        const at = this.describeOffset(token.offset);
        this.fail(close, `expected ")" to close the "(" at ${at}, or "and", "or", "xor"`);
      }
      this.next();
      return inner;
    }
    const value = this.value('a field, a function, "not" or "("');
    return this.comparison(value);
  }

  private comparison(lhs: ValueNode): Expr {
    const token = this.peek();
    if (token.kind === 'word' && token.text === 'in') {
      this.next();
      return this.set(lhs, token.offset);
    }
    let op: ComparisonOp | undefined;
    if (token.kind === 'word' && token.text === 'strict') {
      this.next();
      const w = this.peek();
      if (!(w.kind === 'word' && w.text === 'wildcard')) this.fail(w, 'expected "wildcard" after "strict"');
      op = 'strict wildcard';
    } else if (token.kind === 'word' || token.kind === 'punct') {
      op = OPERATORS[token.text];
    }
    if (op === undefined) {
      if (token.kind === 'eof' || this.isText(token, ['and', 'or', 'xor', '&&', '||', '^^', ')', ','])) {
        return { kind: 'bare', value: lhs };
      }
      this.fail(token, `expected ${EXPECTED_OPERATOR} or "and", "or", "xor"`);
    }
    this.next();
    const rhs = this.peek();
    if (rhs.kind !== 'string' && !(rhs.kind === 'word' && !KEYWORDS.has(rhs.text))) {
      this.fail(rhs, 'expected a value');
    }
    this.next();
    return { kind: 'compare', lhs, op, opOffset: token.offset, rhs };
  }

  private set(lhs: ValueNode, opOffset: number): Expr {
    const open = this.peek();
    if (!(open.kind === 'punct' && open.text === '{'))
      this.fail(open, 'expected "{" to start a set of values');
    this.next();
    const items: Literal[] = [];
    while (true) {
      const token = this.peek();
      if (token.kind === 'punct' && token.text === '}') {
        if (items.length === 0) this.fail(token, 'expected at least one value in the set');
        this.next();
        return { kind: 'in', lhs, opOffset, items, setOffset: open.offset };
      }
      if (token.kind === 'string' || (token.kind === 'word' && !KEYWORDS.has(token.text))) {
        items.push(token);
        this.next();
        continue;
      }
      if (token.kind === 'punct' && token.text === ',')
        this.fail(token, 'expected a value or "}" (set values are separated by spaces, not commas)');
      this.fail(
        token,
        `expected a value or "}" to close the set opened at ${this.describeOffset(open.offset)}`,
      );
    }
  }

  private value(expected: string): ValueNode {
    const token = this.peek();
    if (token.kind !== 'word' || KEYWORDS.has(token.text) || !FIELD_NAME.test(token.text)) {
      this.fail(token, `expected ${expected}`);
    }
    this.next();
    const after = this.peek();
    if (after.kind === 'punct' && after.text === '(') return this.call(token.text, token.offset);
    const field: FieldNode = { kind: 'field', name: token.text, offset: token.offset };
    if (after.kind === 'punct' && after.text === '[') {
      this.next();
      const key = this.peek();
      if (key.kind === 'punct' && key.text === '*') field.index = { key: '*', offset: key.offset };
      else if (key.kind === 'string' || key.kind === 'word') field.index = { key, offset: key.offset };
      else this.fail(key, 'expected a key in quotes, an index or "*" after "["');
      this.next();
      const close = this.peek();
      if (!(close.kind === 'punct' && close.text === ']')) this.fail(close, 'expected "]"');
      this.next();
    }
    return field;
  }

  private call(name: string, offset: number): ValueNode {
    this.next(); // (
    const args: Array<ValueNode | Literal | Expr> = [];
    if (this.isText(this.peek(), [')'])) {
      this.next();
      return { kind: 'call', name, offset, args };
    }
    while (true) {
      if (EXPRESSION_FUNCTIONS.has(name)) args.push(this.logical(0));
      else {
        const token = this.peek();
        const isLiteral = token.kind === 'string' || (token.kind === 'word' && !FIELD_NAME.test(token.text));
        if (isLiteral) {
          args.push(token);
          this.next();
        } else args.push(this.value('a field, a function or a value as argument'));
      }
      const sep = this.peek();
      if (this.isText(sep, [')'])) {
        this.next();
        return { kind: 'call', name, offset, args };
      }
      if (!this.isText(sep, [','])) this.fail(sep, `expected "," or ")" to close ${name}(`);
      this.next();
    }
  }

  private isOperatorToken(token: Token): boolean {
    return (
      (token.kind === 'word' || token.kind === 'punct') &&
      (OPERATORS[token.text] !== undefined || token.text === 'in')
    );
  }

  private isText(token: Token, texts: readonly string[]): boolean {
    return (token.kind === 'word' || token.kind === 'punct') && texts.includes(token.text);
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private describeOffset(offset: number): string {
    const { line, column } = positionAt(this.source, offset);
    return `${line}:${column}`;
  }

  private fail(token: Token, expected: string): never {
    const previous = this.pos > 0 ? this.tokens[this.pos - 1] : undefined;
    const after =
      previous !== undefined && previous.kind !== 'string' ? ` after ${describeToken(previous)}` : '';
    throw new RuleSyntaxError(
      this.source,
      token.offset,
      `${expected}${after}, found ${describeToken(token)}`,
    );
  }
}
