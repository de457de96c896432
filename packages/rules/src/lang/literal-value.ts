import { normalizeIp, parseCidr, type Cidr } from '@glia/core';
import type { Literal } from './ast.js';
import { RuleSyntaxError } from './source-error.js';
import { decodeString } from './string-literal.js';

const INT = /^-?(0x[0-9a-fA-F]+|[0-9]+)$/;

/** Interprets literals once the type they must have is known; errors point at the literal. */
export class LiteralReader {
  constructor(
    private readonly source: string,
    private readonly subject: string,
  ) {}

  int(literal: Literal): number {
    if (literal.kind === 'string') {
      this.fail(
        literal,
        `${this.subject} is Int: expected an integer without quotes, found a string "${literal.body}"`,
      );
    }
    return this.intText(literal, literal.text);
  }

  intText(literal: Literal, text: string, offset = literal.offset): number {
    if (!INT.test(text))
      this.fail(literal, `expected an integer for ${this.subject} (Int), found "${text}"`, offset);
    const negative = text.startsWith('-');
    const digits = negative ? text.slice(1) : text;
    const value = (negative ? -1 : 1) * Number(digits);
    if (!Number.isSafeInteger(value)) this.fail(literal, `integer ${text} is out of range`, offset);
    return value;
  }

  /** `a..b` inside a set of integers. */
  intRange(literal: Literal): [number, number] | number {
    if (literal.kind === 'word' && literal.text.includes('..')) {
      const dots = literal.text.indexOf('..');
      const lo = this.intText(literal, literal.text.slice(0, dots));
      const hi = this.intText(literal, literal.text.slice(dots + 2), literal.offset + dots + 2);
      if (lo > hi) this.fail(literal, `range ${literal.text} is empty: its start is greater than its end`);
      return [lo, hi];
    }
    return this.int(literal);
  }

  bytes(literal: Literal, mode: 'bytes' | 'regex' = 'bytes'): string {
    if (literal.kind === 'word') {
      this.fail(literal, `${this.subject} is Bytes: expected a string in quotes, found "${literal.text}"`);
    }
    return decodeString(this.source, literal, mode);
  }

  /** A single address for eq/ne/lt/...: its canonical text. */
  ip(literal: Literal): string {
    if (literal.kind === 'string') {
      this.fail(
        literal,
        `${this.subject} is Ip: expected an IP address without quotes, found a string "${literal.body}"`,
      );
    }
    if (literal.text.includes('/')) {
      this.fail(
        literal,
        `a CIDR (${literal.text}) can only be used in a set: write ${this.subject} in {${literal.text}}`,
      );
    }
    const ip = normalizeIp(literal.text);
    if (ip === null)
      this.fail(literal, `expected an IP address for ${this.subject}, found "${literal.text}"`);
    return ip;
  }

  cidr(literal: Literal): Cidr {
    if (literal.kind === 'string') {
      this.fail(
        literal,
        `${this.subject} is Ip: expected an IP address or CIDR without quotes, found a string "${literal.body}"`,
      );
    }
    const cidr = parseCidr(literal.text);
    if (cidr === null)
      this.fail(literal, `expected an IP address or CIDR for ${this.subject}, found "${literal.text}"`);
    return cidr;
  }

  fail(literal: Literal, detail: string, offset = literal.offset): never {
    throw new RuleSyntaxError(this.source, offset, detail);
  }
}
