import { MAX_RAW_STRING_HASHES } from './limits.js';
import { RuleSyntaxError } from './source-error.js';
import type { Punct, Token } from './token.js';

const TWO_CHAR: ReadonlySet<string> = new Set(['==', '!=', '<=', '>=', '&&', '||', '^^']);
const ONE_CHAR: ReadonlySet<string> = new Set([
  '<',
  '>',
  '~',
  '!',
  '&',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '*',
]);
const HINTS: Readonly<Record<string, string>> = {
  '=': '"==" or "eq"',
  '|': '"||" or "or"',
  '^': '"^^" or "xor"',
  $: 'a set in braces: named lists ("in $name") are not supported',
};

function isWordChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 95 || // _
    c === 46 || // .
    c === 58 || // :
    c === 47 || // /
    c === 45 // -
  );
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Splits an expression into tokens; the last one is always `eof`. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (true) {
    while (i < source.length && isSpace(source.charCodeAt(i))) i++;
    if (i >= source.length) {
      tokens.push({ kind: 'eof', offset: source.length, end: source.length });
      return tokens;
    }
    const c = source.charCodeAt(i);
    if (c === 34 /* " */) {
      i = quoted(source, i, tokens, followsRegexOperator(tokens));
    } else if (c === 114 /* r */ && (source[i + 1] === '"' || source[i + 1] === '#')) {
      i = rawString(source, i, tokens, followsRegexOperator(tokens));
    } else if (isWordChar(c)) {
      const start = i;
      while (i < source.length && isWordChar(source.charCodeAt(i))) i++;
      tokens.push({ kind: 'word', text: source.slice(start, i), offset: start, end: i });
    } else {
      const two = source.slice(i, i + 2);
      if (TWO_CHAR.has(two)) {
        tokens.push({ kind: 'punct', text: two as Punct, offset: i, end: i + 2 });
        i += 2;
      } else if (ONE_CHAR.has(source[i])) {
        tokens.push({ kind: 'punct', text: source[i] as Punct, offset: i, end: i + 1 });
        i += 1;
      } else {
        const hint = HINTS[source[i]];
        throw new RuleSyntaxError(
          source,
          i,
          `unexpected character "${source[i]}"${hint === undefined ? '' : `; did you mean ${hint}?`}`,
        );
      }
    }
  }
}

/** A string right after `matches` / `~` is a regular expression and is lexed as wirefilter does. */
function followsRegexOperator(tokens: readonly Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return (
    last !== undefined &&
    ((last.kind === 'word' && last.text === 'matches') || (last.kind === 'punct' && last.text === '~'))
  );
}

/**
 * A "..." string. Escapes are kept undecoded (bytes, regexes and wildcards decode differently); a
 * backslash always takes the next character with it. In a regular expression a quote inside a
 * character class (`"[a-z"\]]+"`) does not end the string: wirefilter's lexer tracks `[` and `]`.
 */
function quoted(source: string, start: number, tokens: Token[], regex: boolean): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (regex && !inClass && c === '[') inClass = true;
    else if (regex && inClass && c === ']') inClass = false;
    else if (c === '"' && !inClass) {
      tokens.push({
        kind: 'string',
        raw: false,
        regex,
        body: source.slice(start + 1, i),
        bodyOffset: start + 1,
        offset: start,
        end: i + 1,
      });
      return i + 1;
    }
    i++;
  }
  throw new RuleSyntaxError(source, start, 'unterminated string: could not find the ending quote');
}

/** r"..." or r#"..."# (up to 255 #): no escapes at all. */
function rawString(source: string, start: number, tokens: Token[], regex: boolean): number {
  let i = start + 1;
  let hashes = 0;
  while (source[i] === '#') {
    hashes++;
    i++;
  }
  if (hashes > MAX_RAW_STRING_HASHES) {
    throw new RuleSyntaxError(
      source,
      start + 1,
      `a raw string has ${hashes} "#"s; there can't be more than ${MAX_RAW_STRING_HASHES}`,
    );
  }
  if (source[i] !== '"') {
    throw new RuleSyntaxError(source, i, `expected " after r${'#'.repeat(hashes)} to start a raw string`);
  }
  const closing = `"${'#'.repeat(hashes)}`;
  const bodyStart = i + 1;
  const close = source.indexOf(closing, bodyStart);
  if (close < 0) throw new RuleSyntaxError(source, start, `unterminated raw string: expected ${closing}`);
  tokens.push({
    kind: 'string',
    raw: true,
    regex,
    body: source.slice(bodyStart, close),
    bodyOffset: bodyStart,
    offset: start,
    end: close + closing.length,
  });
  return close + closing.length;
}
