import type { FieldValue, RuleAction, RuleEntry } from '@glia/core';
import { seededRandom } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { RandomChoices } from '../lang/random-choices.js';
import { testScheme } from '../lang/test-scheme.js';
import { compileRules } from './compile-rules.js';
import { RuleSet, type CompiledRule } from './rule-set.js';

type Fields = Record<string, FieldValue>;

const PORTS = [22, 53, 80, 443, 5432, 6379, 8080, 8443, 9090];
const NAMESPACES = ['default', 'shop', 'payments', 'kube-system', 'monitoring', 'ns-7'];
const APPS = ['web', 'api', 'db', 'cache'];
const DOMAINS = ['evil.com', 'corp.example', 'a.b.example', 'cdn.net', 'com'];

class Generator extends RandomChoices {
  octet(): number {
    return Math.floor(this.r() * 4);
  }
  atom(): string {
    switch (Math.floor(this.r() * 14)) {
      case 0:
        return `tcp.dstport eq ${this.pick(PORTS)}`;
      case 1: {
        const lo = this.pick([8000, 9000]);
        return `tcp.dstport in {${this.pick(PORTS)} ${this.pick(PORTS)} ${lo}..${lo + this.pick([0, 99, 999])}}`;
      }
      case 2:
        return `ip.dst in {10.${this.octet()}.0.0/16 192.168.${this.octet()}.0/24}`;
      case 3:
        return `ip.src eq 10.${this.octet()}.${this.octet()}.${this.octet()}`;
      case 4:
        return `ip.dst in {10.0.${this.octet()}.0..10.0.${this.octet() + 3}.255 2001:db8::/${this.pick([32, 64, 128])}}`;
      case 5:
        return `identity.k8s.src_namespace eq "${this.pick(NAMESPACES)}"`;
      case 6:
        return `identity.k8s.dst_namespace in {"${this.pick(NAMESPACES)}" "${this.pick(NAMESPACES)}"}`;
      case 7:
        return `identity.k8s.src_label["app"] eq "${this.pick(APPS)}"`;
      case 8:
        return `dns.fqdn wildcard "*${this.pick(['.', ''])}${this.pick(DOMAINS).toUpperCase()}"`;
      case 9:
        return `ends_with(dns.fqdn, ".${this.pick(DOMAINS)}")`;
      case 10:
        return `dns.fqdn strict wildcard "${this.pick(['x.evil.com', 'api.*.example', 'com'])}"`;
      case 11:
        return `tcp.dstport ${this.pick(['ge', 'lt', 'ne'])} ${this.pick(PORTS)}`;
      case 12:
        return `lower(dns.fqdn) eq "${this.pick(['x.evil.com', 'www.cdn.net'])}"`;
      default:
        return `ids.src_home_net == ${this.pick([0, 1])}`;
    }
  }
  expression(): string {
    const terms = Array.from({ length: 1 + Math.floor(this.r() * 4) }, () => {
      const roll = this.r();
      if (roll < 0.1) return `not ${this.atom()}`;
      if (roll < 0.25) return `(${this.atom()} or ${this.atom()})`;
      return this.atom();
    });
    return terms.join(this.chance(0.9) ? ' and ' : ' or ');
  }
  rules(n: number): RuleEntry[] {
    return Array.from({ length: n }, (_, i) => ({
      id: `r${i}`,
      expression: this.expression(),
      action: this.pick<RuleEntry['action']>(['drop', 'drop', 'log', 'allow', 'block']),
      ...(this.chance(0.2) ? { enforce: false } : {}),
    }));
  }
  observation(): Fields {
    const f: Fields = {};
    const ip = (): string =>
      this.chance(0.1)
        ? '2001:db8::5'
        : `${this.pick([10, 192])}.${this.pick([0, 168, 1])}.${this.octet()}.${this.octet() * 60}`;
    f['ip.src'] = ip();
    f['ip.dst'] = ip();
    if (this.chance(0.9)) f['tcp.dstport'] = this.pick([...PORTS, 8050, 9500, 12345]);
    if (this.chance(0.8)) f['identity.k8s.src_namespace'] = this.pick(NAMESPACES);
    if (this.chance(0.8)) f['identity.k8s.dst_namespace'] = this.pick(NAMESPACES);
    if (this.chance(0.7))
      f['identity.k8s.src_label'] = new Map(this.chance(0.8) ? [['app', this.pick(APPS)]] : []);
    if (this.chance(0.7))
      f['dns.fqdn'] =
        `${this.pick(['x', 'www', 'api.v1', ''])}${this.chance(0.8) ? '.' : ''}${this.pick(DOMAINS)}`.replace(
          /^\./,
          '',
        );
    if (this.chance(0.1) && typeof f['dns.fqdn'] === 'string') f['dns.fqdn'] = f['dns.fqdn'].toUpperCase();
    if (this.chance(0.8)) f['ids.src_home_net'] = this.pick([0, 1]);
    return f;
  }
}

const PRECEDENCE: readonly RuleAction[] = ['allow', 'drop', 'log'];

/** Every rule evaluated, then allow > drop > log (DESIGN §6): the reference the index must agree with. */
function reference(rules: readonly CompiledRule[], fields: Fields, enforce: boolean): string {
  const matched = rules.filter((r) => r.expression.test((name) => fields[name]));
  for (const action of PRECEDENCE) {
    const winners = matched.filter((r) => r.action === action);
    if (winners.length > 0) {
      return `${action} ${winners.map((r) => r.id).join(',')} ${enforce && winners.some((r) => r.enforce)}`;
    }
  }
  return 'none';
}

const describeDecision = (d: ReturnType<RuleSet['decide']>): string =>
  d === null ? 'none' : `${d.action} ${d.ruleIds.join(',')} ${d.enforce}`;

describe('indexed evaluation gives exactly the verdicts of evaluating every rule', () => {
  const scheme = testScheme();
  // [seed, rule sets, rules per set, observations per set, least share of rules indexed]
  for (const [seed, sets, size, observations, indexedShare] of [
    [1, 60, 20, 60, 0.3],
    [2, 40, 70, 60, 0.6],
    [3, 6, 400, 200, 0.6],
    [4, 2, 1000, 300, 0.6],
  ] as const) {
    it(`seed ${seed}: ${sets} random rule sets of ${size} rules × ${observations} random observations`, () => {
      const gen = new Generator(seededRandom(seed));
      let decided = 0;
      let indexedRules = 0;
      let totalRules = 0;
      for (let s = 0; s < sets; s++) {
        const compiled = compileRules(gen.rules(size), scheme);
        expect(compiled.problems).toEqual([]);
        const set = compiled.ruleSet as RuleSet;
        const closures = new RuleSet(set.rules, { generate: false });
        const everyRule = new RuleSet(set.rules, { index: false });
        const bound = set.bind((name) => (fields: Fields) => fields[name]);
        indexedRules += set.index.chosen.filter((h) => h !== undefined).length;
        totalRules += set.rules.length;
        for (let o = 0; o < observations; o++) {
          const fields = gen.observation();
          const get = (name: string): FieldValue | undefined => fields[name];
          const enforce = gen.chance(0.8);
          const expected = reference(set.rules, fields, enforce);
          const actual = [
            describeDecision(set.decide(get, enforce)),
            describeDecision(closures.decide(get, enforce)),
            describeDecision(everyRule.decide(get, enforce)),
            describeDecision(bound.decide(fields, get, enforce)),
          ];
          if (actual.some((a) => a !== expected)) {
            throw new Error(
              `set ${s}, observation ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v))}\nexpected ${expected}\nindexed, closures, every rule, bound: ${actual.join(' | ')}`,
            );
          }
          if (expected !== 'none') decided++;
        }
      }
      // Enough decisions and enough indexed rules for the comparison to mean something.
      expect(decided / (sets * observations)).toBeGreaterThan(0.3);
      expect(indexedRules / totalRules).toBeGreaterThan(indexedShare);
    });
  }
});
