/** Where something is in a source text: 0-based offset, 1-based line and column. */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

/** Maps offsets of a (possibly multi-line) text to line:column. */
export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/**
 * A rule expression that does not parse or does not type-check. `detail` says what was wrong and
 * what was expected; the message prefixes it with line:column inside the expression.
 */
export class RuleSyntaxError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(
    readonly source: string,
    readonly offset: number,
    readonly detail: string,
  ) {
    const position = positionAt(source, offset);
    super(`${position.line}:${position.column}: ${detail}`);
    this.name = 'RuleSyntaxError';
    this.line = position.line;
    this.column = position.column;
  }
}
