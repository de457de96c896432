import { ByteSet, DIGITS, HSPACE, NEWLINE, POSIX_CLASSES, SPACE, VSPACE, WORD } from './byte-set.js';
import { PcreSyntaxError, UNBOUNDED, type AssertKind, type GroupKind, type PcreNode } from './pcre-ast.js';

/** Compile options nmap may set on a pattern: `i` (PCRE2_CASELESS) and `s` (PCRE2_DOTALL). */
export interface PcreFlags {
  caseless?: boolean;
  dotall?: boolean;
}

export interface ParsedPcre {
  root: PcreNode;
  /** Number of capture groups, as PCRE numbers them (by opening parenthesis). */
  groupCount: number;
}

interface Options {
  caseless: boolean;
  dotall: boolean;
  multiline: boolean;
  extended: boolean;
}

/** What an escape sequence stands for. */
type Escape =
  | { kind: 'char'; code: number }
  | { kind: 'set'; set: ByteSet }
  | { kind: 'assert'; assert: AssertKind }
  | { kind: 'backref'; index: number; at: number }
  | { kind: 'named-backref'; name: string; at: number }
  | { kind: 'node'; node: PcreNode }
  | { kind: 'quote' }
  | { kind: 'nothing' };

const MAX_QUANTIFIER = 65535;

/** Escapes for one byte: \a \e \f \n \r \t. */
const CHAR_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  e: 0x1b,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
};

/** Class escapes; the upper-case letter is the complement (\D \W \S \H \V). */
const CLASS_ESCAPES: Readonly<Record<string, ByteSet>> = {
  d: DIGITS,
  w: WORD,
  s: SPACE,
  h: HSPACE,
  v: VSPACE,
};

/**
 * Parses a PCRE2 pattern the way PCRE2 10.42's 8-bit library does without UTF/UCP, as nmap
 * compiles them. Rejects what PCRE2 rejects (with its offset), and reports constructs whose
 * semantics the JavaScript translation cannot keep (recursion, conditionals, \K, verbs...) as
 * unsupported rather than approximating them.
 */
export function parsePcre(pattern: string, flags: PcreFlags = {}): ParsedPcre {
  return new Parser(pattern).parse({
    caseless: flags.caseless === true,
    dotall: flags.dotall === true,
    multiline: false,
    extended: false,
  });
}

class Parser {
  private pos = 0;
  private groupCount = 0;
  private readonly names = new Map<string, number>();
  private readonly namedRefs: Array<{ node: { index: number }; name: string; at: number }> = [];
  private readonly numberedRefs: Array<{ index: number; at: number }> = [];

  constructor(private readonly src: string) {}

  parse(options: Options): ParsedPcre {
    const root = this.alternation(options);
    if (this.pos < this.src.length) throw this.error('unmatched closing parenthesis');
    for (const ref of this.numberedRefs)
      if (ref.index > this.groupCount)
        throw new PcreSyntaxError('reference to non-existent subpattern', ref.at);
    for (const ref of this.namedRefs) {
      const index = this.names.get(ref.name);
      if (index === undefined)
        throw new PcreSyntaxError(`reference to non-existent subpattern "${ref.name}"`, ref.at);
      ref.node.index = index;
    }
    return { root, groupCount: this.groupCount };
  }

  private error(message: string, at = this.pos, unsupported = false): PcreSyntaxError {
    return new PcreSyntaxError(message, at, unsupported);
  }

  private unsupported(what: string, at = this.pos): PcreSyntaxError {
    return this.error(`${what} is not supported by the JavaScript translation`, at, true);
  }

  private peek(offset = 0): string {
    return this.src.charAt(this.pos + offset);
  }

  private alternation(options: Options): PcreNode {
    const branches = [this.sequence(options)];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.sequence(options));
    }
    return branches.length === 1 ? branches[0] : { type: 'alt', branches };
  }

  private sequence(options: Options): PcreNode {
    const items: PcreNode[] = [];
    for (;;) {
      this.skipExtended(options);
      const c = this.peek();
      if (c === '' || c === '|' || c === ')') break;
      const start = this.pos;
      const atoms = this.atom(options);
      if (atoms === null) {
        if (this.quantifierAhead(options)) throw this.error('quantifier does not follow a repeatable item');
        continue;
      }
      this.skipExtended(options);
      const last = atoms.pop();
      items.push(...atoms);
      if (last === undefined) continue;
      items.push(this.quantified(last, options, start));
    }
    return items.length === 1 ? items[0] : { type: 'seq', items };
  }

  private skipExtended(options: Options): void {
    if (!options.extended) return;
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.pos++;
      else if (c === '#') {
        while (this.pos < this.src.length && this.peek() !== '\n') this.pos++;
      } else return;
    }
  }

  private quantifierAhead(options: Options): boolean {
    this.skipExtended(options);
    const c = this.peek();
    return c === '*' || c === '+' || c === '?' || (c === '{' && this.braceQuantifier(false) !== null);
  }

  /** Reads `{n}`, `{n,}` or `{n,m}` at pos; null (and pos unchanged) when it is a literal brace. */
  private braceQuantifier(consume: boolean): { min: number; max: number } | null {
    const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 16));
    if (m === null) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? UNBOUNDED : Number(m[3]);
    if (min > MAX_QUANTIFIER || (max !== UNBOUNDED && max > MAX_QUANTIFIER))
      throw this.error('number too big in {} quantifier');
    if (max < min) throw this.error('numbers out of order in {} quantifier');
    if (consume) this.pos += m[0].length;
    return { min, max };
  }

  private quantified(atom: PcreNode, options: Options, atomStart: number): PcreNode {
    const c = this.peek();
    let bounds: { min: number; max: number } | null = null;
    if (c === '*') bounds = { min: 0, max: UNBOUNDED };
    else if (c === '+') bounds = { min: 1, max: UNBOUNDED };
    else if (c === '?') bounds = { min: 0, max: 1 };
    if (bounds !== null) this.pos++;
    else if (c === '{') bounds = this.braceQuantifier(true);
    if (bounds === null) return atom;
    if (atom.type === 'assert') throw this.error('quantifier does not follow a repeatable item', atomStart);
    let lazy = false;
    let possessive = false;
    if (this.peek() === '?') {
      lazy = true;
      this.pos++;
    } else if (this.peek() === '+') {
      possessive = true;
      this.pos++;
    }
    if (this.quantifierAhead(options)) throw this.error('quantifier does not follow a repeatable item');
    // PCRE2 treats a repeated lookaround as repeated at most once.
    const lookaround =
      atom.type === 'group' && atom.kind !== 'capture' && atom.kind !== 'plain' && atom.kind !== 'atomic';
    const max = lookaround ? Math.min(bounds.max, 1) : bounds.max;
    return { type: 'repeat', body: atom, min: Math.min(bounds.min, max), max, lazy, possessive };
  }

  /** One item; several for \Q...\E (the quantifier applies to the last); null for option settings. */
  private atom(options: Options): PcreNode[] | null {
    const c = this.peek();
    switch (c) {
      case '(':
        return this.group(options);
      case '[':
        this.pos++;
        return [{ type: 'set', set: this.charClass(options) }];
      case '.':
        this.pos++;
        return [{ type: 'set', set: options.dotall ? ANY : NOT_NEWLINE }];
      case '^':
        this.pos++;
        return [{ type: 'assert', kind: options.multiline ? 'line-start' : 'start' }];
      case '$':
        this.pos++;
        return [{ type: 'assert', kind: options.multiline ? 'line-end' : 'end' }];
      case '*':
      case '+':
      case '?':
        throw this.error('quantifier does not follow a repeatable item');
      case '{':
        if (this.braceQuantifier(false) !== null)
          throw this.error('quantifier does not follow a repeatable item');
        break;
      case '\\':
        return this.escapeAtom(options);
    }
    this.pos++;
    return [literal(c.charCodeAt(0), options)];
  }

  private escapeAtom(options: Options): PcreNode[] | null {
    const e = this.escape(false);
    switch (e.kind) {
      case 'char':
        return [literal(e.code, options)];
      case 'set':
        return [{ type: 'set', set: e.set }];
      case 'assert':
        return [{ type: 'assert', kind: e.assert }];
      case 'backref':
        this.numberedRefs.push({ index: e.index, at: e.at });
        return [{ type: 'backref', index: e.index, caseless: options.caseless }];
      case 'named-backref': {
        const node = { type: 'backref' as const, index: 0, caseless: options.caseless };
        this.namedRefs.push({ node, name: e.name, at: e.at });
        return [node];
      }
      case 'node':
        return [e.node];
      case 'nothing':
        return null;
      case 'quote': {
        const end = this.src.indexOf('\\E', this.pos);
        const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
        this.pos = end < 0 ? this.src.length : end + 2;
        return text.length === 0 ? null : [...text].map((ch) => literal(ch.charCodeAt(0), options));
      }
    }
  }

  private group(options: Options): PcreNode[] | null {
    const open = this.pos;
    this.pos++;
    let kind: GroupKind = 'capture';
    let name: string | undefined;
    let inner: Options = { ...options };
    if (this.peek() === '*') {
      if (this.pos + 1 >= this.src.length) throw this.error('quantifier does not follow a repeatable item');
      if (/^\*[A-Za-z_]+(?::[^)]*)?\)/.test(this.src.slice(this.pos)))
        throw this.unsupported('a (*VERB) or (*OPTION)', open);
      throw this.error('(*VERB) not recognized or malformed', this.pos + 1);
    }
    if (this.peek() === '?') {
      this.pos++;
      const c = this.peek();
      const c2 = this.peek(1);
      if (c === '#') {
        const end = this.src.indexOf(')', this.pos);
        if (end < 0) throw this.error('missing ) after (?# comment');
        this.pos = end + 1;
        return null;
      } else if (c === ':') kind = 'plain';
      else if (c === '>') kind = 'atomic';
      else if (c === '=') kind = 'ahead';
      else if (c === '!') kind = 'not-ahead';
      else if (c === '<' && c2 === '=') kind = 'behind';
      else if (c === '<' && c2 === '!') kind = 'not-behind';
      else if (c === '<' || c === "'" || (c === 'P' && c2 === '<')) {
        kind = 'capture';
        if (c === 'P') this.pos++;
        const close = this.peek() === "'" ? "'" : '>';
        this.pos++;
        name = this.groupName(close);
      } else if (c === 'P' && c2 === '=') {
        this.pos += 2;
        const refName = this.groupName(')');
        const node = { type: 'backref' as const, index: 0, caseless: options.caseless };
        this.namedRefs.push({ node, name: refName, at: open });
        return [node];
      } else if (c === '|') throw this.unsupported('a branch reset group (?|', open);
      else if (c === '(') throw this.unsupported('a conditional group', open);
      else if (c === 'R' || c === '&' || (c === 'P' && c2 === '>') || /[-+0-9]/.test(c))
        throw this.unsupported('recursion or a subroutine call', open);
      else {
        const result = this.optionSetting(options);
        if (result === 'rest') return null;
        kind = 'plain';
        inner = result;
        this.pos--; // optionSetting consumed the ':'; the common step below skips it again
      }
      if (kind !== 'capture') this.pos += kind === 'behind' || kind === 'not-behind' ? 2 : 1;
    }
    let index: number | undefined;
    if (kind === 'capture') {
      index = ++this.groupCount;
      if (name !== undefined) {
        if (this.names.has(name))
          throw this.error(`two named subpatterns have the same name "${name}"`, open);
        this.names.set(name, index);
      }
    }
    const body = this.alternation(inner);
    if (this.peek() !== ')') throw this.error('missing closing parenthesis', open);
    this.pos++;
    const node: PcreNode = { type: 'group', kind, body };
    if (index !== undefined) node.index = index;
    return [node];
  }

  /** `(?imsx-imsx)` changes the options of the rest of the group; `(?i:` opens a group with them. */
  private optionSetting(options: Options): Options | 'rest' {
    const start = this.pos;
    let on = true;
    const next = { ...options };
    for (;;) {
      const c = this.peek();
      this.pos++;
      if (c === '-' && on) on = false;
      else if (c === 'i') next.caseless = on;
      else if (c === 's') next.dotall = on;
      else if (c === 'm') next.multiline = on;
      else if (c === 'x') next.extended = on;
      else if (c === ')') {
        Object.assign(options, next);
        return 'rest';
      } else if (c === ':') return next;
      else if (c === '') throw this.error('missing closing parenthesis', start);
      else if ('nJU^'.includes(c))
        throw this.unsupported(`the inline option (?${this.src.slice(start, this.pos)}`, start);
      else throw this.error('unrecognized character after (? or (?-', this.pos - 1);
    }
  }

  private groupName(close: string): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    if (m === null) throw this.error('subpattern name expected');
    this.pos += m[0].length;
    if (this.peek() !== close)
      throw this.error(`syntax error in subpattern name (missing terminator ${close})`);
    this.pos++;
    return m[0];
  }

  private charClass(options: Options): ByteSet {
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.pos++;
    }
    const set = new ByteSet();
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === '') throw this.error('missing terminating ] for character class', this.src.length);
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      const item = this.classItem();
      if (item === null) continue;
      if (typeof item !== 'number') {
        if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '')
          throw this.error('invalid range in character class', this.pos);
        set.addSet(item);
        continue;
      }
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '') {
        this.pos++;
        const hi = this.classItem();
        if (typeof hi !== 'number') throw this.error('invalid range in character class', this.pos);
        if (hi < item) throw this.error('range out of order in character class', this.pos - 1);
        set.addRange(item, hi);
      } else set.add(item);
    }
    const folded = options.caseless ? set.caseFolded() : set;
    return negate ? folded.complement() : folded;
  }

  /** One class member: a byte, a set (\d, [:alpha:]), or null for \E and empty \Q\E. */
  private classItem(): number | ByteSet | null {
    const c = this.peek();
    if (c === '[') {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos, this.pos + 16));
      if (posix !== null) {
        const set = POSIX_CLASSES[posix[2]];
        if (set === undefined) throw this.error('unknown POSIX class name');
        this.pos += posix[0].length;
        return posix[1] === '^' ? set.complement() : set;
      }
      if (
        /^\[[.=]/.test(this.src.slice(this.pos, this.pos + 2)) &&
        this.src.indexOf(this.peek(1) + ']', this.pos + 2) >= 0
      )
        throw this.error('POSIX collating elements are not supported');
    }
    if (c === '\\') {
      const e = this.escape(true);
      if (e.kind === 'char') return e.code;
      if (e.kind === 'set') return e.set;
      if (e.kind === 'nothing') return null;
      if (e.kind === 'quote') {
        // \Q...\E inside a class: each quoted byte is a member; a range cannot start from it.
        const end = this.src.indexOf('\\E', this.pos);
        const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
        this.pos = end < 0 ? this.src.length : end + 2;
        if (text.length === 0) return null;
        const set = new ByteSet();
        for (const ch of text) set.add(ch.charCodeAt(0));
        return set;
      }
      throw this.error('escape sequence is invalid in character class', this.pos - 1);
    }
    this.pos++;
    return c.charCodeAt(0);
  }

  /** Reads an escape at pos (the backslash). */
  private escape(inClass: boolean): Escape {
    const at = this.pos;
    this.pos++;
    const c = this.peek();
    if (c === '') throw this.error('\\ at end of pattern', at);
    this.pos++;
    const code = CHAR_ESCAPES[c];
    if (code !== undefined) return { kind: 'char', code };
    const set = CLASS_ESCAPES[c.toLowerCase()];
    if (set !== undefined) return { kind: 'set', set: c === c.toLowerCase() ? set : set.complement() };
    switch (c) {
      case 'Q':
        return { kind: 'quote' };
      case 'E':
        return { kind: 'nothing' };
      case 'x':
        return { kind: 'char', code: this.hexEscape(at) };
      case 'o':
        return { kind: 'char', code: this.bracedOctal(at) };
      case 'c': {
        const ch = this.peek();
        if (ch === '') throw this.error('\\c at end of pattern', this.pos);
        const code = ch.charCodeAt(0);
        if (code < 0x20 || code > 0x7e)
          throw this.error('\\c must be followed by a printable ASCII character');
        this.pos++;
        return { kind: 'char', code: (ch.toUpperCase().charCodeAt(0) ^ 0x40) & 0xff };
      }
      case '0':
        return { kind: 'char', code: this.octalDigits(2, 0) };
    }
    if (c >= '1' && c <= '9') return this.digitEscape(c, inClass);
    if (inClass) {
      if (c === 'b') return { kind: 'char', code: 0x08 };
      if ('BAZzGNRXKgk'.includes(c)) throw this.error(`escape \\${c} is invalid in character class`, at);
    } else {
      switch (c) {
        case 'b':
          return { kind: 'assert', assert: 'word' };
        case 'B':
          return { kind: 'assert', assert: 'not-word' };
        case 'A':
        case 'G':
          return { kind: 'assert', assert: 'start' };
        case 'Z':
          return { kind: 'assert', assert: 'end' };
        case 'z':
          return { kind: 'assert', assert: 'abs-end' };
        case 'N':
          if (this.peek() === '{') throw this.error('\\N{name} is not supported', at);
          return { kind: 'set', set: NOT_NEWLINE };
        case 'R':
          return { kind: 'node', node: anyNewline() };
        case 'g':
          return this.gReference(at);
        case 'k':
          return this.kReference(at);
        case 'K':
          throw this.unsupported('\\K', at);
        case 'X':
        case 'p':
        case 'P':
        case 'C':
          throw this.unsupported(`\\${c}`, at);
      }
    }
    if ('LlUu'.includes(c))
      throw this.error('PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u', at);
    if (/[A-Za-z0-9]/.test(c)) throw this.error('unrecognized character follows \\', at + 1);
    return { kind: 'char', code: c.charCodeAt(0) };
  }

  private hexEscape(at: number): number {
    if (this.peek() === '{') {
      const m = /^\{([0-9A-Fa-f]+)\}/.exec(this.src.slice(this.pos));
      if (m === null) throw this.error('\\x{ must be followed by hexadecimal digits and }', at);
      this.pos += m[0].length;
      const value = parseInt(m[1], 16);
      if (value > 0xff)
        throw this.error('character code point value in \\x{} or \\o{} is too large', this.pos - 1);
      return value;
    }
    let value = 0;
    for (let n = 0; n < 2 && /[0-9A-Fa-f]/.test(this.peek()); n++)
      value = value * 16 + parseInt(this.src[this.pos++], 16);
    return value;
  }

  private bracedOctal(at: number): number {
    const m = /^\{([0-7]+)\}/.exec(this.src.slice(this.pos));
    if (m === null) throw this.error('\\o must be followed by {octal digits}', at);
    this.pos += m[0].length;
    const value = parseInt(m[1], 8);
    if (value > 0xff)
      throw this.error('character code point value in \\x{} or \\o{} is too large', this.pos - 1);
    return value;
  }

  private octalDigits(max: number, initial: number): number {
    let value = initial;
    for (let n = 0; n < max && /[0-7]/.test(this.peek()); n++)
      value = value * 8 + Number(this.src[this.pos++]);
    return value & 0xff;
  }

  /**
   * `\1`..`\9` are back references; a longer number is one when it begins with 8 or 9 or that many
   * groups were opened before it, otherwise up to three octal digits. Inside a class: octal, and
   * \8 \9 are the digits themselves.
   */
  private digitEscape(first: string, inClass: boolean): Escape {
    const digitsStart = this.pos - 1;
    if (!inClass) {
      const m = /^\d+/.exec(this.src.slice(digitsStart));
      const digits = m === null ? first : m[0];
      const n = Number(digits);
      if (n < 10 || first === '8' || first === '9' || n <= this.groupCount) {
        this.pos = digitsStart + digits.length;
        return { kind: 'backref', index: n, at: digitsStart };
      }
    }
    if (first === '8' || first === '9') return { kind: 'char', code: first.charCodeAt(0) };
    this.pos = digitsStart + 1;
    return { kind: 'char', code: this.octalDigits(2, Number(first)) };
  }

  private gReference(at: number): Escape {
    const rest = this.src.slice(this.pos);
    const m = /^(?:\{(-?\d+)\}|(-?\d+)|\{([A-Za-z_]\w*)\})/.exec(rest);
    if (m === null) {
      if (rest.startsWith('<') || rest.startsWith("'"))
        throw this.unsupported('a subroutine call \\g<...>', at);
      throw this.error('a numbered reference must not be zero', at);
    }
    const nameAt = this.pos + 1;
    this.pos += m[0].length;
    if (m[3] !== undefined) return { kind: 'named-backref', name: m[3], at: nameAt };
    const n = Number(m[1] ?? m[2]);
    if (n === 0) throw this.error('a numbered reference must not be zero', at);
    const index = n < 0 ? this.groupCount + 1 + n : n;
    if (index <= 0) throw this.error('reference to non-existent subpattern', at);
    return { kind: 'backref', index, at: at + 2 };
  }

  private kReference(at: number): Escape {
    const m = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/.exec(this.src.slice(this.pos));
    if (m === null) throw this.error('\\k is not followed by a braced, angle-bracketed, or quoted name', at);
    const nameAt = this.pos + 1;
    this.pos += m[0].length;
    return { kind: 'named-backref', name: m[1] ?? m[2] ?? m[3], at: nameAt };
  }
}

// Literals are most of every pattern: one shared (never mutated) set per byte, and per folded byte.
const SINGLE = Array.from({ length: 256 }, (_, b) => ByteSet.of(b));
const FOLDED = SINGLE.map((set) => set.caseFolded());
const NOT_NEWLINE = ByteSet.of(NEWLINE).complement();
const ANY = ByteSet.all();

function literal(code: number, options: Options): PcreNode {
  return { type: 'set', set: options.caseless ? FOLDED[code] : SINGLE[code] };
}

/** \R: (?>\r\n|\n|\x0b|\f|\r|\x85). */
function anyNewline(): PcreNode {
  const one = (code: number): PcreNode => ({ type: 'set', set: ByteSet.of(code) });
  return {
    type: 'group',
    kind: 'atomic',
    body: {
      type: 'alt',
      branches: [
        { type: 'seq', items: [one(0x0d), one(0x0a)] },
        one(0x0a),
        one(0x0b),
        one(0x0c),
        one(0x0d),
        one(0x85),
      ],
    },
  };
}
