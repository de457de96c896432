import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { RandomChoices } from './random-choices.js';
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

class Generator extends RandomChoices {
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
        return this.chance(0.15)
          ? `tcp.dstport ${this.pick(['&', 'bitwise_and'])} ${this.pick([1, 2, 0x10, 0x400])}`
          : `tcp.dstport ${this.pick(['eq', '==', 'ne', '!=', 'lt', '<', 'le', '<=', 'gt', '>', 'ge', '>='])} ${this.int(this.pick(PORTS))}`;
      case 1: {
        const from = this.pick(PORTS);
        return `tcp.dstport in {${this.int(this.pick(PORTS))} ${from}..${from + this.pick([0, 1, 100])}}`;
      }
      case 2:
        return `ip.dst ${this.pick(['eq', 'ne'])} ${this.pick(IPS)}`;
      case 3:
        return `ip.dst in {${this.pick(['10.0.0.0/8', '192.168.0.0/16', '10.0.0.1', '8.8.0.0/16', '10.1.2.0..10.1.2.9'])} ${this.pick(['172.16.0.0/12', '10.1.0.0/16', '192.168.1.1..192.168.1.1'])}}`;
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
        const inner = `${this.chance(0.3) ? 'not ' : ''}${this.pick(['dns.fqdns[*]', 'lower(dns.fqdns[*])[*]'])} ${this.pick(['eq', 'ne', 'contains', 'wildcard'])} "${this.pick(['a', '*.com', 'evil', 'x'])}"`;
        return `${this.pick(['any', 'all'])}(${inner})`;
      }
    }
  }
  /** An integer written as wirefilter allows: decimal, hexadecimal or (leading 0) octal. */
  int(n: number): string {
    const roll = this.r();
    return roll < 0.15 ? `0x${n.toString(16)}` : roll < 0.3 ? `0${n.toString(8)}` : String(n);
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

/** wirefilter's integer literals: 0x hex, leading 0 octal, else decimal. */
function int(t: string): number {
  if (t.startsWith('0x')) return parseInt(t.slice(2), 16);
  if (t.length > 1 && t.startsWith('0')) return parseInt(t.slice(1), 8);
  return Number(t);
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inIpItem(ip: string, item: string): boolean {
  if (item.includes('..')) {
    const [lo, hi] = item.split('..').map(ipNumber);
    return ipNumber(ip) >= lo && ipNumber(ip) <= hi;
  }
  const [base, bits = '32'] = item.split('/');
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

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const asciiUpper = (s: string): string => s.replace(/[a-z]/g, (c) => c.toUpperCase());

/** The value of a value node; `element` is the current [*] element inside any()/all(). */
function value(node: ValueNode, fields: Fields, element: string | undefined): unknown {
  const head = node.head;
  let v: unknown;
  if (head.kind === 'field') v = fields[head.name];
  else {
    const inner = value(head.args[0] as ValueNode, fields, element);
    if (inner === undefined) v = undefined;
    else {
      const s = inner as string;
      switch (head.name) {
        case 'lower':
          v = asciiLower(s);
          break;
        case 'upper':
          v = asciiUpper(s);
          break;
        case 'len':
          v = typeof inner === 'string' ? new TextEncoder().encode(s).length : (inner as string[]).length;
          break;
        case 'starts_with':
          v = s.startsWith(text(head.args[1] as Literal));
          break;
        case 'ends_with':
          v = s.endsWith(text(head.args[1] as Literal));
          break;
        default:
          throw new Error(`interpreter: ${head.name}`);
      }
    }
  }
  for (const step of node.indexes) {
    if (step.kind === 'each') v = head.kind === 'field' ? element : v;
    else v = v instanceof Map ? v.get(text(step.key)) : undefined;
  }
  return v;
}

function interpret(expr: Expr, fields: Fields, absentNotEqual: boolean, element?: string): boolean {
  switch (expr.kind) {
    case 'not':
      return !interpret(expr.operand, fields, absentNotEqual, element);
    case 'logical': {
      const values = expr.items.map((item) => interpret(item, fields, absentNotEqual, element));
      return expr.op === 'and'
        ? values.every(Boolean)
        : expr.op === 'or'
          ? values.some(Boolean)
          : values.reduce((a, b) => a !== b, false);
    }
    case 'quantifier': {
      // Every quantifier the generator writes iterates dns.fqdns.
      const list = (fields['dns.fqdns'] as string[] | undefined) ?? [];
      const each = (e: string): boolean => interpret(expr.arg, fields, absentNotEqual, e);
      return expr.name === 'any' ? list.some(each) : list.every(each);
    }
    case 'bare':
      return value(expr.value, fields, element) === true;
    case 'in': {
      const v = value(expr.lhs, fields, element);
      if (v === undefined) return false;
      return expr.items.some((item) => {
        const t = text(item);
        if (typeof v === 'number') {
          const [lo, hi = lo] = t.split('..');
          return v >= int(lo) && v <= int(hi);
        }
        return inIpItem(v as string, t);
      });
    }
    case 'compare': {
      const v = value(expr.lhs, fields, element);
      if (v === undefined) return expr.op === 'ne' && absentNotEqual;
      const lit = expr.rhs.kind === 'word' && typeof v === 'number' ? int(expr.rhs.text) : text(expr.rhs);
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
        case 'bitwise_and':
          return ((v as number) & (lit as number)) !== 0;
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
        const absentNotEqual = gen.chance(0.5);
        const compiled = compileExpression(source, scheme, { absentNotEqual });
        const ast = parseExpression(source);
        // The same expression as the 2nd rule of a generated rule-set function (bit 1 of the mask).
        const plans = [compileExpression('tcp.dstport eq 1', scheme).plan, compiled.plan];
        const generated = ruleSetFunction(plans);
        // And with a reader per field, as the policy stage binds it.
        const bound = boundRuleSetFunction(plans, (name) => (f: Fields) => f[name]);
        if (generated === null || bound === null) throw new Error('code generation is unavailable');
        for (let j = 0; j < 4; j++) {
          const fields = gen.fields();
          const expected = interpret(ast, fields, absentNotEqual);
          const actual = compiled.test((name) => fields[name]);
          const generatedActual = (generated((name) => fields[name], 3) & 2) !== 0;
          const boundActual = (bound(fields, (name) => fields[name], 3) & 2) !== 0;
          if (actual !== expected || generatedActual !== expected || boundActual !== expected) {
            throw new Error(
              `${source} (absent_not_equal: ${absentNotEqual})\nfields: ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v))}\nclosures ${actual}, generated ${generatedActual}, bound ${boundActual}, interpreter ${expected}`,
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
