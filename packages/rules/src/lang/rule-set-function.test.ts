import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import { CHUNK_RULES, ruleSetFunction } from './rule-set-function.js';
import { testScheme } from './test-scheme.js';

describe('ruleSetFunction (named)', () => {
  it(`refuses more than ${CHUNK_RULES} rules, saying how many it takes`, () => {
    const plan = compileExpression('test.flag', testScheme()).plan;
    expect(() => ruleSetFunction(Array<typeof plan>(CHUNK_RULES + 1).fill(plan))).toThrow(
      /^a generated rule-set function takes at most 31 rules$/,
    );
  });
});
