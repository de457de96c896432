import type { Document, DocumentOptions, ParseOptions, ToJSOptions } from 'yaml';
import { yaml } from './yaml-module.js';

/**
 * Limits on YAML (and JSON) input: configs, rule files, rule test files, inventories. Hostile
 * text (aliases that expand exponentially, nesting thousands deep, a file of gigabytes) is bad
 * input with a plain, located message, never an internal stack overflow or a memory blow-up.
 */
export const YAML_LIMITS = {
  /** Nesting of mappings and sequences, block and flow together. glia's own files need < 10. */
  maxDepth: 64,
  /** Alias nodes resolved when converting to plain values (the yaml package's own guard). */
  maxAliasCount: 100,
  /** Bytes of one file. */
  maxBytes: 32 * 1024 * 1024,
} as const;

export interface YamlLimitProblem {
  /** Offset in the text where the limit was passed. */
  offset: number;
  message: string;
}

/**
 * Checks the text against the size and nesting limits before it is parsed (the parser itself
 * recurses per level). Block nesting is followed by indentation and leading "- ", flow nesting by
 * brackets outside quoted strings and comments.
 */
export function yamlLimitProblem(text: string): YamlLimitProblem | null {
  if (text.length > YAML_LIMITS.maxBytes) {
    return { offset: 0, message: `the file is larger than ${YAML_LIMITS.maxBytes} bytes` };
  }
  const indents: number[] = [];
  let flow = 0;
  let quote: string | null = null;
  let lineStart = true;
  let indent = 0;
  let dashes = 0;
  let blockDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    // Inside a quoted scalar (which may span lines) only its closing quote counts.
    if (quote !== null) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      dashes = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        indent++;
        continue;
      }
      if (c === '#' || c === '\r') {
        lineStart = false;
        i = skipLine(text, i);
        continue;
      }
      lineStart = false;
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        blockDepth = indents.length;
      }
    }
    if (
      c === '-' &&
      (text[i + 1] === ' ' || text[i + 1] === '\n') &&
      flow === 0 &&
      onlyDashesBefore(text, i)
    ) {
      dashes++;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      i = skipLine(text, i);
      continue;
    } else if (c === '"' || c === "'") {
      if (isValueStart(text, i)) quote = c;
    } else if (c === '[' || c === '{') {
      flow++;
    } else if ((c === ']' || c === '}') && flow > 0) {
      flow--;
    }
    if (blockDepth + dashes + flow > YAML_LIMITS.maxDepth) {
      return { offset: i, message: `nesting deeper than ${YAML_LIMITS.maxDepth} levels` };
    }
  }
  return null;
}

/** The document as plain values, with the alias limit; a plain message instead of a throw. */
export function yamlToValues(doc: Document): { value: unknown } | { problem: string } {
  const options: ToJSOptions = { maxAliasCount: YAML_LIMITS.maxAliasCount };
  try {
    return { value: doc.toJS(options) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Excessive alias count/.test(message)) {
      return {
        problem: `aliases expand to more than ${YAML_LIMITS.maxAliasCount} nodes (an alias bomb); write the values out`,
      };
    }
    return { problem: message.split('\n')[0] };
  }
}

function skipLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return (end < 0 ? text.length : end) - 1;
}

function onlyDashesBefore(text: string, i: number): boolean {
  for (let j = i - 1; j >= 0 && text[j] !== '\n'; j--) {
    if (text[j] !== ' ' && text[j] !== '-') return false;
  }
  return true;
}

/** A quote opens a quoted scalar only where a value may start (not inside a plain word: don't). */
function isValueStart(text: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const p = text[j];
    if (p === ' ' || p === '\t') continue;
    return p === '\n' || p === ':' || p === '-' || p === '[' || p === '{' || p === ',' || p === '?';
  }
  return true;
}

/**
 * parseDocument with the limits: text over them is not parsed; the document returned is empty and
 * its errors say why and where (code RESOURCE_EXHAUSTION, with the line and column).
 */
export function parseYamlDocument(text: string, options: DocumentOptions & ParseOptions = {}): Document {
  const problem = yamlLimitProblem(text);
  if (problem === null) return yaml().parseDocument(text, options);
  const doc = yaml().parseDocument('', options);
  // The caller's line counter still maps offsets of the real text to lines.
  const counter = options.lineCounter;
  if (counter !== undefined) {
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) counter.addNewLine(at + 1);
  }
  const error = new (yaml().YAMLParseError)(
    [problem.offset, problem.offset + 1],
    'RESOURCE_EXHAUSTION',
    problem.message,
  );
  const before = text.slice(0, problem.offset);
  const line = before.split('\n').length;
  error.linePos = [{ line, col: problem.offset - before.lastIndexOf('\n') }];
  doc.errors.push(error);
  return doc;
}
