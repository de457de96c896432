import { RE2JS } from 're2js';
import { utf8Bytes } from './string-literal.js';
import { byteString } from './text.js';

/**
 * wirefilter matches regexes over bytes with Unicode off (regex-automata, `unicode(false)`): `.`
 * is any byte but \n, classes and repetitions count bytes, `\xHH` is a byte. glia's values are
 * text, so a value is matched as its byte string (one character per UTF-8 byte) with RE2's syntax
 * (re2js), and a non-ASCII character written in the pattern stands for its UTF-8 bytes as one
 * unit. What cannot be given the same meaning is an error with the reason: Unicode classes
 * (\p{..}), non-ASCII characters inside a character class, code points above \xFF, and
 * case-insensitive matching combined with non-ASCII bytes (RE2 would fold Latin-1 letters).
 */
export function compileRegex(pattern: string): { test: (value: string) => boolean } | { error: string } {
  const translated = translate(pattern);
  if ('error' in translated) return translated;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(translated.source);
  } catch (error) {
    return {
      error: `invalid regular expression (RE2 syntax): ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { test: (value) => regex.test(byteString(value)) };
}

function translate(pattern: string): { source: string } | { error: string } {
  let out = '';
  let inClass = false;
  let classStart = -1;
  let caseless = false;
  let nonAscii = false;
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) return { source: `${out}\\` }; // RE2 reports the trailing backslash
      if (next === 'p' || next === 'P') {
        return {
          error: `\\${next} (a Unicode class) is not available: wirefilter matches bytes with Unicode off`,
        };
      }
      const escaped = escapedValue(chars, i);
      if (escaped !== undefined) {
        if (escaped.value > 0xff)
          return { error: `${escaped.text} is above \\xFF: wirefilter matches bytes, write the UTF-8 bytes` };
        if (escaped.value >= 0x80) nonAscii = true;
      }
      out += c + next;
      i++;
      continue;
    }
    const code = c.codePointAt(0) as number;
    if (inClass) {
      if (code >= 0x80) {
        return {
          error: `"${c}" inside a character class: wirefilter classes hold bytes; write the character's bytes outside a class, e.g. (?:${hexBytes(c)})`,
        };
      }
      if (c === '[' && chars[i + 1] === ':') {
        const close = chars.indexOf(']', i + 2);
        if (close > 0 && chars[close - 1] === ':') {
          out += chars.slice(i, close + 1).join('');
          i = close;
          continue;
        }
      }
      if (c === ']' && i > classStart) inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      classStart = i + 1;
      if (chars[i + 1] === '^') classStart++;
      out += c;
      continue;
    }
    if (c === '(' && chars[i + 1] === '?') {
      const flags = /^[a-zA-Z-]*/.exec(chars.slice(i + 2, i + 12).join(''))?.[0] ?? '';
      if (flags.split('-')[0].includes('i')) caseless = true;
    }
    if (code >= 0x80) {
      nonAscii = true;
      out += `(?:${hexBytes(c)})`;
      continue;
    }
    out += c;
  }
  if (caseless && nonAscii) {
    return {
      error:
        'case-insensitive matching with non-ASCII bytes is not available: wirefilter folds ASCII letters only, RE2 would fold Latin-1 bytes too',
    };
  }
  return { source: out };
}

function hexBytes(c: string): string {
  return Array.from(utf8Bytes(c), (b) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * The value of the \xHH, \x{..} or octal escape whose backslash is chars[i], with the escape as
 * messages write it (-1 when the hex digits are not a number); undefined for other escapes.
 */
function escapedValue(chars: string[], i: number): { value: number; text: string } | undefined {
  const next = chars[i + 1];
  if (next === 'x') {
    const braced = chars[i + 2] === '{';
    const end = braced ? chars.indexOf('}', i + 3) : i + 4;
    const hex = braced ? chars.slice(i + 3, end).join('') : chars.slice(i + 2, i + 4).join('');
    return { value: /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : -1, text: `\\x{${hex}}` };
  }
  if (next >= '0' && next <= '7') {
    const octal = /^[0-7]{1,3}/.exec(chars.slice(i + 1, i + 4).join(''))?.[0] ?? '0';
    return { value: parseInt(octal, 8), text: `\\${octal}` };
  }
  return undefined;
}
