import type { FieldGetter } from './typed-value.js';

/**
 * The boolean skeleton of a compiled expression: logic, comparisons of plain fields against
 * literals, tests of values derived from one field, and every other test as an opaque compiled
 * closure (a leaf). A rule set strings the skeletons of its rules into one generated function
 * (see rule-set-function.ts).
 */
export type Plan =
  | {
      kind: 'fused';
      op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
      name: string;
      slot: number;
      lit: number | string;
    }
  | {
      /** `test(derive(value of name))`, or `test(value of name)` when derive is null. */
      kind: 'test';
      name: string;
      slot: number;
      derive: ((value: unknown) => unknown) | null;
      test: (value: unknown) => boolean;
    }
  | { kind: 'leaf'; test: (get: FieldGetter) => boolean }
  | { kind: 'not'; operand: Plan }
  | { kind: 'logical'; op: 'and' | 'or' | 'xor'; left: Plan; right: Plan };
