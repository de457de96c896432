import { exprOffset, type Expr } from './ast.js';
import { comparison, operatorProblem, setComparison, type Comparison } from './comparison.js';
import { cheapestFirst } from './evaluation-order.js';
import { unionOfHints, type IndexHint } from './index-hint.js';
import { LiteralReader } from './literal-value.js';
import { parseExpression } from './parser.js';
import type { Plan } from './plan.js';
import { Scheme, typeName } from './scheme.js';
import { RuleSyntaxError } from './source-error.js';
import type { FieldGetter, Value } from './typed-value.js';
import { ValueCompiler } from './values.js';

/** How a rule set's expressions treat absent values. */
export interface CompileOptions {
  /**
   * `absent != x` is true (wirefilter's default) instead of false. Every other comparison with an
   * absent value is false either way.
   */
  absentNotEqual?: boolean;
}

/** An expression compiled once into closures; evaluating it walks no syntax tree. */
export interface CompiledExpression {
  readonly source: string;
  /** Every field the expression reads, in order of first use. */
  readonly fields: readonly string[];
  test(get: FieldGetter): boolean;
  /** The expression's boolean skeleton, from which rule sets generate their evaluation function. */
  readonly plan: Plan;
  /** Necessary conditions of the expression being true, each on one value, for rule indexes. */
  readonly hints: readonly IndexHint[];
}

/** A compiled Bool expression, or (`vec`) an Array(Bool) one: one result per `[*]` element. */
type Predicate =
  | { vec: false; get: (g: FieldGetter) => boolean; plan: Plan; hints: IndexHint[] }
  | { vec: true; get: (g: FieldGetter) => boolean[] };

/** Parses, type-checks against the scheme and compiles; throws RuleSyntaxError with line:column. */
export function compileExpression(
  source: string,
  scheme: Scheme,
  options: CompileOptions = {},
): CompiledExpression {
  const ast = parseExpression(source);
  const compiler: Compiler = new Compiler(source, scheme, options.absentNotEqual === true);
  const root = compiler.expr(ast);
  if (root.vec) {
    compiler.fail(
      exprOffset(ast),
      'this is an Array(Bool) (it compares [*] elements): wrap it in any(...) or all(...)',
    );
  }
  return {
    source,
    fields: [...compiler.values.fields],
    test: root.get,
    plan: root.plan,
    hints: root.hints,
  };
}

class Compiler {
  readonly values: ValueCompiler;

  constructor(
    private readonly source: string,
    private readonly scheme: Scheme,
    private readonly absentNotEqual: boolean,
  ) {
    this.values = new ValueCompiler(
      source,
      scheme,
      (offset, detail) => this.fail(offset, detail),
      (literal, subject) => new LiteralReader(source, subject).bytes(literal),
    );
  }

  fail(offset: number, detail: string): never {
    throw new RuleSyntaxError(this.source, offset, detail);
  }

  expr(expr: Expr): Predicate {
    switch (expr.kind) {
      case 'compare':
      case 'in': {
        const { value } = this.values.value(expr.lhs);
        const op = expr.kind === 'in' ? 'in' : expr.op;
        const problem = operatorProblem(value.type, op, value.text);
        if (problem !== undefined) this.fail(expr.opOffset, problem);
        const type = value.type as 'Int' | 'Bytes' | 'Ip';
        const read = new LiteralReader(this.source, value.text);
        const result =
          expr.kind === 'in'
            ? setComparison(type, expr.items, read)
            : comparison(type, expr.op, expr.rhs, read);
        return this.compared(value, result, expr.kind === 'compare' && expr.op === 'ne');
      }
      case 'bare':
        return this.bare(expr.value);
      case 'not': {
        const operand = this.expr(expr.operand);
        if (operand.vec) {
          const list = operand.get;
          return { vec: true, get: (g) => list(g).map((b) => !b) };
        }
        const read = operand.get;
        return { vec: false, get: (g) => !read(g), plan: { kind: 'not', operand: operand.plan }, hints: [] };
      }
      case 'logical':
        return this.logical(expr);
      case 'quantifier':
        return this.quantifier(expr);
    }
  }

  /** A comparison of a value with literals; an absent value gives false (or true for ne, with absentNotEqual). */
  private compared(value: Value, result: Comparison, isNe: boolean): Predicate {
    const { test: present, fused } = result;
    const read = value.get;
    if (value.each) {
      return {
        vec: true,
        get: (g) => {
          const list = read(g) as unknown[] | undefined;
          return list === undefined ? [] : list.map(present);
        },
      };
    }
    const absent = isNe && this.absentNotEqual;
    const test = absent ? (v: unknown) => (v === undefined ? true : present(v)) : present;
    const d = value.derived;
    const hints: IndexHint[] =
      result.hint !== undefined && d !== undefined
        ? [{ ...result.hint, key: value.text, read: d } as IndexHint]
        : [];
    let plan: Plan;
    if (
      d !== undefined &&
      d.derive === null &&
      fused !== undefined &&
      (typeof fused.lit === 'number' || fused.op === 'eq' || fused.op === 'ne')
    ) {
      plan = { kind: 'fused', op: fused.op, name: d.name, slot: d.slot, lit: fused.lit, absent };
    } else if (d !== undefined) {
      plan = { kind: 'test', name: d.name, slot: d.slot, derive: d.derive, test };
    } else {
      plan = { kind: 'leaf', test: (g) => test(read(g)) };
    }
    return { vec: false, get: (g) => test(read(g)), plan, hints };
  }

  /** A value on its own: a Bool, or an Array(Bool) (per element). */
  private bare(node: Parameters<ValueCompiler['value']>[0]): Predicate {
    const { value, whenTrue } = this.values.value(node);
    const read = value.get;
    const type = value.type;
    if (value.each && type === 'Bool') {
      return {
        vec: true,
        get: (g) => ((read(g) as unknown[] | undefined) ?? []).map((x) => x === true),
      };
    }
    if (!value.each && typeof type !== 'string' && type.kind === 'array' && type.value === 'Bool') {
      return {
        vec: true,
        get: (g) => {
          const a = read(g);
          return Array.isArray(a) ? a.map((x) => x === true) : [];
        },
      };
    }
    if (type !== 'Bool') {
      const subject = value.text;
      const example = type === 'Int' ? 'eq 1' : type === 'Ip' ? 'in {10.0.0.0/8}' : 'eq "x"';
      this.fail(
        node.offset,
        `${subject} is ${typeName(type)}, not Bool: ${typeof type === 'string' ? `compare it with an operator (e.g. ${subject} ${example})` : `use ${subject}[*] inside any(...) or all(...)`}`,
      );
    }
    const test = (v: unknown): boolean => v === true;
    const d = value.derived;
    const plan: Plan =
      d !== undefined
        ? { kind: 'test', name: d.name, slot: d.slot, derive: d.derive, test }
        : { kind: 'leaf', test: (g) => read(g) === true };
    return {
      vec: false,
      get: (g) => read(g) === true,
      plan,
      hints: whenTrue === undefined ? [] : [whenTrue],
    };
  }

  private logical(expr: Extract<Expr, { kind: 'logical' }>): Predicate {
    const items = expr.items.map((item) => this.expr(item));
    const vec = items[0].vec;
    items.forEach((item, i) => {
      if (item.vec !== vec) {
        this.fail(
          expr.offsets[i - 1],
          `"${expr.op}" combines a Bool with an Array(Bool) (a comparison over [*] elements); wrap the [*] side in any(...) or all(...)`,
        );
      }
    });
    if (vec)
      return elementwise(
        expr.op,
        items.map((i) => i.get as (g: FieldGetter) => boolean[]),
      );
    const written = items as Array<Extract<Predicate, { vec: false }>>;
    const ones = expr.op === 'xor' ? written : cheapestFirst(written);
    const gets = ones.map((i) => i.get);
    const plan: Plan = { kind: 'logical', op: expr.op, items: ones.map((i) => i.plan) };
    const hints =
      expr.op === 'and'
        ? ones.flatMap((i) => i.hints)
        : expr.op === 'or'
          ? [unionOfHints(ones.map((i) => (i.hints.length === 1 ? i.hints[0] : undefined)))].filter(
              (h): h is IndexHint => h !== undefined,
            )
          : [];
    return { vec: false, get: logicalClosure(expr.op, gets), plan, hints };
  }

  private quantifier(expr: Extract<Expr, { kind: 'quantifier' }>): Predicate {
    const any = expr.name === 'any';
    const reduce = (list: boolean[]): boolean => (any ? list.includes(true) : !list.includes(false));
    if (expr.argIsValue && expr.arg.kind === 'bare') {
      const { value } = this.values.value(expr.arg.value);
      const type = value.type;
      if (!value.each && typeof type !== 'string' && type.kind === 'array' && type.value === 'Bool') {
        // An Array(Bool) value itself: absent makes any() and all() false (wirefilter).
        const read = value.get;
        const get = (g: FieldGetter): boolean => {
          const a = read(g);
          return Array.isArray(a) && reduce(a.map((x) => x === true));
        };
        return { vec: false, get, plan: { kind: 'leaf', test: get }, hints: [] };
      }
    }
    const inner = this.expr(expr.arg);
    if (!inner.vec) {
      this.fail(
        expr.offset,
        `${expr.name}() needs an Array(Bool): a comparison over [*] elements, e.g. ${expr.name}(dns.fqdns[*] eq "x")`,
      );
    }
    const read = inner.get;
    const get = (g: FieldGetter): boolean => reduce(read(g));
    return { vec: false, get, plan: { kind: 'leaf', test: get }, hints: [] };
  }
}

function logicalClosure(
  op: 'and' | 'or' | 'xor',
  gets: Array<(g: FieldGetter) => boolean>,
): (g: FieldGetter) => boolean {
  if (gets.length === 2) {
    const [l, r] = gets;
    return op === 'and' ? (g) => l(g) && r(g) : op === 'or' ? (g) => l(g) || r(g) : (g) => l(g) !== r(g);
  }
  if (op === 'and') return (g) => gets.every((f) => f(g));
  if (op === 'or') return (g) => gets.some((f) => f(g));
  return (g) => gets.reduce((acc, f) => acc !== f(g), false);
}

/** and/or/xor of Array(Bool)s element by element; the result is as long as the shortest (wirefilter). */
function elementwise(op: 'and' | 'or' | 'xor', gets: Array<(g: FieldGetter) => boolean[]>): Predicate {
  return {
    vec: true,
    get: (g) => {
      let out = gets[0](g).slice();
      for (let k = 1; k < gets.length; k++) {
        const next = gets[k](g);
        if (next.length < out.length) out = out.slice(0, next.length);
        for (let i = 0; i < out.length; i++) {
          out[i] = op === 'and' ? out[i] && next[i] : op === 'or' ? out[i] || next[i] : out[i] !== next[i];
        }
      }
      return out;
    },
  };
}
