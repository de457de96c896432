import type { RuleAction } from '@glia/core';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Scheme } from '../lang/scheme.js';
import { formatProblem, type RuleProblem } from '../ruleset/problem.js';
import { loadRuleFile } from '../ruleset/rule-file.js';
import { compileRules } from '../ruleset/compile-rules.js';
import type { RuleSet } from '../ruleset/rule-set.js';
import type { FilePosition } from '../ruleset/yaml-source.js';
import { YamlSource } from '../ruleset/yaml-source.js';
import { readRuleTestFile, type CaptureTestCase, type ExpectedVerdict } from './rule-test-file.js';

/** A verdict reduced to what a test compares. */
export interface ActualVerdict {
  action: RuleAction;
  rules: string[];
  enforce: boolean;
  /** `client > server:port/proto`, for verdicts of a replayed capture. */
  edge?: string;
}

export interface RuleTestOptions {
  /** The fields the rules and field cases may use (the CLI builds it from the enrichers' declarations). */
  scheme: Scheme;
  /** Runs a case that replays a capture (wired by the CLI); without it such cases fail. */
  runCapture?: (testCase: CaptureTestCase, rules: RuleSet, enforce: boolean) => Promise<ActualVerdict[]>;
}

export interface RuleTestCaseResult {
  name: string;
  position?: FilePosition;
  passed: boolean;
  /** For a failed case: expected and actual, one per line. */
  diff?: string;
}

export interface RuleTestReport {
  file: string;
  passed: number;
  failed: number;
  cases: RuleTestCaseResult[];
  /** Problems of the test file or its rules; when any, no case ran. */
  problems: RuleProblem[];
}

/** `glia test FILE`: runs the cases of a rule test file against its rules, like `vector test`. */
export async function runRuleTests(path: string, options: RuleTestOptions): Promise<RuleTestReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return report(
      path,
      [],
      [{ file: path, message: `cannot read the test file: ${(error as Error).message}` }],
    );
  }
  return runRuleTestsText(text, path, options);
}

/** The same for test-file text; a rule file it names is read relative to `file`. */
export async function runRuleTestsText(
  text: string,
  file: string,
  options: RuleTestOptions,
): Promise<RuleTestReport> {
  const { scheme } = options;
  const source = new YamlSource(text);
  const syntax = source.doc.errors.map((e) => ({
    file,
    ...source.positionOf(e.pos[0]),
    message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
  }));
  if (syntax.length > 0) return report(file, [], syntax);
  const { test, problems } = readRuleTestFile(source, scheme, file);
  if (test === null) return report(file, [], problems);
  let rules = test.rules;
  let rulesFile = file;
  let settings = test.settings;
  if (typeof rules === 'string') {
    rulesFile = resolve(dirname(file), rules);
    const loaded = await loadRuleFile(rulesFile);
    if (loaded.problems.length > 0) return report(file, [], loaded.problems);
    rules = loaded.rules;
    settings = loaded.settings;
  }
  const compiled = compileRules(rules, scheme, rulesFile, settings);
  if (compiled.ruleSet === null) return report(file, [], compiled.problems);
  const ruleSet = compiled.ruleSet;
  const results: RuleTestCaseResult[] = [];
  for (const testCase of test.cases) {
    let expected: ExpectedVerdict[];
    let actual: ActualVerdict[];
    if ('capture' in testCase) {
      expected = testCase.expect;
      if (options.runCapture === undefined) {
        results.push(
          result(
            testCase.name,
            testCase.position,
            'capture cases need a capture runner (run them with glia test)',
          ),
        );
        continue;
      }
      actual = await options.runCapture(testCase, ruleSet, test.enforce);
    } else {
      expected = [testCase.expect];
      const fields = testCase.fields;
      const decision = ruleSet.decide((name: string) => fields.get(name), test.enforce);
      actual =
        decision === null
          ? []
          : [{ action: decision.action, rules: [...decision.ruleIds], enforce: decision.enforce }];
    }
    results.push(result(testCase.name, testCase.position, compare(expected, actual)));
  }
  return report(file, results, []);
}

function result(
  name: string,
  position: FilePosition | undefined,
  diff: string | undefined,
): RuleTestCaseResult {
  const out: RuleTestCaseResult = { name, passed: diff === undefined };
  if (position !== undefined) out.position = position;
  if (diff !== undefined) out.diff = diff;
  return out;
}

function report(file: string, cases: RuleTestCaseResult[], problems: RuleProblem[]): RuleTestReport {
  const passed = cases.filter((c) => c.passed).length;
  return { file, passed, failed: cases.length - passed, cases, problems };
}

/** Undefined when actual meets every expectation; otherwise the readable difference. */
function compare(expected: readonly ExpectedVerdict[], actual: readonly ActualVerdict[]): string | undefined {
  const wanted = expected.filter((e) => e.action !== 'none');
  const ok =
    wanted.length === actual.length &&
    wanted.every((e, i) => {
      const a = actual[i];
      return (
        e.action === a.action &&
        (e.rules === undefined || [...e.rules].sort().join('\0') === [...a.rules].sort().join('\0')) &&
        (e.enforce === undefined || e.enforce === a.enforce) &&
        (e.edge === undefined || e.edge === a.edge)
      );
    });
  if (ok) return undefined;
  const show = (lines: string[]): string => (lines.length === 0 ? 'none' : lines.join('; '));
  const expectedText = show(
    wanted.map(
      (e) =>
        `${e.action}${e.rules === undefined ? '' : ` by [${e.rules.join(', ')}]`}${e.enforce === undefined ? '' : enforceText(e.action, e.enforce)}${e.edge === undefined ? '' : ` on ${e.edge}`}`,
    ),
  );
  const actualText = show(
    actual.map(
      (a) =>
        `${a.action} by [${a.rules.join(', ')}]${enforceText(a.action, a.enforce)}${a.edge === undefined ? '' : ` on ${a.edge}`}`,
    ),
  );
  return `- expected: ${expectedText}\n+ actual:   ${actualText}`;
}

function enforceText(action: string, enforce: boolean): string {
  if (action !== 'drop') return enforce ? '' : ' (enforce: false)';
  return enforce ? ' (enforced)' : ' (would-drop, not enforced)';
}

/** The report as the CLI prints it. */
export function formatRuleTestReport(r: RuleTestReport): string {
  if (r.problems.length > 0) return r.problems.map(formatProblem).join('\n');
  const lines = r.cases.map((c) => {
    const where = c.position === undefined ? '' : ` (${r.file}:${c.position.line})`;
    return c.passed ? `ok   ${c.name}` : `FAIL ${c.name}${where}\n${(c.diff ?? '').replace(/^/gm, '     ')}`;
  });
  lines.push(`${r.passed} passed, ${r.failed} failed`);
  return lines.join('\n');
}
