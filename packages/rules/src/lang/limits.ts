/**
 * Limits on one expression, checked while parsing, so that no rule (however it was written) can
 * exhaust the stack or the compiler: a rule over a limit is a compile error at the position where
 * it goes over (README "Limits").
 */

/** Parentheses, `not`/`!`, function calls and any()/all() nested in one another; wirefilter's default. */
export const MAX_NESTING_DEPTH = 128;

/** Comparisons (including bare Bool values) in one expression. */
export const MAX_COMPARISONS = 1024;

/** Characters in one expression. */
export const MAX_EXPRESSION_LENGTH = 65_536;

/** `#`s around a raw string (`r#"..."#`); wirefilter's limit. */
export const MAX_RAW_STRING_HASHES = 255;
