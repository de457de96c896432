/**
 * Shannon entropy of a count distribution, kept incrementally. With N the total and c_i the counts,
 * H = log2 N − (Σ c_i·log2 c_i) / N, so only the sum S = Σ c·log2 c has to follow each change.
 */
export class PortEntropy {
  private sum = 0;
  private total = 0;
  private changes = 0;

  /** Call when one key's count goes from `before` to `after` (either may be 0). */
  change(before: number, after: number): void {
    this.sum += xlog2x(after) - xlog2x(before);
    this.total += after - before;
    this.changes++;
  }

  /**
   * Float additions drift; recomputing S from the counts after as many changes as there are keys
   * keeps the error tiny at an amortized O(1) per change.
   */
  needsExactSum(keys: number): boolean {
    return this.changes > keys + 64;
  }

  resetSum(counts: Iterable<number>): void {
    let sum = 0;
    let total = 0;
    for (const c of counts) {
      sum += xlog2x(c);
      total += c;
    }
    this.sum = sum;
    this.total = total;
    this.changes = 0;
  }

  /** Entropy in bits; 0 for an empty or single-key distribution. */
  bits(): number {
    if (this.total <= 1) return 0;
    const h = Math.log2(this.total) - this.sum / this.total;
    return h > 0 ? h : 0;
  }
}

/** The field's integer: H × 100 rounded to nearest, halves up; 1e-9 absorbs float error at halves. */
export function entropyX100(bits: number): number {
  return Math.floor(bits * 100 + 0.5 + 1e-9);
}

/** Entropy in bits of a list of counts, computed directly (the reference for tests). */
export function shannonBits(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log2(c / total);
  return h;
}

const TABLE_SIZE = 4096;
const table = new Float64Array(TABLE_SIZE);
for (let c = 2; c < TABLE_SIZE; c++) table[c] = c * Math.log2(c);

function xlog2x(c: number): number {
  return c < TABLE_SIZE ? table[c] : c * Math.log2(c);
}
