import type { CallNode, Expr, FieldNode, Literal, ValueNode } from './ast.js';
import {
  comparisonPredicate,
  fusedFieldComparison,
  operatorProblem,
  setPredicate,
  type ValuePredicate,
} from './comparison.js';
import { applyFunction, type Argument } from './functions.js';
import { LiteralReader } from './literal-value.js';
import { parseExpression } from './parser.js';
import { Scheme, typeName } from './scheme.js';
import { RuleSyntaxError } from './source-error.js';
import { decodeString } from './string-literal.js';
import type { Plan } from './plan.js';
import type { FieldGetter, TypedValue } from './typed-value.js';

type OrderedOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
const ORDERED: ReadonlySet<string> = new Set<OrderedOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const isOrdered = (op: string): op is OrderedOp => ORDERED.has(op);

/** An expression compiled once into closures; evaluating it walks no syntax tree. */
export interface CompiledExpression {
  readonly source: string;
  /** Every field the expression reads, in order of first use. */
  readonly fields: readonly string[];
  test(get: FieldGetter): boolean;
  /** The expression's boolean skeleton, from which rule sets generate their evaluation function. */
  readonly plan: Plan;
}

/** Parses, type-checks against the scheme and compiles; throws RuleSyntaxError with line:column. */
export function compileExpression(source: string, scheme: Scheme): CompiledExpression {
  const ast = parseExpression(source);
  const compiler = new Compiler(source, scheme);
  const root = compiler.expr(ast);
  if (root.lifted)
    compiler.fail(liftedOffset(ast), 'a [*] expression must be wrapped in any(...) or all(...)');
  const test = root.get as (get: FieldGetter) => boolean;
  return { source, fields: [...compiler.fields], test, plan: planOf(root) };
}

function planOf(value: TypedValue): Plan {
  return value.plan ?? { kind: 'leaf', test: value.get as (get: FieldGetter) => boolean };
}

function liftedOffset(expr: Expr): number {
  switch (expr.kind) {
    case 'compare':
    case 'in':
      return expr.lhs.offset;
    case 'bare':
      return expr.value.offset;
    case 'not':
    case 'logical':
      return expr.offset;
  }
}

class Compiler {
  readonly fields = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly scheme: Scheme,
  ) {}

  fail(offset: number, detail: string): never {
    throw new RuleSyntaxError(this.source, offset, detail);
  }

  expr(expr: Expr): TypedValue {
    switch (expr.kind) {
      case 'compare': {
        const lhs = this.value(expr.lhs);
        const subject = describe(expr.lhs);
        const problem = operatorProblem(lhs.type, expr.op, subject);
        if (problem !== undefined) this.fail(expr.opOffset, problem);
        const read = new LiteralReader(this.source, subject);
        if (lhs.field !== undefined && (lhs.type === 'Int' || lhs.type === 'Bytes')) {
          const lit = lhs.type === 'Int' ? () => read.int(expr.rhs) : () => read.bytes(expr.rhs);
          const op = expr.op;
          if (isOrdered(op)) {
            const [name, slot, value] = [lhs.field, this.scheme.slot(lhs.field), lit()];
            const get = fusedFieldComparison(op, name, slot, value);
            return { type: 'Bool', lifted: false, get, plan: { kind: 'fused', op, name, slot, lit: value } };
          }
        }
        return this.predicate(lhs, comparisonPredicate(lhs.type, expr.op, expr.rhs, read));
      }
      case 'in': {
        const lhs = this.value(expr.lhs);
        const subject = describe(expr.lhs);
        const problem = operatorProblem(lhs.type, 'in', subject);
        if (problem !== undefined) this.fail(expr.opOffset, problem);
        return this.predicate(
          lhs,
          setPredicate(lhs.type, expr.items, new LiteralReader(this.source, subject)),
        );
      }
      case 'bare': {
        const value = this.value(expr.value);
        if (value.type !== 'Bool') {
          const subject = describe(expr.value);
          this.fail(
            expr.value.offset,
            `${subject} is ${typeName(value.type)}, not Bool: compare it with an operator (e.g. ${subject} ${value.type === 'Int' ? 'eq 1' : value.type === 'Ip' ? 'in {10.0.0.0/8}' : 'eq "x"'})`,
          );
        }
        if (value.field !== undefined) {
          const name = value.field;
          const slot = this.scheme.slot(name);
          const test = (v: unknown): boolean => v === true;
          return {
            type: 'Bool',
            lifted: false,
            get: (g) => test(g(name, slot)),
            plan: { kind: 'test', name, slot, derive: null, test },
          };
        }
        if (value.lifted) return value;
        const read = value.get;
        const get = (g: FieldGetter): boolean => read(g) === true;
        // Non-lifted Bool values (functions, any/all) are always true or false, so their plan fits.
        return {
          type: 'Bool',
          lifted: false,
          get,
          ...(value.plan === undefined ? {} : { plan: value.plan }),
        };
      }
      case 'not': {
        const operand = this.expr(expr.operand);
        const read = operand.get;
        if (operand.lifted) {
          return {
            type: 'Bool',
            lifted: true,
            get: (g) => (read(g) as boolean[] | undefined)?.map((b) => !b),
          };
        }
        return {
          type: 'Bool',
          lifted: false,
          get: (g) => !read(g),
          plan: { kind: 'not', operand: planOf(operand) },
        };
      }
      case 'logical': {
        const left = this.expr(expr.left);
        const right = this.expr(expr.right);
        if (left.lifted || right.lifted) {
          this.fail(
            expr.offset,
            `"${expr.op}" cannot combine [*] expressions; wrap each side in any(...) or all(...)`,
          );
        }
        const l = left.get as (g: FieldGetter) => boolean;
        const r = right.get as (g: FieldGetter) => boolean;
        const get =
          expr.op === 'and'
            ? (g: FieldGetter) => l(g) && r(g)
            : expr.op === 'or'
              ? (g: FieldGetter) => l(g) || r(g)
              : (g: FieldGetter) => l(g) !== r(g);
        const plan: Plan = { kind: 'logical', op: expr.op, left: planOf(left), right: planOf(right) };
        return { type: 'Bool', lifted: false, get, plan };
      }
    }
  }

  private predicate(lhs: TypedValue, test: ValuePredicate): TypedValue {
    if (lhs.lifted) {
      const read = lhs.get;
      return { type: 'Bool', lifted: true, get: (g) => (read(g) as unknown[] | undefined)?.map(test) };
    }
    const d = lhs.derived;
    const plan: Plan | undefined =
      d === undefined ? undefined : { kind: 'test', name: d.name, slot: d.slot, derive: d.derive, test };
    if (lhs.field !== undefined) {
      const name = lhs.field;
      const slot = this.scheme.slot(name);
      return { type: 'Bool', lifted: false, get: (g) => test(g(name, slot)), plan };
    }
    const read = lhs.get;
    return { type: 'Bool', lifted: false, get: (g) => test(read(g)), plan };
  }

  private value(node: ValueNode): TypedValue {
    return node.kind === 'field' ? this.field(node) : this.call(node);
  }

  private field(node: FieldNode): TypedValue {
    const type = this.scheme.type(node.name);
    if (type === undefined) this.fail(node.offset, this.scheme.explainUnknown(node.name));
    this.fields.add(node.name);
    const name = node.name;
    const slot = this.scheme.slot(name);
    if (node.index === undefined) {
      return {
        type,
        lifted: false,
        get: (g) => g(name, slot),
        field: name,
        derived: { name, slot, derive: null },
      };
    }
    const { key, offset } = node.index;
    if (typeof type === 'string')
      this.fail(offset, `${name} is ${type}: only Map and Array fields can be indexed`);
    if (key === '*') {
      const get =
        type.kind === 'map'
          ? (g: FieldGetter) => {
              const m = g(name, slot);
              return m instanceof Map ? [...(m as Map<string, unknown>).values()] : undefined;
            }
          : (g: FieldGetter) => {
              const a = g(name, slot);
              return Array.isArray(a) ? a : undefined;
            };
      return { type: type.value, lifted: true, get };
    }
    if (type.kind === 'map') {
      if (key.kind !== 'string')
        this.fail(offset, `${name} is ${typeName(type)}: expected a key in quotes, found "${key.text}"`);
      const k = decodeString(this.source, key, 'bytes');
      const pick = (m: unknown): unknown =>
        m instanceof Map ? (m as Map<string, unknown>).get(k) : undefined;
      return {
        type: type.value,
        lifted: false,
        get: (g) => pick(g(name, slot)),
        derived: { name, slot, derive: pick },
      };
    }
    if (key.kind !== 'word' || !/^[0-9]+$/.test(key.text)) {
      this.fail(offset, `${name} is ${typeName(type)}: expected an index (0, 1, ...) or *`);
    }
    const i = Number(key.text);
    const pick = (a: unknown): unknown => (Array.isArray(a) ? (a as unknown[])[i] : undefined);
    return {
      type: type.value,
      lifted: false,
      get: (g) => pick(g(name, slot)),
      derived: { name, slot, derive: pick },
    };
  }

  private call(node: CallNode): TypedValue {
    if (node.name === 'any' || node.name === 'all') {
      if (node.args.length !== 1)
        this.fail(node.offset, `${node.name}() takes 1 argument, found ${node.args.length}`);
      const inner = this.expr(node.args[0] as Expr);
      if (!inner.lifted) {
        this.fail(
          node.offset,
          `${node.name}() needs an expression over [*] elements, e.g. ${node.name}(dns.fqdns[*] eq "x")`,
        );
      }
      const read = inner.get as (g: FieldGetter) => boolean[] | undefined;
      const get =
        node.name === 'any'
          ? (g: FieldGetter) => read(g)?.includes(true) ?? false
          : (g: FieldGetter) => {
              const list = read(g);
              return list !== undefined && list.every((b) => b);
            };
      return { type: 'Bool', lifted: false, get };
    }
    const args: Argument[] = node.args.map((a) => (isValueNode(a) ? this.value(a) : (a as Literal)));
    return applyFunction(
      node,
      args,
      (literal) => new LiteralReader(this.source, `${node.name}()`).bytes(literal),
      (offset, detail) => this.fail(offset, detail),
    );
  }
}

function isValueNode(node: ValueNode | Literal | Expr): node is ValueNode {
  return node.kind === 'field' || node.kind === 'call';
}

function describe(node: ValueNode): string {
  if (node.kind === 'call') return `${node.name}(...)`;
  if (node.index === undefined) return node.name;
  const key = node.index.key;
  return `${node.name}[${key === '*' ? '*' : key.kind === 'string' ? `"${key.body}"` : key.text}]`;
}
