import type { CallNode, Literal } from './ast.js';
import { typeName } from './scheme.js';
import { deriveFurther, mapValue, type FieldGetter, type TypedValue } from './typed-value.js';

export type Argument = TypedValue | Literal;
type Fail = (offset: number, detail: string) => never;

function isLiteral(arg: Argument): arg is Literal {
  return 'kind' in arg && (arg.kind === 'word' || arg.kind === 'string');
}

/**
 * Types and builds lower, upper, len, starts_with and ends_with (any and all are in the compiler,
 * since their argument is an expression). `decode` turns a string literal into its value.
 */
export function applyFunction(
  node: CallNode,
  args: Argument[],
  decode: (literal: Literal) => string,
  fail: Fail,
): TypedValue {
  const arity = node.name === 'starts_with' || node.name === 'ends_with' ? 2 : 1;
  if (args.length !== arity) {
    fail(
      node.offset,
      `${node.name}() takes ${arity} argument${arity === 1 ? '' : 's'}, found ${args.length}`,
    );
  }
  const subject = args[0];
  if (isLiteral(subject))
    fail(subject.offset, `the first argument of ${node.name}() must be a field or a function, not a literal`);
  const offsetOf = (a: Argument, fallback: number): number => (isLiteral(a) ? a.offset : fallback);
  switch (node.name) {
    case 'lower':
    case 'upper': {
      expect(subject, 'Bytes', node, fail);
      const upper = node.name === 'upper';
      return derivedValue(subject, 'Bytes', (s) =>
        upper ? (s as string).toUpperCase() : (s as string).toLowerCase(),
      );
    }
    case 'len': {
      const t = subject.type;
      if (t === 'Bytes') {
        return derivedValue(subject, 'Int', (s) =>
          typeof s === 'string' ? Buffer.byteLength(s) : undefined,
        );
      }
      if (typeof t !== 'string' && !subject.lifted) {
        return derivedValue(subject, 'Int', (c) =>
          c instanceof Map ? c.size : Array.isArray(c) ? c.length : undefined,
        );
      }
      return fail(node.offset, `len() takes Bytes, a Map or an Array, found ${typeName(t)}`);
    }
    case 'starts_with':
    case 'ends_with': {
      expect(subject, 'Bytes', node, fail);
      const affix = args[1];
      if (!isLiteral(affix) || affix.kind !== 'string') {
        fail(offsetOf(affix, node.offset), `the second argument of ${node.name}() must be a string literal`);
      }
      const text = decode(affix);
      const starts = node.name === 'starts_with';
      const test = (s: unknown): boolean =>
        typeof s === 'string' && (starts ? s.startsWith(text) : s.endsWith(text));
      if (subject.lifted) return { type: 'Bool', lifted: true, get: mapValue(subject, test) };
      const read = subject.get;
      const d = subject.derived;
      return {
        type: 'Bool',
        lifted: false,
        get: (g: FieldGetter) => test(read(g)),
        ...(d === undefined
          ? {}
          : { plan: { kind: 'test', name: d.name, slot: d.slot, derive: d.derive, test } }),
      };
    }
    default:
      return fail(
        node.offset,
        `unknown function ${node.name}(); the functions are lower, upper, len, starts_with, ends_with, any, all`,
      );
  }
}

/** f applied to a value (per element when lifted); a value derived from one field stays so. */
function derivedValue(subject: TypedValue, type: 'Bytes' | 'Int', f: (x: unknown) => unknown): TypedValue {
  const value: TypedValue = { type, lifted: subject.lifted, get: mapValue(subject, f) };
  if (!subject.lifted && subject.derived !== undefined) value.derived = deriveFurther(subject.derived, f);
  return value;
}

function expect(arg: TypedValue, type: 'Bytes', node: CallNode, fail: Fail): void {
  if (arg.type !== type) fail(node.offset, `${node.name}() takes ${type}, found ${typeName(arg.type)}`);
}
