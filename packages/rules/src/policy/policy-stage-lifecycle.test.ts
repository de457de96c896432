import { Bus, CORE_FIELDS, InputError, type Observation, type RuleEntry, type Verdict } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { PolicyStage } from './policy-stage.js';

/** The policy stage before and around start: rules kept until start, start once, its errors. */
function observation(ts: bigint, serverPort: number, clientPort = 40000): Observation {
  return {
    ts,
    iface: 'eth0',
    dir: 'ingress',
    phase: 'syn',
    client: '10.0.0.2',
    server: '10.0.0.9',
    clientPort,
    serverPort,
    proto: 'tcp',
    event: {
      ts,
      iface: 'eth0',
      dir: 'ingress',
      src: '10.0.0.2',
      dst: '10.0.0.9',
      sport: 40000,
      dport: serverPort,
      proto: 'tcp',
    },
    fields: new Map(),
  };
}

const rule = (id: string, expression: string): RuleEntry => ({ id, expression, action: 'log' });

function stage(rules: RuleEntry[]) {
  const bus = new Bus();
  const verdicts: Verdict[] = [];
  bus.subscribe('verdict', (v) => verdicts.push(v));
  const s = new PolicyStage({ bus, fields: () => [...CORE_FIELDS], rules, enforce: false });
  return { bus, stage: s, verdicts };
}

describe('PolicyStage lifecycle', () => {
  it('a reload before start is kept, not compiled, and start compiles it', () => {
    const { bus, stage: s, verdicts } = stage([rule('a', 'tcp.dstport eq 22')]);
    // Not compiled yet: even a rule that would not compile is accepted for now.
    expect(s.reload([rule('b', 'tcp.dstport eq 23'), rule('c', 'tcp.dstport eq 24')])).toEqual({
      ok: true,
      rules: 2,
      problems: [],
    });
    expect(s.rules.rules).toEqual([]);
    expect(s.counters()).toMatchObject({ reloads: 0, reloadFailures: 0 });
    s.start();
    expect(s.rules.rules.map((r) => r.id)).toEqual(['b', 'c']);
    bus.publish('observation', observation(0n, 22));
    bus.publish('observation', observation(1n, 23));
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['b']]);
  });

  it('a reload before start keeps its settings for start (absent_not_equal)', () => {
    const { bus, stage: s, verdicts } = stage([]);
    s.reload([rule('not-dns', 'udp.dstport ne 53')], undefined, { absentNotEqual: true });
    s.start();
    // A TCP observation has no udp.dstport: absent != 53 is true only with absent_not_equal.
    bus.publish('observation', observation(0n, 22));
    expect(verdicts.map((v) => v.ruleIds)).toEqual([['not-dns']]);
  });

  it('a reload of bad rules before start fails the start with every problem', () => {
    const { stage: s } = stage([rule('a', 'tcp.dstport eq 22')]);
    s.reload([rule('b', 'tcp.dstport eq'), rule('c', 'no.such eq 1')]);
    let error: unknown;
    try {
      s.start();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'the rules have 2 problems:\n  rule "b": expression 1:15: expected a value after "eq", found end of input\n  rule "c": expression 1:1: unknown field no.such',
    );
  });

  it('one problem is "1 problem"', () => {
    const { stage: s } = stage([rule('b', 'tcp.dstport eq')]);
    expect(() => s.start()).toThrow(
      'the rules have 1 problem:\n  rule "b": expression 1:15: expected a value after "eq", found end of input',
    );
  });

  it('a second start changes nothing: one subscription, one evaluation per observation', () => {
    const { bus, stage: s } = stage([rule('a', 'tcp.dstport eq 22')]);
    s.start();
    s.start();
    bus.publish('observation', observation(0n, 22));
    expect(s.counters()).toMatchObject({ evaluated: 1, verdicts: 1 });
  });

  it('the scheme exists from start on', () => {
    const { stage: s } = stage([]);
    expect(s.scheme).toBeNull();
    s.start();
    expect(s.scheme?.type('tcp.dstport')).toBe('Int');
  });
});

describe('outcome numbers', () => {
  it('when the 65 536 outcome numbers run out, the next new outcome on an edge is not taken for a repeat', () => {
    // 17 rules, one per bit of the client port: client port n matches the rules of n's bits, so
    // every n is another outcome (another set of rule ids) on the same edge.
    const rules = Array.from({ length: 17 }, (_, k) => rule(`bit${k}`, `tcp.srcport & ${2 ** k}`));
    const { bus, stage: s, verdicts } = stage(rules);
    s.start();
    for (let n = 1; n <= 65_537; n++) bus.publish('observation', observation(BigInt(n), 22, n));
    // Outcome 65 537 (bits 0 and 16) comes after 65 536 others: numbering starts again at 0,
    // which outcome 1 had on this very edge a moment ago; it is published all the same.
    expect(s.counters()).toMatchObject({ evaluated: 65_537, verdicts: 65_537, suppressed: 0 });
    expect(verdicts[65_536].ruleIds).toEqual(['bit0', 'bit16']);
    // The numbers and the dedup memory were forgotten together: outcome 1 again is a new verdict,
    // and a repeat of it inside the window is suppressed as usual.
    bus.publish('observation', observation(65_538n, 22, 1));
    bus.publish('observation', observation(65_539n, 22, 1));
    expect(s.counters()).toMatchObject({ verdicts: 65_538, suppressed: 1 });
  });
});
