import { PcreSyntaxError } from './pcre-ast.js';

/** A position in a pattern's text, with the counts the escapes need, and located errors. */
export class PatternCursor {
  pos = 0;
  /** Capture groups opened so far (decides whether \\12 is a back reference or octal). */
  groupCount = 0;

  constructor(readonly src: string) {}

  peek(offset = 0): string {
    return this.src.charAt(this.pos + offset);
  }

  error(message: string, at = this.pos, unsupported = false): PcreSyntaxError {
    return new PcreSyntaxError(message, at, unsupported);
  }

  unsupported(what: string, at = this.pos): PcreSyntaxError {
    return this.error(`${what} is not supported by the JavaScript translation`, at, true);
  }
}
