import type { FieldType } from '@glia/core';
import { valueText, type IndexStep, type Literal, type ValueNode } from './ast.js';
import { applyFunction, type FunctionResult } from './functions.js';
import { parseIntLiteral } from './int-literal.js';
import type { Scheme } from './scheme.js';
import { typeName } from './scheme.js';
import { decodeBytes } from './string-literal.js';
import { deriveFurther, mapPresent, type FieldGetter, type Value } from './typed-value.js';

type Fail = (offset: number, detail: string) => never;

/** Compiles values: a field or function call, then its index steps (`["k"]`, `[0]`, `[*]`). */
export class ValueCompiler {
  /** Every field read, in order of first use. */
  readonly fields = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly scheme: Scheme,
    private readonly fail: Fail,
    private readonly decode: (literal: Literal, subject: string) => string,
  ) {}

  /** The value and, for a Bool function result, what holds when it is true. */
  value(node: ValueNode): FunctionResult {
    let result = node.head.kind === 'field' ? { value: this.field(node) } : this.call(node);
    for (const step of node.indexes) result = { value: this.index(result.value, step) };
    return result;
  }

  private field(node: ValueNode): Value {
    const name = node.head.name;
    const type = this.scheme.type(name);
    if (type === undefined) this.fail(node.head.offset, this.scheme.explainUnknown(name));
    this.fields.add(name);
    const slot = this.scheme.slot(name);
    return {
      type,
      each: false,
      text: name,
      get: (g) => g(name, slot),
      derived: { name, slot, derive: null },
    };
  }

  private call(node: ValueNode): FunctionResult {
    const head = node.head;
    if (head.kind !== 'call') throw new Error('call() of a field');
    const args = head.args.map((a) => (a.kind === 'value' ? this.value(a).value : a));
    const text = valueText({ ...node, indexes: [] });
    return applyFunction(head, args, text, (literal) => this.decode(literal, `${head.name}()`), this.fail);
  }

  private index(value: Value, step: IndexStep): Value {
    const type = value.type;
    const text = `${value.text}${step.kind === 'each' ? '[*]' : `[${step.key.kind === 'word' ? step.key.text : JSON.stringify(step.key.body)}]`}`;
    if (typeof type === 'string') {
      return this.fail(step.offset, `${value.text} is ${type}: only Map and Array values can be indexed`);
    }
    const read = value.get;
    if (step.kind === 'each') {
      const values = (x: unknown): unknown[] | undefined =>
        x instanceof Map ? [...(x as Map<string, unknown>).values()] : Array.isArray(x) ? x : undefined;
      if (!value.each) return { type: type.value, each: true, text, get: (g) => values(read(g)) };
      return {
        type: type.value,
        each: true,
        text,
        get: (g) => {
          const list = read(g) as unknown[] | undefined;
          return list?.flatMap((x) => values(x) ?? []);
        },
      };
    }
    const pick = this.picker(type, step.key, value.text);
    if (value.each) {
      return {
        type: type.value,
        each: true,
        text,
        get: (g) => mapPresent(read(g) as unknown[] | undefined, pick),
      };
    }
    const picked: Value = { type: type.value, each: false, text, get: (g: FieldGetter) => pick(read(g)) };
    if (value.derived !== undefined) picked.derived = deriveFurther(value.derived, pick);
    return picked;
  }

  /** Reads one key of a Map or one element of an Array; undefined when there is none. */
  private picker(type: Exclude<FieldType, string>, key: Literal, subject: string): (x: unknown) => unknown {
    if (type.kind === 'map') {
      if (key.kind !== 'string') {
        this.fail(
          key.offset,
          `${subject} is ${typeName(type)}: expected a key in quotes, found "${key.text}"`,
        );
      }
      const k = decodeBytes(this.source, key);
      return (m) => (m instanceof Map ? (m as Map<string, unknown>).get(k) : undefined);
    }
    const parsed = key.kind === 'word' ? parseIntLiteral(key.text) : undefined;
    if (parsed === undefined || 'error' in parsed || parsed.value < 0 || parsed.value > 0xffffffff) {
      this.fail(key.offset, `${subject} is ${typeName(type)}: expected an index (0, 1, ...) or *`);
    }
    const i = parsed.value;
    return (a) => (Array.isArray(a) ? (a as unknown[])[i] : undefined);
  }
}
