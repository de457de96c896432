import type { RuleEntry } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { TEST_FIELDS } from '../lang/test-fields.js';
import { Scheme } from '../lang/scheme.js';
import { compileRules } from './compile-rules.js';
import { RuleSet } from './rule-set.js';

const scheme = new Scheme(TEST_FIELDS);

function compile(rules: RuleEntry[]): RuleSet {
  const { ruleSet, problems } = compileRules(rules, scheme);
  expect(problems).toEqual([]);
  return ruleSet as RuleSet;
}

/** n filler rules that never match, then the rules under test: exercises both evaluation paths. */
function padded(n: number, rules: RuleEntry[]): RuleEntry[] {
  const filler = Array.from({ length: n }, (_, i): RuleEntry => ({
    id: `f${i}`,
    expression: `tcp.dstport eq ${60000 + i}`,
    action: 'drop',
  }));
  return [...filler, ...rules];
}

const RULES: RuleEntry[] = [
  { id: 'log-ssh', expression: 'tcp.dstport eq 22', action: 'log' },
  { id: 'drop-db', expression: 'ip.dst in {10.0.0.0/24}', action: 'drop', ttl: 60, source: 'microseg' },
  {
    id: 'drop-db-ssh',
    expression: 'ip.dst in {10.0.0.0/24} and tcp.dstport eq 22',
    action: 'block',
    ttl: 120,
    enforce: false,
  },
  { id: 'allow-ops', expression: 'ip.src eq 10.9.9.9', action: 'allow' },
];

describe.each([
  ['a small set (generated function, bit mask)', 0, true],
  ['a small set (closures, bit mask)', 0, false],
  ['a set of more than 31 rules (closures, wide path)', 40, true],
])('RuleSet.decide on %s', (_name, filler, generate) => {
  const set = new RuleSet(compile(padded(filler, RULES)).rules, { generate });
  const fields = (f: Record<string, string | number>) => (name: string) => f[name];
  it.each([
    ['no match', { 'ip.src': '10.1.1.1', 'ip.dst': '10.1.0.1', 'tcp.dstport': 80 }, true, null],
    [
      'log only',
      { 'ip.src': '10.1.1.1', 'ip.dst': '10.1.0.1', 'tcp.dstport': 22 },
      true,
      { action: 'log', ruleIds: ['log-ssh'], enforce: true },
    ],
    [
      'drop over log, longest ttl, first source, one enforced rule enforces',
      { 'ip.src': '10.1.1.1', 'ip.dst': '10.0.0.5', 'tcp.dstport': 22 },
      true,
      {
        action: 'drop',
        ruleIds: ['drop-db', 'drop-db-ssh'],
        enforce: true,
        ttl: 120,
        source: 'microseg',
        key: 'drop|drop-db,drop-db-ssh',
      },
    ],
    [
      'only the would-drop rule',
      { 'ip.src': '10.1.1.1', 'ip.dst': '10.0.0.5', 'tcp.dstport': 22 },
      false,
      { action: 'drop', enforce: false },
    ],
    [
      'allow over all',
      { 'ip.src': '10.9.9.9', 'ip.dst': '10.0.0.5', 'tcp.dstport': 22 },
      true,
      { action: 'allow', ruleIds: ['allow-ops'] },
    ],
  ] as const)('%s', (_case, f, enforce, expected) => {
    const decision = set.decide(fields(f), enforce);
    if (expected === null) expect(decision).toBeNull();
    else expect(decision).toMatchObject(expected);
    // The same outcome twice gives the same answer (decisions are reused on the mask path).
    expect(set.decide(fields(f), enforce)).toEqual(decision);
  });

  it('lists the fields its rules read', () => {
    expect(set.fields).toEqual(['tcp.dstport', 'ip.dst', 'ip.src']);
  });
});

describe('generated rule-set functions', () => {
  it.each([
    ['a quote and code', `'); throw new Error('injected'); ('`],
    ['a backtick template', '${process.exit(1)}`'],
    ['a newline and a comment', 'a\n// b */ c'],
  ])('never turn literals into code: %s', (_name, literal) => {
    const expression = `dns.fqdn eq r#"${literal}"# or dns.fqdn in {r#"${literal}"#} or dns.fqdn ne "x"`;
    const set = compile([{ id: 'lit', expression, action: 'log' }]);
    expect(set.decide((name) => (name === 'dns.fqdn' ? literal : undefined), true)?.ruleIds).toEqual(['lit']);
    expect(set.decide((name) => (name === 'dns.fqdn' ? 'x' : undefined), true)).toBeNull();
  });
});
