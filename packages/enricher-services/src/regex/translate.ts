import type { ByteSet } from './byte-set.js';
import { emitJavaScript } from './js-emitter.js';
import { PcreSyntaxError } from './pcre-ast.js';
import {
  anchoredFirstBytes,
  backtrackingBound,
  checkBackReferences,
  groupsClearedByRepeats,
  minLength,
  type BacktrackingBound,
} from './pcre-analysis.js';
import { parsePcre, type PcreFlags } from './pcre-parser.js';

/** A PCRE2 pattern translated to a JavaScript RegExp with the same answers on latin1 subjects. */
export interface TranslatedPattern {
  regex: RegExp;
  /** groupMap[n]: the JavaScript group holding PCRE group n. */
  groupMap: readonly number[];
  groupCount: number;
  /** For patterns anchored at the start: the bytes a match can begin with. */
  firstBytes: ByteSet | null;
  /** Fewest bytes any match consumes. */
  minLength: number;
  /**
   * Groups inside a repetition that an iteration may leave unset: PCRE2 keeps their value from an
   * earlier iteration, JavaScript does not, so a `$n` of one of these may differ.
   */
  clearedByRepeats: readonly number[];
  /** A match attempt costs at most about factor × n^degree steps (degree Infinity: no bound). */
  backtracking: BacktrackingBound;
}

export type TranslationOutcome =
  { ok: true; pattern: TranslatedPattern } | { ok: false; error: PcreSyntaxError };

/** Parses, checks and compiles one pattern; never throws. */
export function translatePcre(source: string, flags: PcreFlags = {}): TranslationOutcome {
  try {
    const parsed = parsePcre(source, flags);
    checkBackReferences(parsed.root);
    const emitted = emitJavaScript(parsed.root, parsed.groupCount);
    let regex: RegExp;
    try {
      regex = new RegExp(emitted.source);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        error: new PcreSyntaxError(`JavaScript rejects the translation: ${message}`, 0, true),
      };
    }
    return {
      ok: true,
      pattern: {
        regex,
        groupMap: emitted.groupMap,
        groupCount: parsed.groupCount,
        firstBytes: anchoredFirstBytes(parsed.root),
        minLength: minLength(parsed.root),
        clearedByRepeats: groupsClearedByRepeats(parsed.root),
        backtracking: backtrackingBound(parsed.root),
      },
    };
  } catch (error) {
    if (error instanceof PcreSyntaxError) return { ok: false, error };
    throw error;
  }
}

/**
 * Runs the pattern on a latin1 subject. Returns null when it does not match, else the text of each
 * PCRE group (index 0: the whole match; undefined: the group is unset).
 */
export function execPattern(pattern: TranslatedPattern, subject: string): Array<string | undefined> | null {
  const m = pattern.regex.exec(subject);
  if (m === null) return null;
  const groups: Array<string | undefined> = [m[0]];
  for (let n = 1; n <= pattern.groupCount; n++) groups.push(m[pattern.groupMap[n]]);
  return groups;
}
