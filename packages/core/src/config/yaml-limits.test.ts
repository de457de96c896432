import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { YAML_LIMITS, yamlLimitProblem, yamlToValues } from './yaml-limits.js';

const deepFlow = (n: number): string => `x: ${'['.repeat(n)}${']'.repeat(n)}\n`;
const deepBlock = (n: number): string =>
  `${Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')}\n${'  '.repeat(n)}v\n`;
const deepDashes = (n: number): string => `x:\n  ${'- '.repeat(n)}v\n`;
const aliasBomb = (levels: number): string => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\nall: *a${levels - 1}\n`;
};

describe('YAML limits', () => {
  it.each([
    ['flow nesting', deepFlow(YAML_LIMITS.maxDepth + 1)],
    ['block nesting', deepBlock(YAML_LIMITS.maxDepth + 1)],
    ['nested sequences on one line', deepDashes(YAML_LIMITS.maxDepth + 1)],
    ['1000-deep flow', deepFlow(1000)],
    ['1000-deep block', deepBlock(1000)],
  ])('refuses %s past the limit, with the offset where it happened', (_name, text) => {
    const problem = yamlLimitProblem(text);
    expect(problem?.message).toBe(`nesting deeper than ${YAML_LIMITS.maxDepth} levels`);
    expect(problem?.offset).toBeGreaterThan(0);
    expect(problem?.offset).toBeLessThan(text.length);
  });

  it.each([
    ['flow nesting at the limit', deepFlow(YAML_LIMITS.maxDepth - 1)],
    ['block nesting at the limit', deepBlock(YAML_LIMITS.maxDepth - 2)],
    [
      'brackets in quoted strings and comments',
      `a: "${'['.repeat(200)}"\nb: '${'{'.repeat(200)}'\n# ${'['.repeat(200)}\n`,
    ],
    ['a quote inside a plain word', `a: don't [1, 2]\nb: [x]\n`],
    ['a multi-line quoted string', `a: "line one\n  ${'['.repeat(100)}\n  end"\nb: 1\n`],
    [
      'a real config',
      "agent: { id: x }\nenrichers:\n  - plugin: fqdn\n  - { plugin: flow, window_seconds: 60 }\nrules:\n  - { id: a, expression: 'ip.dst in {10.0.0.0/8}', action: drop }\n",
    ],
  ])('accepts %s', (_name, text) => {
    expect(yamlLimitProblem(text)).toBeNull();
    expect(parseDocument(text).errors).toEqual([]);
  });

  it('refuses a file past the size limit', () => {
    expect(yamlLimitProblem('#'.repeat(YAML_LIMITS.maxBytes + 1))?.message).toMatch(/larger than/);
  });

  it('an alias bomb is a plain problem, and so is an unresolved alias', () => {
    expect(yamlToValues(parseDocument(aliasBomb(8)))).toEqual({
      problem: `aliases expand to more than ${YAML_LIMITS.maxAliasCount} nodes (an alias bomb); write the values out`,
    });
    const unresolved = yamlToValues(parseDocument('a: *nope\n'));
    expect('problem' in unresolved && unresolved.problem).toMatch(/Unresolved alias.*nope/);
    expect(yamlToValues(parseDocument('a: &x [1]\nb: *x\n'))).toEqual({ value: { a: [1], b: [1] } });
  });
});
