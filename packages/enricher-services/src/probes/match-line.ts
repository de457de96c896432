/** nmap's version fields: `p/ v/ i/ h/ o/ d/` and `cpe:/.../`. */
export interface VersionFields {
  product?: string;
  version?: string;
  info?: string;
  hostname?: string;
  os?: string;
  deviceType?: string;
  cpe: string[];
}

/**
 * The version templates of a match line: raw text, substituted when the line matches. `cpe` holds
 * each `cpe:/...` template with its `cpe:/` prefix, in line order.
 */
export type VersionTemplates = VersionFields;

/** One `match` or `softmatch` line. */
export interface MatchLine {
  line: number;
  soft: boolean;
  service: string;
  /** The PCRE2 pattern text, exactly as between the delimiters. */
  pattern: string;
  caseless: boolean;
  dotall: boolean;
  templates: VersionTemplates;
}

const FIELDS: Readonly<Record<string, Exclude<keyof VersionTemplates, 'cpe'>>> = {
  p: 'product',
  v: 'version',
  i: 'info',
  h: 'hostname',
  o: 'os',
  d: 'deviceType',
};

interface Template {
  mode: string;
  text: string;
  flags: string;
  end: number;
}

/**
 * Reads the next `X<d>text<d>flags` item from `pos` as nmap's next_template does: up to three
 * letters name it, `cpe:` keeps its text with the prefix, any character delimits, up to three
 * letters of flags may follow, then whitespace or the end of the line.
 */
function nextTemplate(text: string, pos: number): Template | null {
  while (pos < text.length && /\s/.test(text[pos])) pos++;
  if (pos >= text.length) return null;
  const mode = /^[A-Za-z]{0,3}/.exec(text.slice(pos))![0];
  let q = pos + mode.length;
  let start: number;
  let prefix = '';
  if (mode === 'cpe' && text[q] === ':') {
    // nmap 7.93 (Debian 12) takes any delimiter here (its file has cpe:|h:...|); the text is kept
    // as a cpe:/ name either way.
    q++;
    if (q >= text.length || /\s/.test(text[q]))
      throw new Error(`column ${q + 1}: cpe template without a delimiter`);
    prefix = 'cpe:/';
    start = q + 1;
  } else {
    if (q >= text.length || /\s/.test(text[q]))
      throw new Error(`column ${pos + 1}: bare word ${JSON.stringify(text.slice(pos, q + 10))}`);
    start = q + 1;
  }
  const delimiter = text[q];
  const close = text.indexOf(delimiter, q + 1);
  if (close < 0) throw new Error(`column ${q + 1}: missing end delimiter ${JSON.stringify(delimiter)}`);
  const flags = /^[A-Za-z]{0,3}/.exec(text.slice(close + 1))![0];
  const end = close + 1 + flags.length;
  if (end < text.length && !/\s/.test(text[end]))
    throw new Error(`column ${end + 1}: flags too long after ${mode} template`);
  return { mode, text: prefix + text.slice(start, close), flags, end };
}

/** Parses a whole `match`/`softmatch` line; throws an Error naming the column on a bad line. */
export function parseMatchLine(raw: string, line: number): MatchLine {
  const soft = raw.startsWith('softmatch ');
  let pos = soft ? 10 : 6;
  while (raw[pos] === ' ') pos++;
  const space = raw.indexOf(' ', pos);
  if (space < 0) throw new Error('could not find the service name');
  const service = raw.slice(pos, space);
  const regex = nextTemplate(raw, space);
  if (regex === null || regex.mode !== 'm')
    throw new Error(`column ${space + 2}: the pattern must be written m<d>...<d>`);
  let caseless = false;
  let dotall = false;
  for (const f of regex.flags) {
    if (f === 'i') caseless = true;
    else if (f === 's') dotall = true;
    else throw new Error(`illegal regexp option ${JSON.stringify(f)}`);
  }
  const templates: VersionTemplates = { cpe: [] };
  pos = regex.end;
  for (let t = nextTemplate(raw, pos); t !== null; t = nextTemplate(raw, pos)) {
    pos = t.end;
    if (t.mode === 'cpe') {
      templates.cpe.push(t.text);
      continue;
    }
    const field = FIELDS[t.mode];
    if (field === undefined) throw new Error(`unknown template specifier ${JSON.stringify(t.mode)}`);
    templates[field] = t.text;
  }
  return { line, soft, service, pattern: regex.text, caseless, dotall, templates };
}
