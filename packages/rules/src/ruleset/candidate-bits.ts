import { CHUNK_RULES } from '../lang/rule-set-function.js';

/**
 * Which rules of a set may match, as bits: the rule at position p is bit p % 31 of word
 * floor(p / 31), one word per generated chunk of rules (CHUNK_RULES), so every word is a small
 * integer. A `RuleBits` is a sparse list of (word, bits) pairs, built once per index key, OR-ed
 * into a per-evaluation words array.
 */
export type RuleBits = Uint32Array;

export function ruleBits(rules: Iterable<number>): RuleBits {
  const words = new Map<number, number>();
  for (const r of rules) {
    const word = Math.floor(r / CHUNK_RULES);
    words.set(word, (words.get(word) ?? 0) | (1 << (r % CHUNK_RULES)));
  }
  const out = new Uint32Array(words.size * 2);
  let i = 0;
  for (const [word, bits] of [...words].sort((a, b) => a[0] - b[0])) {
    out[i++] = word;
    out[i++] = bits;
  }
  return out;
}

export function orInto(words: Uint32Array, bits: RuleBits | undefined): void {
  if (bits === undefined) return;
  for (let i = 0; i < bits.length; i += 2) words[bits[i]] |= bits[i + 1];
}
