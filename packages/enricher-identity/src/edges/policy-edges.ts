/**
 * The declared-edges ("policy-edges") text format of DESIGN §7, one line each:
 *
 *     E <srcns>/<srcwl> > <dstns>/<dstwl> : <port|*>     (either side may be *\/*)
 *     G <dstns>/<dstwl>                                   (destination is ingress-governed)
 *     S <srcns>/<srcwl>                                   (source is egress-governed)
 *
 * An endpoint is `ns/wl`, `ns/*` (any workload of a namespace) or `*\/*` (anything, unknown
 * addresses included). Blank lines and lines starting with `#` are ignored.
 */
export type EdgeLine =
  | { kind: 'E'; src: string; dst: string; port: number | '*' }
  | { kind: 'G'; dst: string }
  | { kind: 'S'; src: string };

export interface EdgesProblem {
  file?: string;
  line: number;
  column: number;
  message: string;
}

export function formatEdgesProblem(p: EdgesProblem): string {
  return `${p.file === undefined ? '' : `${p.file}:`}${p.line}:${p.column}: ${p.message}`;
}

const NAME = /^[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?$/;

/** Checks an endpoint pattern; null when good, else what is wrong. */
function endpointProblem(text: string): string | null {
  if (text === '*/*') return null;
  const slash = text.indexOf('/');
  if (slash < 0) return `expected <namespace>/<workload>, */* or <namespace>/*, found "${text}"`;
  const ns = text.slice(0, slash);
  const wl = text.slice(slash + 1);
  if (ns === '*') return `"${text}": a wildcard namespace needs a wildcard workload (*/*)`;
  if (!NAME.test(ns)) return `"${ns}" is not a namespace name`;
  if (wl !== '*' && !NAME.test(wl)) return `"${wl}" is not a workload name`;
  return null;
}

/** The canonical text of a line: the form deltas add and remove by. */
export function edgeLineText(line: EdgeLine): string {
  if (line.kind === 'E') return `E ${line.src} > ${line.dst} : ${line.port}`;
  return line.kind === 'G' ? `G ${line.dst}` : `S ${line.src}`;
}

/** Parses one line; null for a blank line or a comment. Columns are 1-based. */
export function parseEdgeLine(text: string): { line: EdgeLine | null } | { column: number; message: string } {
  const tokens: Array<{ text: string; column: number }> = [];
  for (const m of text.matchAll(/\S+/g)) tokens.push({ text: m[0], column: (m.index ?? 0) + 1 });
  if (tokens.length === 0 || tokens[0].text.startsWith('#')) return { line: null };
  const [kind, ...rest] = tokens;
  const endpointAt = (t: { text: string; column: number } | undefined, what: string, column: number) => {
    if (t === undefined) return { column, message: `expected the ${what} (<namespace>/<workload>)` };
    const problem = endpointProblem(t.text);
    return problem === null ? null : { column: t.column, message: problem };
  };
  const end = text.length + 1;
  const extra = (t: { text: string; column: number } | undefined) =>
    t === undefined
      ? null
      : { column: t.column, message: `unexpected "${t.text}" after the end of the line` };
  if (kind.text === 'G' || kind.text === 'S') {
    const what = kind.text === 'G' ? 'destination' : 'source';
    const bad = endpointAt(rest[0], what, end) ?? extra(rest[1]);
    if (bad !== null) return bad;
    return { line: kind.text === 'G' ? { kind: 'G', dst: rest[0].text } : { kind: 'S', src: rest[0].text } };
  }
  if (kind.text !== 'E')
    return { column: kind.column, message: `unknown line kind "${kind.text}"; expected E, G or S` };
  const [src, arrow, dst, colon, port] = rest;
  const bad =
    endpointAt(src, 'source', end) ??
    (arrow?.text === '>'
      ? null
      : { column: arrow?.column ?? end, message: `expected ">" after the source` }) ??
    endpointAt(dst, 'destination', end) ??
    (colon?.text === ':'
      ? null
      : { column: colon?.column ?? end, message: `expected ":" after the destination` }) ??
    portProblem(port, end) ??
    extra(rest[5]);
  if (bad !== null) return bad;
  return {
    line: { kind: 'E', src: src.text, dst: dst.text, port: port.text === '*' ? '*' : Number(port.text) },
  };
}

function portProblem(t: { text: string; column: number } | undefined, end: number) {
  if (t === undefined) return { column: end, message: 'expected a port (1-65535) or * after ":"' };
  if (t.text === '*') return null;
  const n = /^\d{1,5}$/.test(t.text) ? Number(t.text) : NaN;
  if (!(n >= 1 && n <= 65_535))
    return { column: t.column, message: `"${t.text}" is not a port (1-65535) or *` };
  return null;
}

/** Parses a whole file: every line with a problem is reported; the good lines are kept. */
export function parsePolicyEdges(
  text: string,
  file?: string,
): { lines: EdgeLine[]; problems: EdgesProblem[] } {
  const lines: EdgeLine[] = [];
  const problems: EdgesProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const parsed = parseEdgeLine(raw);
    if ('message' in parsed)
      problems.push({ file, line: i + 1, column: parsed.column, message: parsed.message });
    else if (parsed.line !== null) lines.push(parsed.line);
  });
  return { lines, problems };
}
