import { ByteSet } from './byte-set.js';
import { readClass } from './pcre-class.js';
import { PatternCursor } from './pcre-cursor.js';
import { NOT_NEWLINE, readEscape } from './pcre-escapes.js';
import { PcreSyntaxError, UNBOUNDED, type GroupKind, type PcreNode } from './pcre-ast.js';

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

const MAX_QUANTIFIER = 65535;

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

class Parser extends PatternCursor {
  private readonly names = new Map<string, number>();
  private readonly namedRefs: Array<{ node: { index: number }; name: string; at: number }> = [];
  private readonly numberedRefs: Array<{ index: number; at: number }> = [];

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
        return [{ type: 'set', set: readClass(this, options.caseless) }];
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
    const e = readEscape(this, false);
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
}

// Literals are most of every pattern: one shared (never mutated) set per byte, and per folded byte.
const SINGLE = Array.from({ length: 256 }, (_, b) => ByteSet.of(b));
const FOLDED = SINGLE.map((set) => set.caseFolded());
const ANY = ByteSet.all();

function literal(code: number, options: Options): PcreNode {
  return { type: 'set', set: options.caseless ? FOLDED[code] : SINGLE[code] };
}
