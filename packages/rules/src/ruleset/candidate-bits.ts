/**
 * Which rules of a set may match, as bits: rule i is bit (i % 32) of word floor(i / 32). A
 * `RuleBits` is a sparse list of (word, bits) pairs, built once per index key, OR-ed into a
 * per-evaluation words array.
 */
export type RuleBits = Uint32Array;

export function ruleBits(rules: Iterable<number>): RuleBits {
  const words = new Map<number, number>();
  for (const r of rules) words.set(r >>> 5, ((words.get(r >>> 5) ?? 0) | (1 << (r & 31))) >>> 0);
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

/** The rules of several bit sets together. */
export function unionBits(sets: readonly RuleBits[]): RuleBits {
  const rules: number[] = [];
  for (const s of sets) {
    for (let i = 0; i < s.length; i += 2) {
      for (let b = 0; b < 32; b++) if ((s[i + 1] >>> b) & 1) rules.push(s[i] * 32 + b);
    }
  }
  return ruleBits(rules);
}
