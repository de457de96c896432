import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import type { Expr, Literal, ValueNode } from './ast.js';
import { compileExpression } from './compile.js';
import { seededRandom as prng } from '@glia/core/testing';
import { parseExpression } from './parser.js';
import { boundRuleSetFunction, ruleSetFunction } from './rule-set-function.js';
import { testScheme } from './test-scheme.js';

const PORTS = [22, 80, 443, 8080, 9000];
const IPS = ['10.0.0.1', '10.1.2.3', '192.168.1.1', '172.16.5.4', '8.8.8.8'];
const NAMES = ['a.com', 'api.A.com', 'evil.org', 'x', 'api.evil.com', ''];
const APPS = ['frontend', 'db', 'api'];

class Generator {
  constructor(private readonly r: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  expr(depth: number): string {
    const roll = this.r();
    if (depth <= 0 || roll < 0.45) return this.atom();
    if (roll < 0.6) return `${this.pick(['not ', '!', 'not '])}${this.expr(depth - 1)}`;
    if (roll < 0.7) return `(${this.expr(depth - 1)})`;
    const op = this.pick(['and', '&&', 'or', '||', 'xor', '^^']);
    return `${this.expr(depth - 1)} ${op} ${this.expr(depth - 1)}`;
  }
  atom(): string {
    switch (Math.floor(this.r() * 11)) {
      case 0:
        return `tcp.dstport ${this.pick(['eq', '==', 'ne', '!=', 'lt', '<', 'le', '<=', 'gt', '>', 'ge', '>='])} ${this.pick(PORTS)}`;
      case 1: {
        const from = this.pick(PORTS);
        return `tcp.dstport in {${this.pick(PORTS)} ${from}..${from + this.pick([0, 1, 100])}}`;
      }
      case 2:
        return `ip.dst ${this.pick(['eq', 'ne'])} ${this.pick(IPS)}`;
      case 3:
        return `ip.dst in {${this.pick(['10.0.0.0/8', '192.168.0.0/16', '10.0.0.1', '8.8.0.0/16'])} ${this.pick(['172.16.0.0/12', '10.1.0.0/16'])}}`;
      case 4:
        return `dns.fqdn ${this.pick(['eq', 'ne', 'contains', 'lt', 'ge'])} "${this.pick(NAMES)}"`;
      case 5:
        return `dns.fqdn ${this.pick(['matches', '~'])} "${this.pick(['^api', 'com$', 'a.c', '(evil|x)', '^$'])}"`;
      case 6:
        return `dns.fqdn ${this.pick(['wildcard', 'strict wildcard'])} "${this.pick(['*.com', 'api.*', '*evil*', 'X', '*a*.*'])}"`;
      case 7:
        return `identity.k8s.src_label["${this.pick(['app', 'tier'])}"] ${this.pick(['eq', 'ne'])} "${this.pick(APPS)}"`;
      case 8:
        return this.chance(0.5)
          ? 'test.flag'
          : `${this.pick(['starts_with', 'ends_with'])}(${this.pick(['dns.fqdn', 'lower(dns.fqdn)'])}, "${this.pick(['api', 'com', 'a'])}")`;
      case 9:
        return this.chance(0.5)
          ? `lower(dns.fqdn) eq "${this.pick(NAMES).toLowerCase()}"`
          : `len(${this.pick(['dns.fqdn', 'dns.fqdns', 'upper(dns.fqdn)'])}) ${this.pick(['eq', 'gt', 'le'])} ${this.pick([0, 1, 5, 8])}`;
      default: {
        const inner = `${this.chance(0.3) ? 'not ' : ''}${this.pick(['dns.fqdns[*]', 'lower(dns.fqdns[*])'])} ${this.pick(['eq', 'contains', 'wildcard'])} "${this.pick(['a', '*.com', 'evil', 'x'])}"`;
        return `${this.pick(['any', 'all'])}(${inner})`;
      }
    }
  }
  fields(): Record<string, FieldValue> {
    const f: Record<string, FieldValue> = {};
    if (this.chance(0.8)) f['tcp.dstport'] = this.pick([...PORTS, 100, 8100]);
    if (this.chance(0.8)) f['ip.dst'] = this.pick([...IPS, '10.200.0.9']);
    if (this.chance(0.8)) f['dns.fqdn'] = this.pick(NAMES);
    if (this.chance(0.7)) {
      const labels = new Map<string, string>();
      if (this.chance(0.7)) labels.set('app', this.pick(APPS));
      if (this.chance(0.5)) labels.set('tier', this.pick(APPS));
      f['identity.k8s.src_label'] = labels;
    }
    if (this.chance(0.7)) f['test.flag'] = this.chance(0.5);
    if (this.chance(0.7)) f['dns.fqdns'] = NAMES.filter(() => this.chance(0.4));
    return f;
  }
}

// ---- a plain interpreter over the syntax tree, independent of the compiler ----

type Fields = Record<string, FieldValue>;

function text(l: Literal): string {
  return l.kind === 'string' ? l.body : l.text;
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipNumber(ip) / size) === Math.floor(ipNumber(base) / size);
}

function globRegex(pattern: string, caseSensitive: boolean): RegExp {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
}

function value(node: ValueNode, fields: Fields, element: string | undefined): unknown {
  if (node.kind === 'field') {
    const v = fields[node.name];
    if (node.index === undefined) return v;
    if (node.index.key === '*') return element;
    return v instanceof Map ? v.get(text(node.index.key as Literal)) : undefined;
  }
  const arg = node.args[0] as ValueNode;
  const inner = value(arg, fields, element);
  if (inner === undefined)
    return node.name === 'starts_with' || node.name === 'ends_with' ? false : undefined;
  switch (node.name) {
    case 'lower':
      return (inner as string).toLowerCase();
    case 'upper':
      return (inner as string).toUpperCase();
    case 'len':
      return typeof inner === 'string' ? new TextEncoder().encode(inner).length : (inner as string[]).length;
    case 'starts_with':
      return (inner as string).startsWith(text(node.args[1] as Literal));
    case 'ends_with':
      return (inner as string).endsWith(text(node.args[1] as Literal));
  }
  throw new Error(`interpreter: ${node.name}`);
}

function interpret(expr: Expr, fields: Fields, element?: string): boolean {
  switch (expr.kind) {
    case 'not':
      return !interpret(expr.operand, fields, element);
    case 'logical': {
      const l = interpret(expr.left, fields, element);
      const r = interpret(expr.right, fields, element);
      return expr.op === 'and' ? l && r : expr.op === 'or' ? l || r : l !== r;
    }
    case 'bare': {
      const v = expr.value;
      if (v.kind === 'call' && (v.name === 'any' || v.name === 'all')) {
        const list = fields['dns.fqdns'] as string[] | undefined;
        if (list === undefined) return false;
        const each = (e: string): boolean => interpret(v.args[0] as Expr, fields, e);
        return v.name === 'any' ? list.some(each) : list.every(each);
      }
      return value(v, fields, element) === true;
    }
    case 'in': {
      const v = value(expr.lhs, fields, element);
      if (v === undefined) return false;
      return expr.items.some((item) => {
        const t = text(item);
        if (typeof v === 'number') {
          const [lo, hi = lo] = t.split('..');
          return v >= Number(lo) && v <= Number(hi);
        }
        return inCidr(v as string, t);
      });
    }
    case 'compare': {
      const v = value(expr.lhs, fields, element);
      if (v === undefined) return false;
      const lit = expr.rhs.kind === 'word' && typeof v === 'number' ? Number(expr.rhs.text) : text(expr.rhs);
      switch (expr.op) {
        case 'eq':
          return v === lit;
        case 'ne':
          return v !== lit;
        case 'lt':
          return (v as number) < (lit as number);
        case 'le':
          return (v as number) <= (lit as number);
        case 'gt':
          return (v as number) > (lit as number);
        case 'ge':
          return (v as number) >= (lit as number);
        case 'contains':
          return (v as string).includes(lit as string);
        case 'matches':
          return new RegExp(lit as string).test(v as string);
        case 'wildcard':
          return globRegex(lit as string, false).test(v as string);
        case 'strict wildcard':
          return globRegex(lit as string, true).test(v as string);
      }
    }
  }
}

describe('compiled closures and generated rule-set functions (getter and bound readers) agree with a plain AST interpreter', () => {
  const scheme = testScheme();
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: 1500 random expressions × 4 random observations`, () => {
      const gen = new Generator(prng(seed));
      let trueCount = 0;
      let total = 0;
      for (let i = 0; i < 1500; i++) {
        const source = gen.expr(4);
        const compiled = compileExpression(source, scheme);
        const ast = parseExpression(source);
        // The same expression as the 2nd rule of a generated rule-set function (bit 1 of the mask).
        const plans = [compileExpression('tcp.dstport eq 1', scheme).plan, compiled.plan];
        const generated = ruleSetFunction(plans);
        // And with a reader per field, as the policy stage binds it.
        const bound = boundRuleSetFunction(plans, (name) => (f: Fields) => f[name]);
        if (generated === null || bound === null) throw new Error('code generation is unavailable');
        for (let j = 0; j < 4; j++) {
          const fields = gen.fields();
          const expected = interpret(ast, fields);
          const actual = compiled.test((name) => fields[name]);
          const generatedActual = (generated((name) => fields[name]) & 2) !== 0;
          const boundActual = (bound(fields, (name) => fields[name]) & 2) !== 0;
          if (actual !== expected || generatedActual !== expected || boundActual !== expected) {
            throw new Error(
              `${source}\nfields: ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v))}\nclosures ${actual}, generated ${generatedActual}, bound ${boundActual}, interpreter ${expected}`,
            );
          }
          total++;
          if (actual) trueCount++;
        }
      }
      // Both outcomes must be well represented, or the comparison proves little.
      expect(trueCount / total).toBeGreaterThan(0.2);
      expect(trueCount / total).toBeLessThan(0.8);
    });
  }
});
