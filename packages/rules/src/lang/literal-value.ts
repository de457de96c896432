import { normalizeIp } from '@glia/core';
import type { Literal } from './ast.js';
import { parseIntLiteral, parseIntRange } from './int-literal.js';
import { parseIpRange, type IpRange } from './ip-literal.js';
import { RuleSyntaxError } from './source-error.js';
import { decodeBytes, decodeHexBytes, decodeRegex } from './string-literal.js';

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
    const parsed = parseIntLiteral(literal.text);
    if ('error' in parsed)
      this.fail(literal, `expected an integer for ${this.subject} (Int): ${parsed.error}`);
    return parsed.value;
  }

  /** An integer or an inclusive range `a..b`, inside a set. */
  intRange(literal: Literal): [number, number] {
    if (literal.kind === 'string') {
      this.fail(
        literal,
        `${this.subject} is Int: expected an integer without quotes, found a string "${literal.body}"`,
      );
    }
    const parsed = parseIntRange(literal.text);
    if ('error' in parsed) {
      this.fail(
        literal,
        `expected an integer or range for ${this.subject} (Int): ${parsed.error}`,
        literal.offset + parsed.at,
      );
    }
    return [parsed.lo, parsed.hi];
  }

  /** A string (quoted or raw) or hex bytes (`6F:72:67`). */
  bytes(literal: Literal): string {
    if (literal.kind === 'string') return decodeBytes(this.source, literal);
    const hex = decodeHexBytes(this.source, literal.text, literal.offset);
    if (hex === null) {
      this.fail(
        literal,
        `${this.subject} is Bytes: expected a string in quotes or hex bytes like 6F:72:67, found "${literal.text}"`,
      );
    }
    return hex;
  }

  /** The pattern after `matches`: a quoted or raw string. */
  regex(literal: Literal): string {
    if (literal.kind !== 'string') {
      this.fail(
        literal,
        `expected a regular expression in quotes or r"..." after "matches", found "${literal.text}"`,
      );
    }
    return decodeRegex(literal);
  }

  /** The pattern after `wildcard`: a quoted or raw string (its bytes; `\*` stays for the matcher). */
  wildcard(literal: Literal): string {
    if (literal.kind !== 'string') {
      this.fail(
        literal,
        `expected a wildcard pattern in quotes or r"..." after "wildcard", found "${literal.text}"`,
      );
    }
    return decodeBytes(this.source, literal);
  }

  /** A single address for eq/ne/lt/...: its canonical text. */
  ip(literal: Literal): string {
    if (literal.kind === 'string') {
      this.fail(
        literal,
        `${this.subject} is Ip: expected an IP address without quotes, found a string "${literal.body}"`,
      );
    }
    if (literal.text.includes('/') || literal.text.includes('..')) {
      this.fail(
        literal,
        `a CIDR or range (${literal.text}) can only be used in a set: write ${this.subject} in {${literal.text}}`,
      );
    }
    const ip = literal.text.includes('%') ? null : normalizeIp(literal.text);
    if (ip === null)
      this.fail(literal, `expected an IP address for ${this.subject}, found "${literal.text}"`);
    return ip;
  }

  /** An address, CIDR or range inside a set. */
  ipRange(literal: Literal): IpRange {
    if (literal.kind === 'string') {
      this.fail(
        literal,
        `${this.subject} is Ip: expected an IP address, CIDR or range without quotes, found a string "${literal.body}"`,
      );
    }
    const range = parseIpRange(literal.text);
    if ('error' in range) this.fail(literal, `${range.error} (${this.subject} is Ip)`);
    return range;
  }

  fail(literal: Literal, detail: string, offset = literal.offset): never {
    throw new RuleSyntaxError(this.source, offset, detail);
  }
}
