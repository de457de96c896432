import { Bus, CORE_FIELDS } from '@glia/core';
import { describe, expect, it } from 'vitest';
import type { RuleSetSettings } from '../ruleset/compile-rules.js';
import type { RuleProblem } from '../ruleset/problem.js';
import { PolicyStage, type ReloadResult, type RuleSource } from './policy-stage.js';
import { refusedOutcome, reloadRulesText, type Reloadable } from './rules-reload.js';

/** The log line and counts of each kind of reload, on a policy stage holding one rule. */
function stage(): PolicyStage {
  const s = new PolicyStage({
    bus: new Bus(),
    fields: () => [...CORE_FIELDS],
    rules: [{ id: 'old', expression: 'tcp.dstport eq 22', action: 'log' }],
    enforce: true,
  });
  s.start();
  return s;
}

const rule = (id: string, expression: string): string =>
  `- {id: ${id}, expression: "${expression}", action: log}\n`;

describe('reload outcomes and their log lines (named)', () => {
  const cases: Array<[string, string, { ok: boolean; rules: number; problems: number; message: string }]> = [
    [
      'an empty list is 0 rules in force',
      '[]\n',
      { ok: true, rules: 0, problems: 0, message: 'cp: 0 rules in force' },
    ],
    [
      'one rule is "1 rule"',
      rule('a', 'tcp.dstport eq 1'),
      { ok: true, rules: 1, problems: 0, message: 'cp: 1 rule in force' },
    ],
    [
      'two rules are "2 rules"',
      rule('a', 'tcp.dstport eq 1') + rule('b', 'tcp.dstport eq 2'),
      { ok: true, rules: 2, problems: 0, message: 'cp: 2 rules in force' },
    ],
    [
      'one problem is "1 problem", located, and the rule in force stays',
      rule('a', 'tcp.dstport eq'),
      {
        ok: false,
        rules: 1,
        problems: 1,
        message:
          'cp: kept the rules in force; the new rules have 1 problem:\n  cp:1:38: rule "a": expected a value after "eq", found end of input',
      },
    ],
    [
      'two problems are "2 problems", one a line',
      rule('a', 'tcp.dstport eq') + rule('b', 'tcp.dstport eq'),
      {
        ok: false,
        rules: 1,
        problems: 2,
        message:
          'cp: kept the rules in force; the new rules have 2 problems:\n  cp:1:38: rule "a": expected a value after "eq", found end of input\n  cp:2:38: rule "b": expected a value after "eq", found end of input',
      },
    ],
    [
      'text that does not parse is refused with where it stops',
      'rules: [',
      {
        ok: false,
        rules: 1,
        problems: 1,
        message:
          'cp: kept the rules in force; the new rules have 1 problem:\n  cp:1:9: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    const target = stage();
    const outcome = reloadRulesText(target, text, 'cp');
    expect({
      ok: outcome.ok,
      rules: outcome.rules,
      problems: outcome.problems.length,
      message: outcome.message,
    }).toEqual(expected);
    // A refused set leaves the one rule in force; an accepted one is the new rules, a then b.
    expect(target.rules.rules.map((r) => r.id)).toEqual(
      expected.ok ? ['a', 'b'].slice(0, expected.rules) : ['old'],
    );
    expect(target.counters()).toMatchObject(
      expected.ok ? { reloads: 1, reloadFailures: 0 } : { reloads: 0, reloadFailures: 1 },
    );
  });

  it('a reload that fails before the rules are read is refused, counted, and says why', () => {
    const target = stage();
    expect(refusedOutcome(target, 'rules.yaml', new Error('EACCES: permission denied'))).toEqual({
      ok: false,
      rules: 1,
      problems: [{ file: 'rules.yaml', message: 'the rules could not be loaded: EACCES: permission denied' }],
      message:
        'rules.yaml: kept the rules in force; the new rules have 1 problem:\n  rules.yaml: the rules could not be loaded: EACCES: permission denied',
    });
    expect(target.counters()).toMatchObject({ reloads: 0, reloadFailures: 1 });
  });

  it('a target whose reload throws: refused and counted, never thrown', () => {
    /** A policy stage whose reload fails inside (as a bug in a control plane's target would). */
    class Failing implements Reloadable {
      readonly inner = stage();
      get rules(): PolicyStage['rules'] {
        return this.inner.rules;
      }
      reload(_rules: RuleSource, _file?: string, _settings?: RuleSetSettings): ReloadResult {
        throw new TypeError('the stage is stopped');
      }
      refuseReload(problems: RuleProblem[]): ReloadResult {
        return this.inner.refuseReload(problems);
      }
    }
    const target = new Failing();
    const outcome = reloadRulesText(target, rule('a', 'tcp.dstport eq 1'), 'cp');
    expect(outcome).toMatchObject({
      ok: false,
      message:
        'cp: kept the rules in force; the new rules have 1 problem:\n  cp: the rules could not be loaded: the stage is stopped',
    });
    expect(target.inner.counters()).toMatchObject({ reloads: 0, reloadFailures: 1 });
    expect(target.rules.rules.map((r) => r.id)).toEqual(['old']);
  });
});
