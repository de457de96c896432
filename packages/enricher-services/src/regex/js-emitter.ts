import type { ByteSet } from './byte-set.js';
import { PcreSyntaxError, UNBOUNDED, type PcreNode } from './pcre-ast.js';

export interface EmittedRegex {
  /** JavaScript RegExp source, to compile with no flags at all (never `u`, `i`, `m` or `s`). */
  source: string;
  /** groupMap[n] is the JavaScript group number of PCRE group n (index 0 unused). */
  groupMap: number[];
}

/**
 * Writes a JavaScript RegExp source with the semantics of a parsed PCRE2 pattern on latin1
 * subjects. Every set is written as explicit byte ranges, so `.`, negated classes and `\S` never
 * match a character above 0xFF (the matcher appends U+0100 to a cut subject: nothing can consume
 * it, so no match may depend on where the bytes were cut). Atomic groups and possessive
 * quantifiers become `(?=(X))\k`, which adds groups, hence the map of group numbers.
 */
export function emitJavaScript(root: PcreNode, groupCount: number): EmittedRegex {
  const emitter = new Emitter(groupCount);
  const source = emitter.node(root);
  return { source, groupMap: emitter.groupMap };
}

class Emitter {
  readonly groupMap: number[];
  private jsGroups = 0;

  constructor(groupCount: number) {
    this.groupMap = new Array<number>(groupCount + 1).fill(0);
  }

  node(n: PcreNode): string {
    switch (n.type) {
      case 'set':
        return setSource(n.set);
      case 'seq':
        return n.items.map((item) => this.node(item)).join('');
      case 'alt':
        return n.branches.map((b) => this.node(b)).join('|');
      case 'assert':
        return assertSource(n.kind);
      case 'backref':
        // JavaScript has no per-reference `i`, and a global `i` would fold Latin-1 letters too.
        if (n.caseless) throw new PcreSyntaxError(`caseless back reference \\${n.index}`, 0, true);
        // Wrapped so a following digit is not read as part of the number.
        return `(?:\\${this.jsGroupOf(n.index)})`;
      case 'group':
        return this.group(n);
      case 'repeat':
        return this.repeat(n);
    }
  }

  private jsGroupOf(pcreIndex: number): number {
    const js = this.groupMap[pcreIndex];
    if (js === undefined) throw new PcreSyntaxError(`reference to non-existent subpattern ${pcreIndex}`, 0);
    // A forward reference (its group is written later): PCRE2 fails it, JavaScript matches empty.
    if (js === 0) throw new PcreSyntaxError(`forward reference to group ${pcreIndex}`, 0, true);
    return js;
  }

  private group(n: Extract<PcreNode, { type: 'group' }>): string {
    switch (n.kind) {
      case 'capture': {
        const js = ++this.jsGroups;
        if (n.index !== undefined) this.groupMap[n.index] = js;
        return `(${this.node(n.body)})`;
      }
      case 'plain':
        return `(?:${this.node(n.body)})`;
      case 'atomic':
        return this.atomic(() => this.node(n.body));
      case 'ahead':
        return `(?=${this.node(n.body)})`;
      case 'not-ahead':
        return `(?!${this.node(n.body)})`;
      case 'behind':
        return `(?<=${this.node(n.body)})`;
      case 'not-behind':
        return `(?<!${this.node(n.body)})`;
    }
  }

  /** A lookahead is atomic in JavaScript: capture what it matched, then consume exactly that. */
  private atomic(body: () => string): string {
    const wrapper = ++this.jsGroups;
    return `(?=(${body()}))(?:\\${wrapper})`;
  }

  private repeat(n: Extract<PcreNode, { type: 'repeat' }>): string {
    const quantifier = quantifierSource(n.min, n.max) + (n.lazy ? '?' : '');
    const plain = (): string => `${this.quantifiable(n.body)}${quantifier}`;
    return n.possessive ? this.atomic(plain) : plain();
  }

  private quantifiable(body: PcreNode): string {
    if (body.type === 'set') return setSource(body.set);
    if (body.type === 'group' && (body.kind === 'capture' || body.kind === 'plain')) return this.node(body);
    return `(?:${this.node(body)})`;
  }
}

function quantifierSource(min: number, max: number): string {
  if (min === 0 && max === UNBOUNDED) return '*';
  if (min === 1 && max === UNBOUNDED) return '+';
  if (min === 0 && max === 1) return '?';
  if (max === UNBOUNDED) return `{${min},}`;
  if (min === max) return `{${min}}`;
  return `{${min},${max}}`;
}

function assertSource(kind: Extract<PcreNode, { type: 'assert' }>['kind']): string {
  switch (kind) {
    case 'start':
      return '^';
    case 'line-start':
      // After any newline but one that ends the subject (PCRE2 without ALT_CIRCUMFLEX).
      return '(?:^|(?<=\\n)(?!$))';
    case 'end':
      return '(?=\\n?$)';
    case 'line-end':
      return '(?=\\n|$)';
    case 'abs-end':
      return '$';
    case 'word':
      return '\\b';
    case 'not-word':
      return '\\B';
  }
}

// Sets are shared between nodes (one per literal byte): write each once.
const written = new WeakMap<ByteSet, string>();

/** A set as a JavaScript atom: one escaped byte, or a class of explicit ranges within 0x00-0xFF. */
export function setSource(set: ByteSet): string {
  let source = written.get(set);
  if (source === undefined) {
    source = writeSet(set);
    written.set(set, source);
  }
  return source;
}

function writeSet(set: ByteSet): string {
  const single = set.single();
  if (single >= 0) return byteSource(single, false);
  if (set.isEmpty()) return '[^\\x00-\\uffff]';
  const parts = set.ranges().map(([lo, hi]) => {
    if (lo === hi) return byteSource(lo, true);
    if (hi === lo + 1) return byteSource(lo, true) + byteSource(hi, true);
    return `${byteSource(lo, true)}-${byteSource(hi, true)}`;
  });
  return `[${parts.join('')}]`;
}

function byteSource(b: number, inClass: boolean): string {
  const alnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
  if (alnum) return String.fromCharCode(b);
  if (
    !inClass &&
    (b === 0x20 || b === 0x5f || b === 0x3a || b === 0x2c || b === 0x3d || b === 0x22 || b === 0x27)
  )
    return String.fromCharCode(b);
  return `\\x${b.toString(16).padStart(2, '0')}`;
}
