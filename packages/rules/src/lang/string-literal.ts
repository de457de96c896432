import { RuleSyntaxError } from './source-error.js';
import type { Token } from './token.js';

type StringToken = Extract<Token, { kind: 'string' }>;

/**
 * The value of a string literal. Plain strings know three escapes: \" \\ and \xHH. A regex
 * (after `matches`) keeps every backslash for the regex engine except \" , as wirefilter does, so
 * `"(^|\.)evil\.com$"` means what it says. Raw strings are never decoded.
 */
export function decodeString(source: string, token: StringToken, mode: 'bytes' | 'regex'): string {
  if (token.raw) return token.body;
  const body = token.body;
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1];
    const at = token.bodyOffset + i;
    if (next === '"') {
      out += '"';
      i++;
    } else if (mode === 'regex') {
      out += c + next;
      i++;
    } else if (next === '\\') {
      out += '\\';
      i++;
    } else if (next === 'x') {
      const hex = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new RuleSyntaxError(source, at, `expected two hex digits after \\x, found "${hex}"`);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 3;
    } else {
      throw new RuleSyntaxError(
        source,
        at,
        `unknown escape "\\${next}" in a string: only \\" \\\\ and \\xHH are escapes; use r"..." for a raw string`,
      );
    }
  }
  return out;
}
