import { parseYamlDocument } from '@glia/core';
import { LineCounter, type Document, type Node, type Scalar } from 'yaml';

export interface FilePosition {
  line: number;
  column: number;
}

/**
 * A parsed YAML (or JSON) document that knows where its nodes are, and where each character of a
 * string scalar came from, so an error inside a rule expression points into the file.
 */
export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(readonly text: string) {
    this.doc = parseYamlDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  positionOf(offset: number): FilePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  nodePosition(node: Node | null | undefined): FilePosition | undefined {
    return node?.range ? this.positionOf(node.range[0]) : undefined;
  }

  /** Position in the file of the character at `index` of a string scalar's value. */
  scalarCharPosition(node: Scalar, index: number): FilePosition | undefined {
    const map = this.offsetMap(node);
    if (map === null) return undefined;
    if (map.length === 0) return this.nodePosition(node);
    return this.positionOf(index < map.length ? map[index] : map[map.length - 1] + 1);
  }

  /** value index → file offset, or null when the scalar's style is not mapped exactly. */
  private offsetMap(node: Scalar): number[] | null {
    if (node.range === undefined || node.range === null || typeof node.value !== 'string') return null;
    const [start, end] = node.range;
    const raw = this.text.slice(start, end);
    let decoded: { text: string; map: number[] } | null = null;
    if (node.type === 'PLAIN' && !raw.includes('\n'))
      decoded = { text: raw, map: raw.split('').map((_, i) => start + i) };
    else if (node.type === 'QUOTE_SINGLE' && !raw.includes('\n')) decoded = singleQuoted(raw, start);
    else if (node.type === 'QUOTE_DOUBLE' && !raw.includes('\n')) decoded = doubleQuoted(raw, start);
    else if (node.type === 'BLOCK_LITERAL') decoded = blockLiteral(raw, start);
    if (decoded === null || !decoded.text.startsWith(node.value)) return null;
    return decoded.map;
  }
}

function singleQuoted(raw: string, start: number): { text: string; map: number[] } {
  let text = '';
  const map: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    text += raw[i];
    map.push(start + i);
    if (raw[i] === "'" && raw[i + 1] === "'") i++;
  }
  return { text, map };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  b: '\b',
  f: '\f',
  e: '\x1b',
  ' ': ' ',
};

function doubleQuoted(raw: string, start: number): { text: string; map: number[] } | null {
  let text = '';
  const map: number[] = [];
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i];
    map.push(start + i);
    if (c !== '\\') {
      text += c;
      continue;
    }
    const next = raw[i + 1];
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const code = String.fromCodePoint(parseInt(raw.slice(i + 2, i + 2 + hexLength), 16));
      text += code;
      if (code.length === 2) map.push(start + i);
      i += 1 + hexLength;
    } else if (SIMPLE_ESCAPES[next] !== undefined) {
      text += SIMPLE_ESCAPES[next];
      i++;
    } else return null;
  }
  return { text, map };
}

/** `|` blocks without an explicit indentation indicator: each line loses the common indent. */
function blockLiteral(raw: string, start: number): { text: string; map: number[] } | null {
  const headerEnd = raw.indexOf('\n');
  if (headerEnd < 0 || /\d/.test(raw.slice(0, headerEnd))) return null;
  const lines: Array<{ offset: number; text: string }> = [];
  let at = headerEnd + 1;
  for (const line of raw.slice(headerEnd + 1).split('\n')) {
    lines.push({ offset: start + at, text: line });
    at += line.length + 1;
  }
  const first = lines.find((l) => l.text.trim() !== '');
  if (first === undefined) return null;
  const indent = first.text.length - first.text.trimStart().length;
  let text = '';
  const map: number[] = [];
  for (const line of lines) {
    const content = line.text.slice(indent);
    for (let i = 0; i < content.length; i++) {
      text += content[i];
      map.push(line.offset + indent + i);
    }
    text += '\n';
    map.push(line.offset + Math.max(line.text.length, indent));
  }
  return { text, map };
}
