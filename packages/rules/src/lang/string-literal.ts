import { RuleSyntaxError } from './source-error.js';
import type { StringToken } from './token.js';

const HEX_BYTES = /^[0-9A-Fa-f]{2}([:.-][0-9A-Fa-f]{2})+$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const ENCODER = new TextEncoder();

/**
 * The bytes of a string literal, as wirefilter reads them: `\"` and `\\`, `\xHH` (two hex digits)
 * and `\OOO` (three octal digits, up to \377) are escapes, every other character stands for its
 * UTF-8 bytes. Raw strings are taken literally. glia's Bytes values are text, so the bytes must
 * be valid UTF-8: a literal that is not (e.g. "\xFF") can never equal a value and is an error.
 */
export function decodeBytes(source: string, token: StringToken): string {
  if (token.raw || !token.body.includes('\\')) return token.body;
  const body = token.body;
  const bytes: number[] = [];
  let plainFrom = 0;
  const flush = (to: number): void => {
    if (to > plainFrom) for (const b of ENCODER.encode(body.slice(plainFrom, to))) bytes.push(b);
  };
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    flush(i);
    const at = token.bodyOffset + i;
    const next = body[i + 1];
    if (next === '"' || next === '\\') {
      bytes.push(next.charCodeAt(0));
      i += 1;
    } else if (next === 'x') {
      const hex = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new RuleSyntaxError(source, at, `expected two hex digits after \\x, found "${hex}"`);
      }
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else if (next !== undefined && next >= '0' && next <= '7') {
      const octal = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(octal) || parseInt(octal, 8) > 255) {
        throw new RuleSyntaxError(
          source,
          at,
          `expected three octal digits from \\000 to \\377 after \\, found "${octal}"`,
        );
      }
      bytes.push(parseInt(octal, 8));
      i += 3;
    } else {
      throw new RuleSyntaxError(
        source,
        at,
        `unknown escape "\\${next ?? ''}" in a string: the escapes are \\" \\\\ \\xHH and \\OOO (octal); use r"..." for a raw string`,
      );
    }
    plainFrom = i + 1;
  }
  flush(body.length);
  return utf8Text(source, token.offset, Uint8Array.from(bytes));
}

/** `6F:72:67`, `6F.72.67` or `6F-72-67` (at least two bytes): the bytes as text; null when it is not one. */
export function decodeHexBytes(source: string, text: string, offset: number): string | null {
  if (!HEX_BYTES.test(text)) return null;
  const bytes = new Uint8Array((text.length + 1) / 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(i * 3, i * 3 + 2), 16);
  return utf8Text(source, offset, bytes);
}

function utf8Text(source: string, offset: number, bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new RuleSyntaxError(
      source,
      offset,
      'these bytes are not valid UTF-8: glia compares Bytes fields as text, so they could never match (see "Differences from wirefilter")',
    );
  }
}

/**
 * The pattern of a regular expression literal, as wirefilter hands it to its regex engine: a raw
 * string as is; in a quoted one every escape is kept for the engine except `\"` outside a
 * character class, which is a quote.
 */
export function decodeRegex(token: StringToken): string {
  if (token.raw || !token.body.includes('\\')) return token.body;
  const body = token.body;
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const next = body[i + 1];
      out += next === '"' && !inClass ? '"' : c + next;
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** The UTF-8 bytes of text (what wirefilter's Bytes values are). */
export function utf8Bytes(text: string): Uint8Array {
  return ENCODER.encode(text);
}
