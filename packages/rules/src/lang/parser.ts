import type { CallHead, ComparisonOp, Expr, IndexStep, Literal, ValueNode } from './ast.js';
import { EXPECTED_OPERATOR, FIELD_NAME, KEYWORDS, LOGICAL, OPERATORS } from './keywords.js';
import { tokenize } from './lexer.js';
import { MAX_COMPARISONS, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH } from './limits.js';
import { positionAt, RuleSyntaxError } from './source-error.js';
import { describeToken, type Token } from './token.js';

/** Parses an expression into its syntax tree; throws RuleSyntaxError with line:column. */
export function parseExpression(source: string): Expr {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new RuleSyntaxError(
      source,
      MAX_EXPRESSION_LENGTH,
      `the expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}: split it into several rules`,
    );
  }
  return new Parser(source, tokenize(source)).parseAll();
}

/**
 * Recursive descent with wirefilter's precedence, loosest first: or, xor, and, then the unary not,
 * which binds to the single comparison (or parenthesised group) after it. A run of one operator
 * is one node with all its operands, so a long chain of `and`s is flat, not deep. Nesting
 * (parentheses, not, calls, any/all) and the number of comparisons are limited (limits.ts).
 */
class Parser {
  private pos = 0;
  private depth = 0;
  private comparisons = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parseAll(): Expr {
    const expr = this.logical(0);
    const next = this.peek();
    if (next.kind !== 'eof') {
      if (this.isText(next, ['&'])) {
        this.fail(
          next,
          'expected "and", "or", "xor" or end of input (a single "&" is bitwise and, as in tcp.flags & 2; did you mean "&&"?)',
        );
      }
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
    const first = this.logical(level + 1);
    if (!this.isText(this.peek(), spellings)) return first;
    const items = [first];
    const offsets: number[] = [];
    while (this.isText(this.peek(), spellings)) {
      offsets.push(this.next().offset);
      items.push(this.logical(level + 1));
    }
    return { kind: 'logical', op, offsets, items };
  }

  private unary(): Expr {
    const token = this.peek();
    if (this.isText(token, ['not', '!'])) {
      this.next();
      this.enter(token);
      const operand = this.unary();
      this.depth--;
      return { kind: 'not', offset: token.offset, operand };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '(') {
      this.next();
      this.enter(token);
      const inner = this.logical(0);
      const close = this.peek();
      if (!(close.kind === 'punct' && close.text === ')')) {
        const at = this.describeOffset(token.offset);
        this.fail(close, `expected ")" to close the "(" at ${at}, or "and", "or", "xor"`);
      }
      this.next();
      this.depth--;
      return inner;
    }
    if (
      token.kind === 'word' &&
      (token.text === 'any' || token.text === 'all') &&
      this.isText(this.peekAt(1), ['('])
    ) {
      return this.quantifier(token.text);
    }
    const value = this.value('a field, a function, "not" or "("');
    return this.comparison(value);
  }

  private quantifier(name: 'any' | 'all'): Expr {
    const token = this.next();
    const open = this.next();
    this.enter(open);
    const argIsValue = !this.isText(this.peek(), ['(', 'not', '!']);
    const arg = this.logical(0);
    const close = this.peek();
    if (this.isText(close, [','])) this.fail(close, `${name}() takes 1 argument`);
    if (!this.isText(close, [')'])) this.fail(close, `expected ")" to close ${name}(`);
    this.next();
    this.depth--;
    return {
      kind: 'quantifier',
      name,
      offset: token.offset,
      arg,
      argIsValue: argIsValue && arg.kind === 'bare',
    };
  }

  private comparison(lhs: ValueNode): Expr {
    const token = this.peek();
    this.count(lhs.offset);
    if (token.kind === 'word' && token.text === 'in') {
      this.next();
      return this.set(lhs, token.offset);
    }
    let op: ComparisonOp | undefined;
    if (token.kind === 'word' && token.text === 'strict') {
      this.next();
      const w = this.peek();
      if (!(w.kind === 'word' && w.text === 'wildcard')) this.fail(w, 'expected "wildcard"');
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
    if (!this.isLiteral(rhs)) this.fail(rhs, 'expected a value');
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
        this.next();
        return { kind: 'in', lhs, opOffset, items, setOffset: open.offset };
      }
      if (this.isLiteral(token)) {
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
    const head = this.isText(this.peek(), ['('])
      ? this.call(token.text, token.offset)
      : { kind: 'field' as const, name: token.text, offset: token.offset };
    const indexes: IndexStep[] = [];
    while (this.isText(this.peek(), ['['])) {
      this.next();
      const key = this.peek();
      if (key.kind === 'punct' && key.text === '*') indexes.push({ kind: 'each', offset: key.offset });
      else if (key.kind === 'string' || key.kind === 'word')
        indexes.push({ kind: 'key', key, offset: key.offset });
      else this.fail(key, 'expected a key in quotes, an index or "*"');
      this.next();
      const close = this.peek();
      if (!(close.kind === 'punct' && close.text === ']')) this.fail(close, 'expected "]"');
      this.next();
    }
    return { kind: 'value', head, indexes, offset: token.offset };
  }

  private call(name: string, offset: number): CallHead {
    const open = this.next();
    this.enter(open);
    const args: Array<ValueNode | Literal> = [];
    if (this.isText(this.peek(), [')'])) {
      this.next();
      this.depth--;
      return { kind: 'call', name, offset, args };
    }
    while (true) {
      const token = this.peek();
      const isLiteral = token.kind === 'string' || (token.kind === 'word' && !FIELD_NAME.test(token.text));
      if (isLiteral) {
        args.push(token);
        this.next();
      } else args.push(this.value('a field, a function or a value as argument'));
      const sep = this.peek();
      if (this.isText(sep, [')'])) {
        this.next();
        this.depth--;
        return { kind: 'call', name, offset, args };
      }
      if (!this.isText(sep, [','])) this.fail(sep, `expected "," or ")" to close ${name}(`);
      this.next();
    }
  }

  /** One more level of nesting, opened by `token`. */
  private enter(token: Token): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new RuleSyntaxError(
        this.source,
        token.offset,
        `the expression nests more than ${MAX_NESTING_DEPTH} levels deep here (parentheses, not, function calls); simplify it or split it into several rules`,
      );
    }
  }

  private count(offset: number): void {
    if (++this.comparisons > MAX_COMPARISONS) {
      throw new RuleSyntaxError(
        this.source,
        offset,
        `the expression has more than ${MAX_COMPARISONS} comparisons; split it into several rules`,
      );
    }
  }

  private isLiteral(token: Token): token is Literal {
    return token.kind === 'string' || (token.kind === 'word' && !KEYWORDS.has(token.text));
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

  private peekAt(ahead: number): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
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
