import type { FieldValue, RuleAction } from '@glia/core';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Scheme } from '../lang/scheme.js';
import type { RuleSetSettings } from '../ruleset/compile-rules.js';
import type { RuleProblem } from '../ruleset/problem.js';
import { readRuleEntries, type LocatedRule } from '../ruleset/rule-entries.js';
import type { FilePosition, YamlSource } from '../ruleset/yaml-source.js';
import { toFieldValue } from './field-values.js';

/** What a case expects: a verdict, or none (`action: 'none'`). */
export interface ExpectedVerdict {
  action: RuleAction | 'none';
  rules?: string[];
  enforce?: boolean;
  /** The edge the verdict is on, `client > server:port/proto` (capture cases). */
  edge?: string;
}

export interface FieldsTestCase {
  name: string;
  position?: FilePosition;
  fields: Map<string, FieldValue>;
  expect: ExpectedVerdict;
}

/** A case replaying a capture; run by a runner the caller provides (the CLI). */
export interface CaptureTestCase {
  name: string;
  position?: FilePosition;
  capture: string;
  identity?: string;
  edges?: string;
  /** The verdicts expected, in order. */
  expect: ExpectedVerdict[];
}

export interface RuleTestFile {
  /** Inline rules, or the path of a rule file relative to the test file. */
  rules: LocatedRule[] | string;
  /** Options of inline rules (a rule file has its own). */
  settings: RuleSetSettings;
  enforce: boolean;
  cases: Array<FieldsTestCase | CaptureTestCase>;
}

const EDGE = /^\S+\s+>\s+\S+:\d+\/(tcp|udp)$/;
const ACTIONS: ReadonlySet<string> = new Set(['drop', 'block', 'log', 'allow', 'none']);
const TOP_KEYS: ReadonlySet<string> = new Set(['rules', 'absent_not_equal', 'enforce', 'tests']);
const CASE_KEYS: ReadonlySet<string> = new Set(['name', 'fields', 'expect', 'capture', 'identity', 'edges']);

/** Reads a test file's document; field values are checked against the scheme's types. */
export function readRuleTestFile(
  source: YamlSource,
  scheme: Scheme,
  file: string | undefined,
): { test: RuleTestFile | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const fail = (node: Node | null | undefined, message: string): void => {
    problems.push({ file, ...source.nodePosition(node), message });
  };
  const root = source.doc.contents as Node | null;
  if (!isMap(root)) {
    fail(root, 'expected a mapping with "rules" and "tests"');
    return { test: null, problems };
  }
  const get = (map: Node, key: string): Node | undefined =>
    ((map as { items: Pair[] }).items.find((p) => isScalar(p.key) && p.key.value === key)?.value as
      Node | undefined) ?? undefined;
  for (const pair of root.items as Pair[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!TOP_KEYS.has(key))
      fail(
        pair.key as Node,
        `unknown key ${JSON.stringify(key)}; a test file has rules, absent_not_equal, enforce, tests`,
      );
  }
  let rules: LocatedRule[] | string = [];
  const rulesNode = get(root, 'rules');
  if (rulesNode === undefined) fail(root, '"rules" is missing: a rule file path or a list of rules');
  else if (isScalar(rulesNode) && typeof rulesNode.value === 'string') rules = rulesNode.value;
  else {
    const read = readRuleEntries(source, rulesNode, file);
    problems.push(...read.problems);
    rules = read.rules;
  }
  const settings: RuleSetSettings = {};
  const absentNode = get(root, 'absent_not_equal');
  if (absentNode !== undefined) {
    const value = isScalar(absentNode) ? absentNode.value : undefined;
    if (typeof value !== 'boolean') fail(absentNode, '"absent_not_equal" must be true or false');
    else if (typeof rules === 'string')
      fail(absentNode, '"absent_not_equal" applies to inline rules; a rule file sets its own');
    else settings.absentNotEqual = value;
  }
  const enforceNode = get(root, 'enforce');
  const enforce = enforceNode === undefined ? true : isScalar(enforceNode) ? enforceNode.value : undefined;
  if (typeof enforce !== 'boolean') fail(enforceNode, '"enforce" must be true or false');
  const testsNode = get(root, 'tests');
  const cases: RuleTestFile['cases'] = [];
  if (!isSeq(testsNode)) fail(testsNode ?? root, '"tests" must be a list of cases');
  else {
    testsNode.items.forEach((item, index) => {
      const node = item as Node;
      if (!isMap(node)) return fail(node, `tests[${index}]: expected a case with name, fields and expect`);
      for (const pair of node.items as Pair[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!CASE_KEYS.has(key))
          fail(
            pair.key as Node,
            `unknown key ${JSON.stringify(key)}; a case has ${[...CASE_KEYS].join(', ')}`,
          );
      }
      const nameNode = get(node, 'name');
      const name =
        isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : `tests[${index}]`;
      const position = source.nodePosition(node);
      const expectNode = get(node, 'expect');
      const captureNode = get(node, 'capture');
      if (captureNode !== undefined) {
        const str = (key: string): string | undefined => {
          const n = get(node, key);
          return isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
        };
        const expected = isSeq(expectNode) ? expectNode.items.map((e) => readExpect(e as Node, fail)) : [];
        if (!isSeq(expectNode))
          fail(expectNode ?? node, `case ${JSON.stringify(name)}: a capture case expects a list of verdicts`);
        const testCase: CaptureTestCase = {
          name,
          capture: str('capture') ?? '',
          expect: expected.filter((e): e is ExpectedVerdict => e !== null),
        };
        if (position !== undefined) testCase.position = position;
        const identity = str('identity');
        const edges = str('edges');
        if (identity !== undefined) testCase.identity = identity;
        if (edges !== undefined) testCase.edges = edges;
        cases.push(testCase);
        return;
      }
      const fields = new Map<string, FieldValue>();
      const fieldsNode = get(node, 'fields');
      if (!isMap(fieldsNode))
        fail(
          fieldsNode ?? node,
          `case ${JSON.stringify(name)}: "fields" must be a mapping of field name to value`,
        );
      else {
        for (const pair of fieldsNode.items as Pair[]) {
          const field = isScalar(pair.key) ? String(pair.key.value) : '';
          const type = scheme.type(field);
          if (type === undefined) {
            fail(pair.key as Node, `case ${JSON.stringify(name)}: ${scheme.explainUnknown(field)}`);
            continue;
          }
          const converted = toFieldValue(type, (pair.value as Node | null)?.toJSON());
          if ('problem' in converted)
            fail(pair.value as Node, `case ${JSON.stringify(name)}: ${field}: ${converted.problem}`);
          else fields.set(field, converted.value);
        }
      }
      if (expectNode === undefined) return fail(node, `case ${JSON.stringify(name)}: "expect" is missing`);
      const expect = readExpect(expectNode, fail);
      if (expect === null) return;
      const testCase: FieldsTestCase = { name, fields, expect };
      if (position !== undefined) testCase.position = position;
      cases.push(testCase);
    });
  }
  return {
    test: problems.length > 0 ? null : { rules, settings, enforce: enforce as boolean, cases },
    problems,
  };
}

/** `drop`, `none`, or `{action: drop, rules: [a, b], enforce: false, edge: "a > b:80/tcp"}`. */
function readExpect(
  node: Node,
  fail: (node: Node | null | undefined, message: string) => void,
): ExpectedVerdict | null {
  const json = node.toJSON() as unknown;
  const spec = typeof json === 'string' ? { action: json } : json;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    fail(node, 'expected an action (drop, log, allow, none) or {action, rules, enforce, edge}');
    return null;
  }
  const { action, rules, enforce, edge, ...rest } = spec as Record<string, unknown>;
  const bad = Object.keys(rest);
  if (bad.length > 0)
    fail(node, `unknown key ${JSON.stringify(bad[0])} in expect; it has action, rules, enforce, edge`);
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    fail(node, `expected action drop, block, log, allow or none, found ${JSON.stringify(action)}`);
    return null;
  }
  const expected: ExpectedVerdict = {
    action: action === 'block' ? 'drop' : (action as ExpectedVerdict['action']),
  };
  if (rules !== undefined) {
    if (!Array.isArray(rules) || !rules.every((r) => typeof r === 'string'))
      fail(node, '"rules" must be a list of rule ids');
    else expected.rules = rules as string[];
  }
  if (enforce !== undefined) {
    if (typeof enforce !== 'boolean') fail(node, '"enforce" must be true or false');
    else expected.enforce = enforce;
  }
  if (edge !== undefined) {
    if (typeof edge !== 'string' || !EDGE.test(edge))
      fail(node, '"edge" must read "client > server:port/proto", e.g. "10.0.0.1 > 10.0.0.2:443/tcp"');
    else expected.edge = edge.replace(/\s+/g, ' ');
  }
  return bad.length > 0 ? null : expected;
}
