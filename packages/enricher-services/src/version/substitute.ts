import type { VersionFields, VersionTemplates } from '../probes/match-line.js';
import { unescapeProbeString } from '../probes/probe-string.js';

/**
 * What a matched line says about the service: its templates filled in. `cpe` holds CPE names, at
 * most one per part, in the order a (application), h (hardware), o (OS).
 */
export type VersionInfo = VersionFields;

/** PCRE group texts of a match: [0] the whole match, [n] group n, undefined when unset. */
export type GroupTexts = ReadonlyArray<string | undefined>;

/** nmap's buffer sizes (service_scan.cc): a longer result empties the field. */
const FIELD_BYTES = {
  product: 80,
  version: 80,
  info: 256,
  hostname: 80,
  os: 32,
  deviceType: 32,
  cpe: 80,
} as const;

/**
 * Fills the templates of a matched line as nmap's dotmplsubst does: `$1`-`$9`, `$P(n)` (printable
 * bytes only), `$SUBST(n,"find","repl")`, `$I(n,">")`/`$I(n,"<")` (big/little endian unsigned);
 * in cpe templates each substitution is lower-cased, whitespace becomes `_` and CPE's reserved
 * characters `%XX`. A failed substitution (unset or missing group, bad command, too long) empties
 * only its field. Trailing whitespace and commas are trimmed.
 */
export function substituteTemplates(templates: VersionTemplates, groups: GroupTexts): VersionInfo {
  const out: VersionInfo = { cpe: [] };
  const fill = (field: Exclude<keyof VersionInfo, 'cpe'>): void => {
    const template = templates[field];
    if (template === undefined) return;
    const value = substitute(template, groups, FIELD_BYTES[field], null);
    if (value !== null && value.length > 0) out[field] = value;
  };
  fill('product');
  fill('version');
  fill('info');
  fill('hostname');
  fill('os');
  fill('deviceType');
  const parts = new Map<string, string>();
  for (const template of templates.cpe) {
    const part = template.charAt(5);
    if (part !== 'a' && part !== 'h' && part !== 'o') continue;
    const value = substitute(template, groups, FIELD_BYTES.cpe, transformCpe);
    if (value === null || value.length === 0) parts.delete(part);
    else parts.set(part, value);
  }
  for (const part of ['a', 'h', 'o']) {
    const value = parts.get(part);
    if (value !== undefined) out.cpe.push(value);
  }
  return out;
}

/** One template; null when nmap's dotmplsubst would fail. Buffer checks follow nmap's exactly. */
export function substitute(
  template: string,
  groups: GroupTexts,
  bufferBytes: number,
  transform: ((s: string) => string) | null,
): string | null {
  let out = '';
  let pos = 0;
  while (pos < template.length) {
    const dollar = template.indexOf('$', pos);
    if (dollar < 0) {
      const rest = template.slice(pos);
      if (out.length + rest.length > bufferBytes - 1) return null;
      out += rest;
      break;
    }
    const literal = template.slice(pos, dollar);
    if (literal.length > 0) {
      if (bufferBytes - out.length <= literal.length - 1) return null;
      out += literal;
    }
    const variable = substituteVariable(template, dollar, groups);
    if (variable === null) return null;
    let text = cutAtNul(variable.text);
    if (transform !== null) text = transform(text);
    if (out.length + text.length >= bufferBytes - 1) return null;
    out += text;
    pos = variable.end;
  }
  if (out.length >= bufferBytes) return null;
  return out.replace(/[\t\n\v\f\r ,]+$/, '');
}

/** nmap copies substitutions with strlen: a NUL byte ends the text. */
function cutAtNul(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

type Argument = number | string;

function substituteVariable(
  template: string,
  dollar: number,
  groups: GroupTexts,
): { text: string; end: number } | null {
  let p = dollar + 1;
  const c = template.charAt(p);
  if (c >= '0' && c <= '9') {
    const text = groupText(groups, c.charCodeAt(0) - 48);
    return text === null ? null : { text, end: p + 1 };
  }
  const paren = template.indexOf('(', p);
  if (paren < 0) return null;
  const command = template.slice(p, paren);
  if (command.length === 0 || command.length >= 16) return null;
  const parsed = commandArguments(template, paren + 1);
  if (parsed === null || parsed.args.length === 0) return null;
  p = parsed.end;
  const args = parsed.args;
  const group = typeof args[0] === 'number' ? groupText(groups, args[0]) : null;
  if (command === 'P') {
    if (args.length !== 1 || group === null) return null;
    return { text: group.replace(/[^\x20-\x7e]/g, ''), end: p };
  }
  if (command === 'SUBST') {
    if (args.length !== 3 || group === null || typeof args[1] !== 'string' || typeof args[2] !== 'string')
      return null;
    return { text: group.split(args[1]).join(args[2]), end: p };
  }
  if (command === 'I') {
    if (args.length !== 2 || group === null || typeof args[1] !== 'string' || args[1].length !== 1)
      return null;
    if (group.length > 8) return null;
    const bytes = [...group].map((ch) => BigInt(ch.charCodeAt(0)));
    if (args[1] === '<') bytes.reverse();
    else if (args[1] !== '>') return null;
    const value = bytes.reduce((acc, b) => (acc << 8n) + b, 0n);
    return { text: value.toString(), end: p };
  }
  return null;
}

function groupText(groups: GroupTexts, n: number): string | null {
  if (n <= 0 || n > 9 || n >= groups.length) return null;
  return groups[n] ?? null;
}

/** nmap's getsubstcommandargs: up to 5 arguments, each an integer (strtol base 0) or a "string". */
function commandArguments(template: string, start: number): { args: Argument[]; end: number } | null {
  const args: Argument[] = [];
  let p = start;
  while (p < template.length && template[p] !== ')') {
    while (/\s/.test(template.charAt(p))) p++;
    if (template[p] === ')') break;
    if (args.length === 5) return null;
    if (template[p] === '"') {
      let raw = '';
      for (;;) {
        p++;
        if (p >= template.length) break;
        if (template[p] === '"' && (template[p - 1] !== '\\' || template[p - 2] === '\\')) break;
        if (raw.length >= 127) return null;
        raw += template[p];
      }
      try {
        args.push(unescapeProbeString(raw));
      } catch {
        return null;
      }
      p++;
    } else {
      const m = /^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(template.slice(p));
      if (m === null) return null;
      args.push(Number(m[0].replace(/^([+-]?)0([0-7]+)$/, (_, s: string, o: string) => `${s}0o${o}`)));
      p += m[0].length;
    }
    const next = template.slice(p).search(/[,)]/);
    if (next < 0) return null;
    p += next;
    if (template[p] === ',') p++;
  }
  if (template[p] === ')') p++;
  return { args, end: p };
}

/** CPE 2.2 URI component escaping as nmap's transform_cpe. */
export function transformCpe(s: string): string {
  let out = '';
  for (const ch of s) {
    if (':/?#[]@!$&\'()*+,;=%<>"'.includes(ch))
      out += '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    else if (/[\t\n\v\f\r ]/.test(ch)) out += '_';
    else out += ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
  }
  return out;
}
