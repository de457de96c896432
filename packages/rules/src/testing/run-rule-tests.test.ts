import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testScheme } from '../lang/test-scheme.js';
import { formatProblem } from '../ruleset/problem.js';
import { formatRuleTestReport, runRuleTests, runRuleTestsText } from './run-rule-tests.js';

const RULES = `
  - id: no-ssh-to-db
    expression: ip.dst in {10.0.0.0/24} and tcp.dstport eq 22
    action: drop
  - id: ops-may-ssh
    expression: identity.k8s.src_label["team"] eq "ops"
    action: allow
  - id: audit-evil
    expression: dns.fqdn matches "(^|\\.)evil\\.com$"
    action: log
    enforce: false
`;

const scheme = testScheme();

describe('runRuleTests', () => {
  it('passes matching cases and prints a diff for the others', async () => {
    const text = `rules:${RULES}
tests:
  - name: ssh into the db subnet is dropped
    fields: {ip.dst: 10.0.0.5, tcp.dstport: 22}
    expect: {action: drop, rules: [no-ssh-to-db], enforce: true}
  - name: ops are allowed
    fields: {ip.dst: 10.0.0.5, tcp.dstport: 22, identity.k8s.src_label: {team: ops}}
    expect: allow
  - name: nothing for http
    fields: {ip.dst: 10.0.0.5, tcp.dstport: 80}
    expect: none
  - name: wrong expectation
    fields: {ip.dst: 10.0.0.5, dns.fqdn: cdn.evil.com}
    expect: {action: drop, rules: [no-ssh-to-db]}
  - name: expects a verdict that does not come
    fields: {}
    expect: log
`;
    const report = await runRuleTestsText(text, '/tmp/t.yaml', { scheme });
    expect(report.problems).toEqual([]);
    expect(report.cases.map((c) => [c.name, c.passed])).toEqual([
      ['ssh into the db subnet is dropped', true],
      ['ops are allowed', true],
      ['nothing for http', true],
      ['wrong expectation', false],
      ['expects a verdict that does not come', false],
    ]);
    expect(report.cases[3].diff).toBe(
      '- expected: drop by [no-ssh-to-db]\n+ actual:   log by [audit-evil] (enforce: false)',
    );
    expect(report.cases[4].diff).toBe('- expected: log\n+ actual:   none');
    expect(formatRuleTestReport(report)).toContain(
      'FAIL wrong expectation (/tmp/t.yaml:23)\n     - expected: drop',
    );
    expect(formatRuleTestReport(report)).toMatch(/3 passed, 2 failed$/);
  });

  it('global enforce false in the test file makes drops would-drops', async () => {
    const text = `rules:${RULES}
enforce: false
tests:
  - name: would-drop
    fields: {ip.dst: 10.0.0.5, tcp.dstport: 22}
    expect: {action: block, enforce: false}
`;
    const report = await runRuleTestsText(text, 't.yaml', { scheme });
    expect(report.cases[0]).toMatchObject({ passed: true });
  });

  it.each([
    [
      "inline rules take the test file's absent_not_equal",
      'rules:\n  - {id: not-kube, expression: \'identity.k8s.src_namespace ne "kube-system"\', action: log}\nabsent_not_equal: true\n',
      'log',
    ],
    [
      'without it, absent != x is false',
      'rules:\n  - {id: not-kube, expression: \'identity.k8s.src_namespace ne "kube-system"\', action: log}\n',
      'none',
    ],
  ])('%s', async (_name, head, expected) => {
    const text = `${head}tests:\n  - name: unknown identity\n    fields: {tcp.dstport: 22}\n    expect: ${expected}\n`;
    const report = await runRuleTestsText(text, 't.yaml', { scheme });
    expect(report).toMatchObject({ passed: 1, failed: 0, problems: [] });
  });

  it('a rule file sets its own absent_not_equal; the test file may not set it for one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-ruletest-'));
    writeFileSync(
      join(dir, 'rules.yaml'),
      'absent_not_equal: true\nrules:\n  - {id: n, expression: \'dns.fqdn ne "a"\', action: drop}\n',
    );
    const tests = 'tests:\n  - name: absent\n    fields: {}\n    expect: drop\n';
    writeFileSync(join(dir, 'ok.test.yaml'), `rules: rules.yaml\n${tests}`);
    expect(await runRuleTests(join(dir, 'ok.test.yaml'), { scheme })).toMatchObject({ passed: 1, failed: 0 });
    writeFileSync(join(dir, 'bad.test.yaml'), `rules: rules.yaml\nabsent_not_equal: false\n${tests}`);
    const bad = await runRuleTests(join(dir, 'bad.test.yaml'), { scheme });
    expect(bad.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /bad\.test\.yaml:2:\d+: "absent_not_equal" applies to inline rules; a rule file sets its own$/,
      ),
    ]);
  });

  it('reads a rule file named relative to the test file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-ruletest-'));
    writeFileSync(join(dir, 'rules.yaml'), `rules:${RULES}`);
    writeFileSync(
      join(dir, 'rules.test.yaml'),
      'rules: rules.yaml\ntests:\n  - name: ssh\n    fields: {ip.dst: 10.0.0.5, tcp.dstport: 22}\n    expect: drop\n',
    );
    const report = await runRuleTests(join(dir, 'rules.test.yaml'), { scheme });
    expect(report).toMatchObject({ passed: 1, failed: 0, problems: [] });
  });

  it('reports problems of the test file with positions, and runs nothing', async () => {
    const text = `rules:${RULES}
tests:
  - name: bad values
    fields: {ip.dst: not-an-ip, tcp.dstport: "22", ip.srcc: 10.0.0.1, identity.k8s.src_label: [a]}
    expect: explode
  - fields: {}
`;
    const report = await runRuleTestsText(text, 't.yaml', { scheme });
    expect(report.cases).toEqual([]);
    expect(report.problems.map(formatProblem)).toEqual([
      't.yaml:15:22: case "bad values": ip.dst: expected an IP address for a Ip field, found "not-an-ip"',
      't.yaml:15:46: case "bad values": tcp.dstport: expected an integer for a Int field, found "22"',
      't.yaml:15:52: case "bad values": unknown field ip.srcc; did you mean ip.src?',
      't.yaml:15:95: case "bad values": identity.k8s.src_label: expected a mapping for a Map(Bytes) field, found ["a"]',
      't.yaml:16:13: expected action drop, block, log, allow or none, found "explode"',
      't.yaml:17:5: case "tests[1]": "expect" is missing',
    ]);
  });

  it('reports rule problems of the rules under test', async () => {
    const report = await runRuleTestsText(
      'rules:\n  - {id: a, expression: "tcp.dstport eq", action: drop}\ntests: []\n',
      't.yaml',
      { scheme },
    );
    expect(report.problems.map(formatProblem)).toEqual([
      't.yaml:2:40: rule "a": expected a value after "eq", found end of input',
    ]);
  });

  it('capture cases run through the runner the CLI provides, and fail without one', async () => {
    const text = `rules:${RULES}
tests:
  - name: replay
    capture: scan.pcap
    identity: identity.mmdb
    expect:
      - {action: drop, rules: [no-ssh-to-db]}
`;
    const without = await runRuleTestsText(text, 't.yaml', { scheme });
    expect(without.cases[0]).toMatchObject({
      passed: false,
      diff: 'capture cases need a capture runner (run them with glia test)',
    });
    const seen: string[] = [];
    const withRunner = await runRuleTestsText(text, 't.yaml', {
      scheme,
      runCapture: async (c, rules) => {
        seen.push(`${c.capture} ${c.identity ?? ''} ${rules.rules.length}`);
        return [{ action: 'drop', rules: ['no-ssh-to-db'], enforce: true }];
      },
    });
    expect(seen).toEqual(['scan.pcap identity.mmdb 3']);
    expect(withRunner.cases[0].passed).toBe(true);
  });
});
