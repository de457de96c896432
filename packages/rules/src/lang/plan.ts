import type { FieldGetter } from './typed-value.js';

/**
 * The boolean skeleton of a compiled expression: logic, comparisons of plain fields against
 * literals, tests of values derived from one field, and every other test as an opaque compiled
 * closure (a leaf). A rule set strings the skeletons of its rules into generated functions
 * (see rule-set-function.ts).
 */
export type Plan =
  | {
      kind: 'fused';
      op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
      name: string;
      slot: number;
      lit: number | string;
      /** The result when the field is absent (only `ne` may be true: absent_not_equal). */
      absent: boolean;
    }
  | {
      /** `test(derive(value of name))`, or `test(value of name)` when derive is null; test sees undefined for absent. */
      kind: 'test';
      name: string;
      slot: number;
      derive: ((value: unknown) => unknown) | null;
      test: (value: unknown) => boolean;
    }
  | { kind: 'leaf'; test: (get: FieldGetter) => boolean }
  | { kind: 'not'; operand: Plan }
  | { kind: 'logical'; op: 'and' | 'or' | 'xor'; items: Plan[] };
