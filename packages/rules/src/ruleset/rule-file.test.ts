import { CORE_FIELDS } from '@glia/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_FIELDS } from '../lang/test-fields.js';
import { Scheme } from '../lang/scheme.js';
import { checkRulesFile, checkRulesText } from './check.js';
import { formatProblem } from './problem.js';
import { parseRuleFile } from './rule-file.js';
import { compileRules } from './compile-rules.js';

const full = new Scheme(TEST_FIELDS);

describe('rule files', () => {
  it.each([
    [
      'a YAML list',
      '- {id: a, expression: "tcp.dstport eq 22", action: drop}\n- {id: b, expression: "tcp.dstport eq 23", action: log}\n',
    ],
    [
      'a YAML rules: mapping',
      'rules:\n  - id: a\n    expression: tcp.dstport eq 22\n    action: drop\n  - id: b\n    expression: tcp.dstport eq 23\n    action: log\n',
    ],
    [
      'a JSON list',
      '[{"id": "a", "expression": "tcp.dstport eq 22", "action": "drop"}, {"id": "b", "expression": "tcp.dstport eq 23", "action": "log"}]',
    ],
    [
      'a JSON rules object',
      '{"rules": [{"id": "a", "expression": "tcp.dstport eq 22", "action": "drop"}, {"id": "b", "expression": "tcp.dstport eq 23", "action": "log"}]}',
    ],
  ])('reads %s', (_name, text) => {
    const parsed = parseRuleFile(text, 'rules');
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules.map((r) => r.entry)).toEqual([
      { id: 'a', expression: 'tcp.dstport eq 22', action: 'drop' },
      { id: 'b', expression: 'tcp.dstport eq 23', action: 'log' },
    ]);
  });

  it('reads the rule-set option absent_not_equal, true or false', () => {
    const rules = 'rules:\n  - {id: a, expression: "tcp.dstport ne 22", action: log}\n';
    expect(parseRuleFile(`absent_not_equal: true\n${rules}`).settings).toEqual({ absentNotEqual: true });
    expect(parseRuleFile(`absent_not_equal: false\n${rules}`).settings).toEqual({ absentNotEqual: false });
    expect(parseRuleFile(rules).settings).toEqual({});
    expect(
      parseRuleFile(`absent_not_equal: yes please\n${rules}`, 'r.yaml').problems.map(formatProblem),
    ).toEqual(['r.yaml:1:19: "absent_not_equal" must be true or false']);
    const parsed = parseRuleFile(`absent_not_equal: true\n${rules}`);
    const { ruleSet } = compileRules(parsed.rules, full, undefined, parsed.settings);
    expect(ruleSet?.absentNotEqual).toBe(true);
    expect(ruleSet?.decide(() => undefined, true)?.ruleIds).toEqual(['a']);
  });

  it('keeps every optional key and maps block to drop', () => {
    const text =
      'rules:\n  - {id: a, expression: "tcp.dstport eq 22", action: block, source: microseg, description: no ssh, ttl: 30, enforce: false}\n';
    const parsed = parseRuleFile(text);
    expect(parsed.rules[0].entry).toEqual({
      id: 'a',
      expression: 'tcp.dstport eq 22',
      action: 'block',
      source: 'microseg',
      description: 'no ssh',
      ttl: 30,
      enforce: false,
    });
    const { ruleSet } = compileRules(parsed.rules, full);
    expect(ruleSet?.rules[0]).toMatchObject({
      id: 'a',
      action: 'drop',
      source: 'microseg',
      ttl: 30,
      enforce: false,
    });
  });
});

/** [name, file text, expected problems as formatted lines] */
const PROBLEMS: Array<[string, string, string[]]> = [
  [
    'expression error mapped into a plain scalar',
    'rules:\n  - id: ssh\n    expression: tcp.dstport eq\n    action: drop\n',
    ['r.yaml:3:31: rule "ssh": expected a value after "eq", found end of input'],
  ],
  [
    'expression error mapped into a single-quoted scalar',
    'rules:\n  - id: evil\n    expression: \'dns.fqdn matches "("\'\n    action: drop\n',
    [
      'r.yaml:3:35: rule "evil": invalid regular expression (RE2 syntax): error parsing regexp: missing closing ): `(`',
    ],
  ],
  [
    'expression error mapped into a double-quoted scalar with escapes',
    'rules:\n  - {id: q, expression: "dns.fqdn eq \\"a\\" and tcp.dstport eq \\"80\\"", action: log}\n',
    ['r.yaml:2:63: rule "q": tcp.dstport is Int: expected an integer without quotes, found a string "80"'],
  ],
  [
    'expression error mapped into a block literal',
    'rules:\n  - id: multi\n    expression: |\n      tcp.dstport eq 22\n        and ip.src contains "x"\n    action: drop\n',
    [
      'r.yaml:5:20: rule "multi": "contains" is not defined for ip.src (Ip); use one of eq, ne, lt, le, gt, ge, in',
    ],
  ],
  [
    'a folded block falls back to the rule position and the expression position',
    'rules:\n  - id: folded\n    expression: >\n      tcp.dstport eq\n      "x"\n    action: drop\n',
    [
      'r.yaml:2:5: rule "folded": expression 1:16: tcp.dstport is Int: expected an integer without quotes, found a string "x"',
    ],
  ],
  [
    'every problem of every rule is reported',
    [
      'rules:',
      '  - id: a',
      '    expression: tcp.dstport eq 22',
      '    action: explode',
      '  - id: b',
      '    action: drop',
      '  - expression: tcp.dstport eq 1',
      '    action: log',
      '  - id: c',
      '    expression: tcp.dstport eq 1',
      '    action: log',
      '    ttl: 0',
      '    enforce: "no"',
      '    colour: red',
      '  - id: d',
      '    expression: dns.fqdn eq 1',
      '    action: log',
      '',
    ].join('\n'),
    [
      'r.yaml:4:13: rule "a": action "explode" is not one of drop, block, log, allow',
      'r.yaml:5:5: rule "b": "expression" is missing',
      'r.yaml:7:5: rules[2]: "id" must be a non-empty string',
      'r.yaml:12:10: rule "c": "ttl" must be a whole number of seconds, at least 1',
      'r.yaml:13:14: rule "c": "enforce" must be true or false',
      'r.yaml:14:5: rule "c": unknown key "colour"; a rule has id, expression, action, source, description, ttl, enforce',
      'r.yaml:16:29: rule "d": dns.fqdn is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "1"',
    ],
  ],
  [
    'the expression of a rule with a bad shape is checked too',
    [
      '- {id: a, expression: "tcp.dstport eq", action: explode}',
      '- {expression: "ip.src eq 1.2.3", action: drop}',
      '- {id: c, expression: "tcp.dstport eq 1", action: log, bogus: 1}',
      '',
    ].join('\n'),
    [
      'r.yaml:1:38: rule "a": expected a value after "eq", found end of input',
      'r.yaml:1:49: rule "a": action "explode" is not one of drop, block, log, allow',
      'r.yaml:2:3: rules[1]: "id" must be a non-empty string',
      'r.yaml:2:27: expected an IP address for ip.src, found "1.2.3"',
      'r.yaml:3:56: rule "c": unknown key "bogus"; a rule has id, expression, action, source, description, ttl, enforce',
    ],
  ],
  [
    'duplicate ids',
    '- {id: a, expression: "tcp.dstport eq 1", action: log}\n- {id: b, expression: "tcp.dstport eq 2", action: log}\n- {id: a, expression: "tcp.dstport eq 3", action: drop}\n',
    ['r.yaml:3:3: rule "a": duplicate rule id (first defined at line 1); ids must be unique'],
  ],
  [
    'YAML syntax errors',
    'rules:\n  - {id: a, expression: "x eq 1"\n',
    ['r.yaml:3:1: Flow map in block collection must be sufficiently indented and end with a }'],
  ],
  ['an empty file', '', ['r.yaml:1:1: the file is empty; expected a list of rules']],
  ['not a list', 'rules: 5\n', ['r.yaml:1:8: expected a list of rules']],
  [
    'unknown top-level key',
    'rulez: []\n',
    [
      'r.yaml:1:1: unknown key "rulez"; expected "rules" or "absent_not_equal"',
      'r.yaml:1:1: expected a list of rules or a mapping with "rules"',
    ],
  ],
];

describe('rule file problems: all of them, with file:line:column and the rule id', () => {
  it.each(PROBLEMS)('%s', (_name, text, expected) => {
    expect(checkRulesText(text, 'r.yaml', full).map(formatProblem)).toEqual(expected);
  });
});

describe('unknown fields', () => {
  const coreOnly = new Scheme([...CORE_FIELDS], (name) =>
    name.startsWith('tls.')
      ? `field ${name} is provided by the tls enricher, which is not enabled`
      : undefined,
  );

  it("takes the scheme explainer's reason where it has one, at the field's position", () => {
    const problems = checkRulesText(
      `- {id: r, expression: 'tls.sni eq "x"', action: log}\n`,
      'r.yaml',
      coreOnly,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      line: 1,
      column: 24,
      ruleId: 'r',
      message: 'field tls.sni is provided by the tls enricher, which is not enabled',
    });
  });

  it('else names the closest known field', () => {
    const problems = checkRulesText(
      "- {id: r, expression: 'ip.scr eq 10.0.0.1', action: log}\n",
      'r.yaml',
      coreOnly,
    );
    expect(problems[0].message).toBe('unknown field ip.scr; did you mean ip.src?');
  });

  it('a typo in a field of an enabled enricher is an unknown field', () => {
    const problems = checkRulesText(
      '- {id: r, expression: \'dns.fqnd eq "x"\', action: log}\n',
      'r.yaml',
      full,
    );
    expect(problems[0].message).toBe('unknown field dns.fqnd; did you mean dns.fqdn?');
  });
});

describe('checkRulesFile', () => {
  it('reads the file and reports its problems with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-rules-'));
    const path = join(dir, 'rules.yaml');
    writeFileSync(
      path,
      'rules:\n  - {id: ok, expression: "tcp.dstport eq 22", action: drop}\n  - {id: bad, expression: "tcp.dstport eq", action: drop}\n',
    );
    expect((await checkRulesFile(path, full)).map(formatProblem)).toEqual([
      `${path}:3:42: rule "bad": expected a value after "eq", found end of input`,
    ]);
  });

  it('reports a missing file', async () => {
    const problems = await checkRulesFile('/nonexistent/rules.yaml', full);
    expect(problems[0].message).toMatch(/cannot read the rule file/);
  });
});
