import { ByteSet, DIGITS, HSPACE, NEWLINE, SPACE, VSPACE, WORD } from './byte-set.js';
import type { AssertKind, PcreNode } from './pcre-ast.js';
import type { PatternCursor } from './pcre-cursor.js';

/** What an escape sequence stands for. */
export type Escape =
  | { kind: 'char'; code: number }
  | { kind: 'set'; set: ByteSet }
  | { kind: 'assert'; assert: AssertKind }
  | { kind: 'backref'; index: number; at: number }
  | { kind: 'named-backref'; name: string; at: number }
  | { kind: 'node'; node: PcreNode }
  | { kind: 'quote' }
  | { kind: 'nothing' };

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

/** `.` without dotall, and `\N`: any byte but LF. */
export const NOT_NEWLINE = ByteSet.of(NEWLINE).complement();

/** Reads the escape at the cursor (its backslash), as PCRE2 10.42 reads it without UTF. */
export function readEscape(cur: PatternCursor, inClass: boolean): Escape {
  const at = cur.pos;
  cur.pos++;
  const c = cur.peek();
  if (c === '') throw cur.error('\\ at end of pattern', at);
  cur.pos++;
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
      return { kind: 'char', code: hexEscape(cur, at) };
    case 'o':
      return { kind: 'char', code: bracedOctal(cur, at) };
    case 'c': {
      const ch = cur.peek();
      if (ch === '') throw cur.error('\\c at end of pattern', cur.pos);
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) throw cur.error('\\c must be followed by a printable ASCII character');
      cur.pos++;
      return { kind: 'char', code: (ch.toUpperCase().charCodeAt(0) ^ 0x40) & 0xff };
    }
    case '0':
      return { kind: 'char', code: octalDigits(cur, 2, 0) };
  }
  if (c >= '1' && c <= '9') return digitEscape(cur, c, inClass);
  if (inClass) {
    if (c === 'b') return { kind: 'char', code: 0x08 };
    if ('BAZzGNRXKgk'.includes(c)) throw cur.error(`escape \\${c} is invalid in character class`, at);
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
        if (cur.peek() === '{') throw cur.error('\\N{name} is not supported', at);
        return { kind: 'set', set: NOT_NEWLINE };
      case 'R':
        return { kind: 'node', node: anyNewline() };
      case 'g':
        return gReference(cur, at);
      case 'k':
        return kReference(cur, at);
      case 'K':
        throw cur.unsupported('\\K', at);
      case 'X':
      case 'p':
      case 'P':
      case 'C':
        throw cur.unsupported(`\\${c}`, at);
    }
  }
  if ('LlUu'.includes(c)) throw cur.error('PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u', at);
  if (/[A-Za-z0-9]/.test(c)) throw cur.error('unrecognized character follows \\', at + 1);
  return { kind: 'char', code: c.charCodeAt(0) };
}

function hexEscape(cur: PatternCursor, at: number): number {
  if (cur.peek() === '{') {
    const m = /^\{([0-9A-Fa-f]+)\}/.exec(cur.src.slice(cur.pos));
    if (m === null) throw cur.error('\\x{ must be followed by hexadecimal digits and }', at);
    cur.pos += m[0].length;
    const value = parseInt(m[1], 16);
    if (value > 0xff)
      throw cur.error('character code point value in \\x{} or \\o{} is too large', cur.pos - 1);
    return value;
  }
  let value = 0;
  for (let n = 0; n < 2 && /[0-9A-Fa-f]/.test(cur.peek()); n++)
    value = value * 16 + parseInt(cur.src[cur.pos++], 16);
  return value;
}

function bracedOctal(cur: PatternCursor, at: number): number {
  const m = /^\{([0-7]+)\}/.exec(cur.src.slice(cur.pos));
  if (m === null) throw cur.error('\\o must be followed by {octal digits}', at);
  cur.pos += m[0].length;
  const value = parseInt(m[1], 8);
  if (value > 0xff) throw cur.error('character code point value in \\x{} or \\o{} is too large', cur.pos - 1);
  return value;
}

function octalDigits(cur: PatternCursor, max: number, initial: number): number {
  let value = initial;
  for (let n = 0; n < max && /[0-7]/.test(cur.peek()); n++) value = value * 8 + Number(cur.src[cur.pos++]);
  return value & 0xff;
}

/**
 * `\1`..`\9` are back references; a longer number is one when it begins with 8 or 9 or that many
 * groups were opened before it, otherwise up to three octal digits. Inside a class: octal, and
 * \8 \9 are the digits themselves.
 */
function digitEscape(cur: PatternCursor, first: string, inClass: boolean): Escape {
  const digitsStart = cur.pos - 1;
  if (!inClass) {
    const m = /^\d+/.exec(cur.src.slice(digitsStart));
    const digits = m === null ? first : m[0];
    const n = Number(digits);
    if (n < 10 || first === '8' || first === '9' || n <= cur.groupCount) {
      cur.pos = digitsStart + digits.length;
      return { kind: 'backref', index: n, at: digitsStart };
    }
  }
  if (first === '8' || first === '9') return { kind: 'char', code: first.charCodeAt(0) };
  cur.pos = digitsStart + 1;
  return { kind: 'char', code: octalDigits(cur, 2, Number(first)) };
}

function gReference(cur: PatternCursor, at: number): Escape {
  const rest = cur.src.slice(cur.pos);
  const m = /^(?:\{(-?\d+)\}|(-?\d+)|\{([A-Za-z_]\w*)\})/.exec(rest);
  if (m === null) {
    if (rest.startsWith('<') || rest.startsWith("'")) throw cur.unsupported('a subroutine call \\g<...>', at);
    throw cur.error('a numbered reference must not be zero', at);
  }
  const nameAt = cur.pos + 1;
  cur.pos += m[0].length;
  if (m[3] !== undefined) return { kind: 'named-backref', name: m[3], at: nameAt };
  const n = Number(m[1] ?? m[2]);
  if (n === 0) throw cur.error('a numbered reference must not be zero', at);
  const index = n < 0 ? cur.groupCount + 1 + n : n;
  if (index <= 0) throw cur.error('reference to non-existent subpattern', at);
  return { kind: 'backref', index, at: at + 2 };
}

function kReference(cur: PatternCursor, at: number): Escape {
  const m = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/.exec(cur.src.slice(cur.pos));
  if (m === null) throw cur.error('\\k is not followed by a braced, angle-bracketed, or quoted name', at);
  const nameAt = cur.pos + 1;
  cur.pos += m[0].length;
  return { kind: 'named-backref', name: m[1] ?? m[2] ?? m[3], at: nameAt };
}

/** \R: (?>\r\n|\n|\x0b|\f|\r|\x85). */
export function anyNewline(): PcreNode {
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
