import { describe, expect, it } from 'vitest';
import { checkRulesText } from '../ruleset/check.js';
import { formatProblem } from '../ruleset/problem.js';
import { compileExpression } from './compile.js';
import { MAX_COMPARISONS, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH } from './limits.js';
import { ruleSetFunction } from './rule-set-function.js';
import { positionAt } from './source-error.js';
import { compileError, testScheme } from './test-scheme.js';

const and = (n: number): string => Array.from({ length: n }, (_, i) => `net.vni ne ${i}`).join(' and ');
const at = (source: string, offset: number): string => {
  const { line, column } = positionAt(source, offset);
  return `${line}:${column}`;
};

/**
 * Expressions that used to overflow the stack (issue 15: ~3 000 `and` terms, ~2 000 nested
 * parentheses) are rejected where they go over a limit, with a plain message; expressions at the
 * limits compile and evaluate.
 */
describe('expression limits', () => {
  const nest = (open: string, close: string, n: number): string =>
    `${open.repeat(n)}tcp.dstport eq 1${close.repeat(n)}`;

  it.each([
    [
      '3 000 and-terms',
      and(3000),
      and(MAX_COMPARISONS).length + ' and '.length,
      `the expression has more than ${MAX_COMPARISONS} comparisons; split it into several rules`,
    ],
    [
      '2 000 nested parentheses',
      nest('(', ')', 2000),
      MAX_NESTING_DEPTH,
      `the expression nests more than ${MAX_NESTING_DEPTH} levels deep here (parentheses, not, function calls); simplify it or split it into several rules`,
    ],
    [
      '2 000 nested nots',
      `${'not '.repeat(2000)}tcp.dstport eq 1`,
      MAX_NESTING_DEPTH * 4,
      `the expression nests more than ${MAX_NESTING_DEPTH} levels deep here`,
    ],
    [
      '2 000 nested !',
      `${'!'.repeat(2000)}tcp.dstport eq 1`,
      MAX_NESTING_DEPTH,
      `the expression nests more than ${MAX_NESTING_DEPTH} levels deep here`,
    ],
    [
      '200 nested function calls',
      `${'lower('.repeat(200)}dns.fqdn${')'.repeat(200)} eq "a"`,
      MAX_NESTING_DEPTH * 6 + 5,
      `the expression nests more than ${MAX_NESTING_DEPTH} levels deep here`,
    ],
    [
      '200 nested any()',
      `${'any('.repeat(200)}dns.fqdns[*] eq "a"${')'.repeat(200)}`,
      MAX_NESTING_DEPTH * 4 + 3,
      `the expression nests more than ${MAX_NESTING_DEPTH} levels deep here`,
    ],
    [
      'over 64 KiB of text',
      `dns.fqdn eq "${'a'.repeat(MAX_EXPRESSION_LENGTH)}"`,
      MAX_EXPRESSION_LENGTH,
      `the expression is ${MAX_EXPRESSION_LENGTH + 14} characters long; the limit is ${MAX_EXPRESSION_LENGTH}: split it into several rules`,
    ],
  ])('%s: rejected at the position where it goes over', (_name, source, offset, message) => {
    const error = compileError(source);
    expect(error.startsWith(`${at(source, offset)}: ${message}`), error).toBe(true);
  });

  it('a multi-line expression over the limit is located on its line', () => {
    const source = Array.from({ length: 1100 }, (_, i) => `tcp.dstport ne ${i}`).join('\nor ');
    expect(compileError(source)).toBe(
      `1025:4: the expression has more than ${MAX_COMPARISONS} comparisons; split it into several rules`,
    );
  });

  it(`${MAX_COMPARISONS} and-terms and ${MAX_NESTING_DEPTH} levels compile and evaluate (closures and generated code)`, () => {
    const scheme = testScheme();
    const wide = compileExpression(and(MAX_COMPARISONS), scheme);
    expect(wide.test(() => 5000)).toBe(true);
    expect(wide.test(() => 1000)).toBe(false);
    const deep = compileExpression(
      nest('(', ')', MAX_NESTING_DEPTH - 1).replace('tcp.dstport eq 1', and(900)),
      scheme,
    );
    expect(deep.test(() => 5000)).toBe(true);
    const generated = ruleSetFunction([wide.plan, deep.plan]);
    expect(generated?.((() => 5000) as never, 3)).toBe(3);
    expect(generated?.((() => 7) as never, 3)).toBe(0);
  });

  it('a rules file with such an expression gets a located problem, not an exception', () => {
    const text = `rules:\n  - id: deep\n    expression: '${'('.repeat(2000)}tcp.dstport eq 1${')'.repeat(2000)}'\n    action: drop\n`;
    expect(checkRulesText(text, 'deep.yaml', testScheme()).map(formatProblem)).toEqual([
      `deep.yaml:3:${18 + MAX_NESTING_DEPTH}: rule "deep": the expression nests more than ${MAX_NESTING_DEPTH} levels deep here (parentheses, not, function calls); simplify it or split it into several rules`,
    ]);
  });
});
