import {
  Bus,
  CORE_FIELDS,
  InputError,
  MetricsRegistry,
  type FieldDefinition,
  type Observation,
  type RuleEntry,
  type Verdict,
} from '@glia/core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_FIELDS } from '../lang/test-fields.js';
import { Scheme } from '../lang/scheme.js';
import { compileRules } from '../ruleset/compile-rules.js';
import { RuleSet } from '../ruleset/rule-set.js';
import { PolicyStage, type PolicyStageOptions } from './policy-stage.js';
import { RulesFileWatcher, type ReloadOutcome } from './rules-file-watcher.js';
import { reloadRulesText } from './rules-reload.js';

const SECOND = 1_000_000_000n;

/** An enricher-like field table keyed by server address, counting what is resolved. */
function enricherFields(names: Record<string, string>, resolved: string[] = []): FieldDefinition[] {
  return [
    {
      name: 'dns.fqdn',
      type: 'Bytes',
      description: 'test',
      resolve: (o) => {
        resolved.push('dns.fqdn');
        return names[o.server];
      },
    },
    {
      name: 'service.name',
      type: 'Bytes',
      description: 'test',
      resolve: () => {
        resolved.push('service.name');
        return 'ssh';
      },
    },
    {
      name: 'tls.sni',
      type: 'Bytes',
      description: 'throws',
      resolve: () => {
        throw new Error('enricher bug');
      },
    },
  ];
}

function observation(ts: bigint, client: string, server: string, serverPort: number): Observation {
  return {
    ts,
    iface: 'eth0',
    dir: 'ingress',
    phase: 'syn',
    client,
    server,
    clientPort: 40000,
    serverPort,
    proto: 'tcp',
    event: {
      ts,
      iface: 'eth0',
      dir: 'ingress',
      src: client,
      dst: server,
      sport: 40000,
      dport: serverPort,
      proto: 'tcp',
    },
    fields: new Map(),
  };
}

function setup(rules: RuleEntry[], overrides: Partial<PolicyStageOptions> = {}) {
  const bus = new Bus();
  const verdicts: Verdict[] = [];
  bus.subscribe('verdict', (v) => verdicts.push(v));
  const resolved: string[] = [];
  const stage = new PolicyStage({
    bus,
    fields: () => [
      ...CORE_FIELDS,
      ...enricherFields({ '10.0.0.9': 'db.internal', '1.2.3.4': 'evil.com' }, resolved),
    ],
    rules,
    enforce: true,
    ...overrides,
  });
  stage.start();
  const send = (o: Observation): void => bus.publish('observation', o);
  return { bus, stage, verdicts, send, resolved };
}

const R = (
  id: string,
  expression: string,
  action: RuleEntry['action'],
  extra: Partial<RuleEntry> = {},
): RuleEntry => ({
  id,
  expression,
  action,
  ...extra,
});

describe('precedence: allow > drop > log', () => {
  const rules = [
    R('log-ssh', 'tcp.dstport eq 22', 'log'),
    R('drop-ssh-db', 'tcp.dstport eq 22 and ip.dst eq 10.0.0.9', 'drop', { source: 'microseg', ttl: 30 }),
    R('drop-db', 'ip.dst eq 10.0.0.9', 'block', { ttl: 90 }),
    R('allow-admin', 'ip.src eq 10.0.0.1', 'allow'),
  ];
  it.each([
    ['only log matches', '10.0.0.2', '10.0.0.8', 22, 'log', ['log-ssh']],
    [
      'drop beats log; every matching drop rule is named',
      '10.0.0.2',
      '10.0.0.9',
      22,
      'drop',
      ['drop-ssh-db', 'drop-db'],
    ],
    ['allow beats drop and log', '10.0.0.1', '10.0.0.9', 22, 'allow', ['allow-admin']],
    ['nothing matches: no verdict', '10.0.0.2', '10.0.0.8', 80, null, []],
  ] as const)('%s', (_name, client, server, port, action, ruleIds) => {
    const { verdicts, send, stage } = setup(rules);
    send(observation(1n, client, server, port));
    if (action === null) {
      expect(verdicts).toEqual([]);
      return;
    }
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ ts: 1n, action, ruleIds, enforce: true });
    expect(stage.counters().matched[action]).toBe(1);
  });

  it('a drop carries the first winning rule source and the longest ttl', () => {
    const { verdicts, send } = setup(rules);
    send(observation(1n, '10.0.0.2', '10.0.0.9', 22));
    expect(verdicts[0]).toMatchObject({ source: 'microseg', ttl: 90 });
  });
});

describe('enforce', () => {
  const drop = R('d', 'tcp.dstport eq 22', 'drop');
  it.each([
    ['global true, rule default', true, [drop], true],
    ['global false: would-drop', false, [drop], false],
    [
      'rule enforce false: would-drop',
      true,
      [R('d', 'tcp.dstport eq 22', 'drop', { enforce: false })],
      false,
    ],
    [
      'one enforced rule among would-drops enforces',
      true,
      [R('a', 'tcp.dstport eq 22', 'drop', { enforce: false }), R('b', 'tcp.dstport ge 1', 'drop')],
      true,
    ],
    [
      'global false beats an enforced rule',
      false,
      [R('b', 'tcp.dstport ge 1', 'drop', { enforce: true })],
      false,
    ],
  ] as const)('%s', (_name, enforce, rules, expected) => {
    const { verdicts, send } = setup([...rules], { enforce });
    send(observation(1n, '10.0.0.2', '10.0.0.8', 22));
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0].action).toBe('drop');
    expect(verdicts[0].enforce).toBe(expected);
  });
});

describe('dedup in packet time', () => {
  const rules = [R('ssh', 'tcp.dstport eq 22', 'drop'), R('db', 'ip.dst eq 10.0.0.9', 'log')];

  it('one verdict per (edge, action, rules) per window of packet time', () => {
    const { verdicts, send, stage } = setup(rules);
    send(observation(0n, '10.0.0.2', '10.0.0.8', 22));
    send(observation(30n * SECOND, '10.0.0.2', '10.0.0.8', 22)); // same edge, inside the window
    send(observation(59n * SECOND, '10.0.0.2', '10.0.0.8', 22));
    send(observation(60n * SECOND, '10.0.0.2', '10.0.0.8', 22)); // window elapsed
    send(observation(61n * SECOND, '10.0.0.3', '10.0.0.8', 22)); // another edge
    send(observation(62n * SECOND, '10.0.0.2', '10.0.0.9', 80)); // another edge, another action
    expect(verdicts.map((v) => [v.ts / SECOND, v.observation.client, v.action])).toEqual([
      [0n, '10.0.0.2', 'drop'],
      [60n, '10.0.0.2', 'drop'],
      [61n, '10.0.0.3', 'drop'],
      [62n, '10.0.0.2', 'log'],
    ]);
    expect(stage.counters()).toMatchObject({
      evaluated: 6,
      suppressed: 2,
      verdicts: 4,
      matched: { drop: 5, log: 1, allow: 0 },
    });
  });

  it('a different set of matched rules on the same edge is a new verdict', () => {
    const { verdicts, send } = setup([
      R('ssh', 'tcp.dstport eq 22', 'drop'),
      R('db', 'ip.dst eq 10.0.0.9 and ip.src eq 10.0.0.5', 'drop'),
    ]);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    send(observation(1n, '10.0.0.2', '10.0.0.9', 22));
    expect(verdicts).toHaveLength(1);
    const { verdicts: other, send: send2 } = setup([
      R('ssh', 'tcp.dstport eq 22', 'drop'),
      R('db', 'ip.dst eq 10.0.0.9', 'drop'),
    ]);
    send2(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(other[0].ruleIds).toEqual(['ssh', 'db']);
  });

  it('the window follows packet time, not the wall clock, and a custom window is honoured', () => {
    const { verdicts, send } = setup(rules, { windowNs: 5n * SECOND });
    send(observation(100n * SECOND, '10.0.0.2', '10.0.0.8', 22));
    send(observation(104n * SECOND, '10.0.0.2', '10.0.0.8', 22));
    send(observation(103n * SECOND, '10.0.0.2', '10.0.0.8', 22)); // slightly out of order: still inside
    send(observation(105n * SECOND, '10.0.0.2', '10.0.0.8', 22));
    expect(verdicts.map((v) => v.ts / SECOND)).toEqual([100n, 105n]);
  });

  it('dedup memory is bounded: the key published longest ago is evicted and counted', () => {
    const { verdicts, send, stage } = setup(rules, { dedupCapacity: 2 });
    send(observation(0n, '10.0.0.1', '10.0.0.8', 22));
    send(observation(1n, '10.0.0.2', '10.0.0.8', 22));
    send(observation(2n, '10.0.0.1', '10.0.0.8', 22)); // suppressed
    send(observation(3n, '10.0.0.2', '10.0.0.8', 22)); // suppressed
    send(observation(4n, '10.0.0.3', '10.0.0.8', 22)); // evicts .1
    send(observation(5n, '10.0.0.2', '10.0.0.8', 22)); // still remembered: suppressed
    send(observation(6n, '10.0.0.1', '10.0.0.8', 22)); // forgotten: a verdict again (evicts .2)
    expect(verdicts.map((v) => v.observation.client)).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.1',
    ]);
    expect(stage.counters()).toMatchObject({ dedupEvictions: 2, suppressed: 3 });
  });

  it('fields already on the observation win over the definitions', () => {
    const { verdicts, send } = setup([R('fq', 'dns.fqdn eq "preset"', 'log')]);
    const o = observation(0n, '10.0.0.2', '10.0.0.9', 22);
    o.fields.set('dns.fqdn', 'preset');
    send(o);
    expect(verdicts).toHaveLength(1);
  });
});

describe('fields', () => {
  it('resolves only the fields rules need, plus the sink-wanted fields of published verdicts', () => {
    const { send, verdicts, resolved } = setup([R('ssh', 'tcp.dstport eq 22', 'drop')], {
      wantedFields: () => ['dns.fqdn'],
    });
    send(observation(0n, '10.0.0.2', '10.0.0.9', 80)); // no match: nothing resolved beyond the rule's field
    expect(resolved).toEqual([]);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(resolved).toEqual(['dns.fqdn']);
    expect(verdicts[0].observation.fields.get('dns.fqdn')).toBe('db.internal');
    expect(verdicts[0].observation.fields.has('service.name')).toBe(false);
  });

  it('a field read by several rules, plain and inside functions, is resolved once per observation', () => {
    const { send, verdicts, resolved } = setup([
      R('a', 'dns.fqdn eq "db.internal"', 'log'),
      R('b', 'lower(dns.fqdn) eq "db.internal" and dns.fqdn matches "db"', 'log'),
      R('c', 'len(dns.fqdn) gt 100 or dns.fqdn in {"y"} or ends_with(dns.fqdn, ".internal")', 'log'),
    ]);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    send(observation(1n, '10.0.0.3', '10.0.0.9', 22));
    expect(resolved).toEqual(['dns.fqdn', 'dns.fqdn']);
    expect(verdicts.map((v) => v.ruleIds)).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
  });

  it('a rule set compiled against another field list reads its fields by name', () => {
    const scheme = new Scheme([...TEST_FIELDS].reverse());
    const { ruleSet } = compileRules(
      [R('fq', 'dns.fqdn eq "evil.com" and tcp.dstport eq 443', 'drop')],
      scheme,
    );
    const { send, verdicts } = setup([], { rules: ruleSet as RuleSet });
    send(observation(0n, '10.0.0.2', '1.2.3.4', 443));
    send(observation(0n, '10.0.0.2', '10.0.0.9', 443));
    expect(verdicts.map((v) => [v.observation.server, v.ruleIds])).toEqual([['1.2.3.4', ['fq']]]);
  });

  it('a throwing enricher field is counted and taken as absent; the other rules still decide', () => {
    const { send, verdicts, stage } = setup([
      R('sni', 'tls.sni eq "x"', 'drop'),
      R('no-sni', 'not tls.sni eq "x" and tcp.dstport eq 22', 'log'),
    ]);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(stage.counters().errors).toBe(1);
    expect(verdicts.map((v) => [v.action, v.ruleIds])).toEqual([['log', ['no-sni']]]);
  });
});

describe('start and reload', () => {
  it('start fails with every problem when the rules do not compile against the enabled fields', () => {
    const stage = new PolicyStage({
      bus: new Bus(),
      fields: [...CORE_FIELDS],
      rules: [R('a', 'dns.fqdn eq "x"', 'drop'), R('b', 'tcp.dstport eq', 'drop')],
      enforce: true,
    });
    let error: unknown;
    try {
      stage.start();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems).toEqual([
      'rule "a": expression 1:1: unknown field dns.fqdn',
      'rule "b": expression 1:15: expected a value after "eq", found end of input',
    ]);
  });

  it('a bad new rule set is refused and the old one stays in force; a good one swaps in between observations', () => {
    const { stage, send, verdicts } = setup([R('ssh', 'tcp.dstport eq 22', 'drop')]);
    const refused = stage.reload([
      R('x', 'tcp.dstport eq "22"', 'drop'),
      R('y', 'tcp.dstport eq 80', 'drop'),
    ]);
    expect(refused.ok).toBe(false);
    expect(refused.rules).toBe(1);
    expect(refused.problems.map((p) => p.message)).toEqual([
      'expression 1:16: tcp.dstport is Int: expected an integer without quotes, found a string "22"',
    ]);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['ssh']]);
    const accepted = stage.reload([R('http', 'tcp.dstport eq 80', 'log')]);
    expect(accepted).toEqual({ ok: true, rules: 1, problems: [] });
    send(observation(1n, '10.0.0.2', '10.0.0.9', 22));
    send(observation(2n, '10.0.0.2', '10.0.0.9', 80));
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['ssh'], ['http']]);
    expect(stage.counters()).toMatchObject({ reloads: 1, reloadFailures: 1 });
  });

  it('reload during dispatch takes effect from the next observation, none is lost', () => {
    const bus = new Bus();
    const stage = new PolicyStage({
      bus,
      fields: [...CORE_FIELDS],
      rules: [R('a', 'tcp.dstport eq 22', 'log')],
      enforce: true,
    });
    stage.start();
    const seen: string[][] = [];
    bus.subscribe('verdict', (v) => {
      seen.push(v.ruleIds);
      if (seen.length === 1) stage.reload([R('b', 'tcp.dstport eq 22', 'log')]);
    });
    for (let i = 0; i < 3; i++)
      bus.publish('observation', observation(BigInt(i), `10.0.0.${i + 1}`, '10.0.0.9', 22));
    expect(seen).toEqual([['a'], ['b'], ['b']]);
    expect(stage.counters().evaluated).toBe(3);
  });

  it('stop unsubscribes; metrics expose the counters', () => {
    const metrics = new MetricsRegistry();
    const { stage, send } = setup([R('ssh', 'tcp.dstport eq 22', 'drop')], { metrics });
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    send(observation(1n, '10.0.0.2', '10.0.0.9', 22));
    stage.stop();
    send(observation(2n, '10.0.0.3', '10.0.0.9', 22));
    expect(metrics.value('policy_evaluated_total')).toBe(2);
    expect(metrics.value('policy_matched_total', { action: 'drop' })).toBe(2);
    expect(metrics.value('policy_suppressed_total')).toBe(1);
    expect(metrics.value('policy_verdicts_total')).toBe(1);
  });
});

describe('RulesFileWatcher', () => {
  it('reload() applies a good file and keeps the rules in force when the new file is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-watch-'));
    const path = join(dir, 'rules.yaml');
    writeFileSync(path, 'rules:\n  - {id: ssh, expression: "tcp.dstport eq 22", action: drop}\n');
    const { stage, send, verdicts } = setup([]);
    const outcomes: ReloadOutcome[] = [];
    const watcher = new RulesFileWatcher({ path, target: stage, onReload: (o) => outcomes.push(o) });
    expect((await watcher.reload()).ok).toBe(true);
    writeFileSync(path, 'rules:\n  - {id: ssh, expression: "tcp.dstport eq", action: drop}\n');
    const bad = await watcher.reload();
    expect(bad.ok).toBe(false);
    expect(bad.rules).toBe(1);
    expect(bad.message).toContain(
      `${path}:2:42: rule "ssh": expected a value after "eq", found end of input`,
    );
    expect(bad.message).toContain('kept the rules in force');
    writeFileSync(path, 'rules: [\n');
    expect((await watcher.reload()).ok).toBe(false);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['ssh']]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false]);
  });

  it('every refused reload is counted: a bad file, a file that cannot be read, a failure inside compiling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-watch-'));
    const path = join(dir, 'rules.yaml');
    writeFileSync(path, 'rules:\n  - {id: ssh, expression: "tcp.dstport eq 22", action: drop}\n');
    const { stage, send, verdicts } = setup([]);
    const watcher = new RulesFileWatcher({ path, target: stage });
    expect((await watcher.reload()).ok).toBe(true);
    // 2 000 nested parentheses: over the nesting limit, never a stack overflow.
    writeFileSync(
      path,
      `rules:\n  - {id: deep, expression: '${'('.repeat(2000)}tcp.dstport eq 1${')'.repeat(2000)}', action: drop}\n`,
    );
    const deep = await watcher.reload();
    expect(deep.message).toMatch(/rule "deep": the expression nests more than 128 levels deep here/);
    rmSync(path);
    mkdirSync(path);
    const unreadable = await watcher.reload();
    expect(unreadable.message).toMatch(/cannot read the rule file: EISDIR/);
    const throwing = stage.reload([
      {
        id: 'odd',
        action: 'log',
        get expression(): string {
          throw new RangeError('Maximum call stack size exceeded');
        },
      },
    ]);
    expect(throwing).toMatchObject({ ok: false, rules: 1 });
    expect(throwing.problems[0].message).toBe(
      'expression could not be compiled: Maximum call stack size exceeded',
    );
    expect(stage.counters()).toMatchObject({ reloads: 1, reloadFailures: 3 });
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['ssh']]);
  });

  it('picks up a change to the file through fs.watch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-watch-'));
    const path = join(dir, 'rules.yaml');
    writeFileSync(path, '[]\n');
    const { stage } = setup([]);
    const reloaded = new Promise<ReloadOutcome>((done) => {
      const watcher = new RulesFileWatcher({
        path,
        target: stage,
        debounceMs: 20,
        onReload: (o) => {
          watcher.close();
          done(o);
        },
      });
      watcher.start();
      setTimeout(() => writeFileSync(path, '- {id: a, expression: "tcp.dstport eq 1", action: log}\n'), 50);
    });
    const outcome = await reloaded;
    expect(outcome.ok).toBe(true);
    expect(stage.rules.rules.map((r) => r.id)).toEqual(['a']);
  });
});

describe('reloadRulesText (rules pushed by a control plane)', () => {
  it('swaps a good set in and refuses a bad one, keeping the old, with positions in the pushed text', () => {
    const { stage, send, verdicts } = setup([]);
    const good = reloadRulesText(
      stage,
      '- {id: ssh, expression: "tcp.dstport eq 22", action: drop}\n',
      'cp (rules v1)',
    );
    expect(good).toMatchObject({ ok: true, rules: 1, message: 'cp (rules v1): 1 rule in force' });
    const bad = reloadRulesText(
      stage,
      '- {id: web, expression: "tcp.dstport eq", action: drop}\n',
      'cp (rules v2)',
    );
    expect(bad.ok).toBe(false);
    expect(bad.rules).toBe(1);
    expect(bad.message).toContain('cp (rules v2):1:40: rule "web": expected a value after "eq"');
    const unknown = reloadRulesText(
      stage,
      '- {id: x, expression: "no.such eq 1", action: log}\n',
      'cp (rules v3)',
    );
    expect(unknown.ok).toBe(false);
    expect(reloadRulesText(stage, 'rules: [', 'cp (rules v4)').ok).toBe(false);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['ssh']]);
    // Every refusal counts, the text that does not parse too.
    expect(stage.counters()).toMatchObject({ reloads: 1, reloadFailures: 3 });
  });
});

describe('PolicyStage (named edges)', () => {
  it('is the stage named policy', () => {
    expect(setup([]).stage.name).toBe('policy');
  });

  it('a verdict of rules without source or ttl carries neither key', () => {
    const { send, verdicts } = setup([R('ssh', 'tcp.dstport eq 22', 'drop')]);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(Object.keys(verdicts[0]).sort()).toEqual(['action', 'enforce', 'observation', 'ruleIds', 'ts']);
  });

  it('an observation whose evaluation throws is counted as an error, and the next one is evaluated', () => {
    const metrics = new MetricsRegistry();
    const { stage, send, verdicts } = setup([R('db', 'dns.fqdn eq "db.internal"', 'drop')], { metrics });
    // No fields map: reading dns.fqdn throws outside the resolver's own guard.
    send({
      ...observation(0n, '10.0.0.2', '10.0.0.9', 22),
      fields: undefined as unknown as Map<string, never>,
    });
    send(observation(1n, '10.0.0.2', '10.0.0.9', 22));
    expect(stage.counters().errors).toBe(1);
    expect(metrics.value('policy_errors_total')).toBe(1);
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['db']]);
  });

  it('a reload that throws is refused with the error, and the rules in force stay', () => {
    const { stage, send, verdicts } = setup([R('ssh', 'tcp.dstport eq 22', 'drop')]);
    const refused = stage.reload(null as unknown as RuleEntry[], 'rules.yaml');
    expect(refused).toMatchObject({ ok: false, rules: 1 });
    expect(refused.problems).toHaveLength(1);
    expect(refused.problems[0].file).toBe('rules.yaml');
    expect(refused.problems[0].message).toMatch(/^the new rules could not be loaded: \S/);
    send(observation(0n, '10.0.0.2', '10.0.0.9', 22));
    expect(verdicts).toHaveLength(1);
    expect(stage.counters()).toMatchObject({ reloads: 0, reloadFailures: 1 });
  });

  it('metrics: every family with its help text, errors, evictions and reloads by result', () => {
    const metrics = new MetricsRegistry();
    const { stage } = setup([R('ssh', 'tcp.dstport eq 22', 'drop')], { metrics });
    stage.reload([R('ssh', 'tcp.dstport eq 23', 'drop')]);
    stage.reload([R('ssh', 'tcp.dstport eq', 'drop')]);
    stage.reload([R('ssh', 'tcp.dstport eq', 'drop')]);
    const help = metrics
      .render()
      .split('\n')
      .filter((line) => line.startsWith('# HELP '));
    expect(help).toEqual([
      '# HELP glia_policy_evaluated_total Observations the policy stage evaluated',
      '# HELP glia_policy_matched_total Observations some rule matched, by winning action',
      '# HELP glia_policy_verdicts_total Verdicts published',
      '# HELP glia_policy_suppressed_total Verdicts suppressed as repeats within the verdict window',
      '# HELP glia_policy_errors_total Observations whose evaluation threw',
      '# HELP glia_policy_dedup_evictions_total Verdict keys evicted from the bounded dedup memory',
      '# HELP glia_policy_reloads_total Rule set reloads, by result',
    ]);
    expect(metrics.value('policy_errors_total')).toBe(0);
    expect(metrics.value('policy_dedup_evictions_total')).toBe(0);
    expect(metrics.value('policy_reloads_total', { result: 'ok' })).toBe(1);
    expect(metrics.value('policy_reloads_total', { result: 'refused' })).toBe(2);
  });
});
