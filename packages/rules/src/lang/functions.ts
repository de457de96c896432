import type { FieldType } from '@glia/core';
import type { CallHead, Literal } from './ast.js';
import type { IndexHint } from './index-hint.js';
import { typeName } from './scheme.js';
import { asciiLower, asciiUpper } from './text.js';
import { deriveFurther, mapPresent, type FieldGetter, type Value } from './typed-value.js';

export type Argument = Value | Literal;
type Fail = (offset: number, detail: string) => never;

/** A function's result, and for Bool results a necessary condition of it being true. */
export interface FunctionResult {
  value: Value;
  whenTrue?: IndexHint;
}

function isLiteral(arg: Argument): arg is Literal {
  return 'kind' in arg && (arg.kind === 'word' || arg.kind === 'string');
}

interface Definition {
  arity: number;
  /** The result type for the first argument's type, or why that type does not fit. */
  result(arg: FieldType, name: string): { type: FieldType } | { error: string };
  /** The function of a present first argument (undefined: no result, i.e. absent). */
  make(literals: string[]): (x: unknown) => unknown;
}

const DEFINITIONS: Readonly<Record<string, Definition>> = {
  lower: bytesToBytes(asciiLower),
  upper: bytesToBytes(asciiUpper),
  len: {
    arity: 1,
    result: (t, name) =>
      t === 'Bytes' || typeof t !== 'string'
        ? { type: 'Int' }
        : { error: `${name}() takes Bytes, a Map or an Array, found ${typeName(t)}` },
    make: () => (x) =>
      typeof x === 'string'
        ? Buffer.byteLength(x)
        : x instanceof Map
          ? x.size
          : Array.isArray(x)
            ? x.length
            : undefined,
  },
  starts_with: affix((s, a) => s.startsWith(a)),
  ends_with: affix((s, a) => s.endsWith(a)),
};

function bytesToBytes(f: (s: string) => string): Definition {
  return {
    arity: 1,
    result: (t, name) =>
      t === 'Bytes' ? { type: 'Bytes' } : { error: `${name}() takes Bytes, found ${typeName(t)}` },
    make: () => (x) => (typeof x === 'string' ? f(x) : undefined),
  };
}

function affix(test: (s: string, affix: string) => boolean): Definition {
  return {
    arity: 2,
    result: (t, name) =>
      t === 'Bytes' ? { type: 'Bool' } : { error: `${name}() takes Bytes, found ${typeName(t)}` },
    make:
      ([text]) =>
      (x) =>
        typeof x === 'string' ? test(x, text) : undefined,
  };
}

/**
 * Types and builds lower, upper (ASCII letters only, as wirefilter maps bytes), len (UTF-8 bytes
 * of Bytes, entries of a Map or an Array), starts_with and ends_with. A first argument with `[*]`
 * maps the function over its elements, as wirefilter does: `lower(x[*])` is an Array(Bytes) of
 * the lowered elements (compare them with `lower(x[*])[*]`), elements without a result left out.
 */
export function applyFunction(
  head: CallHead,
  args: Argument[],
  text: string,
  decode: (literal: Literal) => string,
  fail: Fail,
): FunctionResult {
  const definition = DEFINITIONS[head.name];
  if (definition === undefined) {
    return fail(
      head.offset,
      `unknown function ${head.name}(); the functions are lower, upper, len, starts_with, ends_with, any, all`,
    );
  }
  const { arity } = definition;
  if (args.length !== arity) {
    fail(
      head.offset,
      `${head.name}() takes ${arity} argument${arity === 1 ? '' : 's'}, found ${args.length}`,
    );
  }
  const subject = args[0];
  if (isLiteral(subject))
    fail(subject.offset, `the first argument of ${head.name}() must be a field or a function, not a literal`);
  const literals = args.slice(1).map((a) => {
    if (!isLiteral(a) || a.kind !== 'string') {
      return fail(
        isLiteral(a) ? a.offset : head.offset,
        `the second argument of ${head.name}() must be a string literal`,
      );
    }
    return decode(a);
  });
  const typed = definition.result(subject.type, head.name);
  if ('error' in typed) return fail(head.offset, typed.error);
  const result = typed.type;
  const f = definition.make(literals);
  const read = subject.get;
  if (subject.each) {
    const type: FieldType = { kind: 'array', value: result };
    return {
      value: {
        type,
        each: false,
        text,
        get: (g: FieldGetter) => mapPresent(read(g) as unknown[] | undefined, f),
      },
    };
  }
  const value: Value = {
    type: result,
    each: false,
    text,
    get: (g) => {
      const x = read(g);
      return x === undefined ? undefined : f(x);
    },
  };
  if (subject.derived !== undefined) value.derived = deriveFurther(subject.derived, f);
  let whenTrue: IndexHint | undefined;
  if (head.name === 'ends_with' && value.derived !== undefined && subject.derived !== undefined) {
    whenTrue = {
      kind: 'suffix',
      key: subject.text,
      read: subject.derived,
      suffixes: [literals[0]],
      caseless: false,
    };
  }
  return whenTrue === undefined ? { value } : { value, whenTrue };
}
