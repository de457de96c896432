import type { ByteSet } from './byte-set.js';

/**
 * The syntax tree of one PCRE2 pattern (8-bit, no UTF), with options already applied: literals
 * and classes are byte sets (case-folded where caseless was in force), and each assertion says
 * exactly what it tests, so the JavaScript emitter needs no flags. Sets in a tree may be shared
 * between nodes and trees: never mutate them.
 */
export type PcreNode =
  | { type: 'set'; set: ByteSet }
  | { type: 'seq'; items: PcreNode[] }
  | { type: 'alt'; branches: PcreNode[] }
  | { type: 'group'; kind: GroupKind; body: PcreNode; index?: number }
  | { type: 'repeat'; body: PcreNode; min: number; max: number; lazy: boolean; possessive: boolean }
  | { type: 'backref'; index: number; caseless: boolean }
  | { type: 'assert'; kind: AssertKind };

export type GroupKind = 'capture' | 'plain' | 'atomic' | 'ahead' | 'not-ahead' | 'behind' | 'not-behind';

/**
 * - start: `^` (not multiline), `\A`, `\G` (nmap always matches from offset 0)
 * - line-start: `^` in multiline mode
 * - end: `$` (not multiline) and `\Z`: the end, or before a newline that ends the subject
 * - line-end: `$` in multiline mode
 * - abs-end: `\z`
 * - word / not-word: `\b` / `\B`
 */
export type AssertKind = 'start' | 'line-start' | 'end' | 'line-end' | 'abs-end' | 'word' | 'not-word';

export const UNBOUNDED = Number.POSITIVE_INFINITY;

/** A pattern PCRE2 rejects, or one whose semantics this translation cannot reproduce. */
export class PcreSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the pattern text (0-based) where the problem was found. */
    readonly offset: number,
    /** True when PCRE2 accepts the pattern but the translation does not support the construct. */
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'PcreSyntaxError';
  }
}
