/**
 * A set of byte values 0-255. nmap matches its regexes against raw bytes (PCRE2's 8-bit library
 * without UTF), so every character class, escape and literal of a pattern is a set of bytes; the
 * JavaScript side sees each byte as one latin1 character.
 */
export class ByteSet {
  private readonly words = new Uint32Array(8);

  static of(...bytes: number[]): ByteSet {
    const s = new ByteSet();
    for (const b of bytes) s.add(b);
    return s;
  }

  static range(lo: number, hi: number): ByteSet {
    return new ByteSet().addRange(lo, hi);
  }

  static all(): ByteSet {
    return ByteSet.range(0, 255);
  }

  add(b: number): this {
    this.words[b >>> 5] |= 1 << (b & 31);
    return this;
  }

  addRange(lo: number, hi: number): this {
    for (let b = lo; b <= hi; b++) this.add(b);
    return this;
  }

  addSet(other: ByteSet): this {
    for (let i = 0; i < 8; i++) this.words[i] |= other.words[i];
    return this;
  }

  has(b: number): boolean {
    return b >= 0 && b <= 255 && (this.words[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  complement(): ByteSet {
    const s = new ByteSet();
    for (let i = 0; i < 8; i++) s.words[i] = ~this.words[i];
    return s;
  }

  /** The set with each ASCII letter's other case added (PCRE's default tables fold ASCII only). */
  caseFolded(): ByteSet {
    const s = new ByteSet().addSet(this);
    for (let b = 0x41; b <= 0x5a; b++) {
      if (this.has(b)) s.add(b + 0x20);
      if (this.has(b + 0x20)) s.add(b);
    }
    return s;
  }

  get size(): number {
    let n = 0;
    for (let b = 0; b < 256; b++) if (this.has(b)) n++;
    return n;
  }

  isEmpty(): boolean {
    return this.words.every((w) => w === 0);
  }

  isFull(): boolean {
    return this.words.every((w) => w === 0xffffffff);
  }

  /** The single member, or -1 when the set has none or several. */
  single(): number {
    let found = -1;
    for (let b = 0; b < 256; b++) {
      if (!this.has(b)) continue;
      if (found >= 0) return -1;
      found = b;
    }
    return found;
  }

  /** Inclusive [lo, hi] runs of members, ascending. */
  ranges(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let b = 0;
    while (b < 256) {
      if (!this.has(b)) {
        b++;
        continue;
      }
      const lo = b;
      while (b + 1 < 256 && this.has(b + 1)) b++;
      out.push([lo, b]);
      b++;
    }
    return out;
  }
}

/** PCRE2's \d, \w, \s, \h, \v without UCP, as its default ("C" locale) tables define them. */
export const DIGITS = ByteSet.range(0x30, 0x39);
export const WORD = ByteSet.range(0x30, 0x39).addRange(0x41, 0x5a).addRange(0x61, 0x7a).add(0x5f);
/** \s: HT, LF, VT, FF, CR, space. JavaScript's \s adds 0xA0 (and Unicode spaces). */
export const SPACE = ByteSet.range(0x09, 0x0d).add(0x20);
/** \h: HT, space, NBSP. */
export const HSPACE = ByteSet.of(0x09, 0x20, 0xa0);
/** \v in PCRE is a class (LF, VT, FF, CR, NEL), not JavaScript's single vertical tab. */
export const VSPACE = ByteSet.range(0x0a, 0x0d).add(0x85);
export const NEWLINE = 0x0a;

/** POSIX bracket classes inside [...] (ASCII, as in the "C" locale). */
export const POSIX_CLASSES: Readonly<Record<string, ByteSet>> = {
  alnum: ByteSet.range(0x30, 0x39).addRange(0x41, 0x5a).addRange(0x61, 0x7a),
  alpha: ByteSet.range(0x41, 0x5a).addRange(0x61, 0x7a),
  ascii: ByteSet.range(0, 0x7f),
  blank: ByteSet.of(0x09, 0x20),
  cntrl: ByteSet.range(0, 0x1f).add(0x7f),
  digit: DIGITS,
  graph: ByteSet.range(0x21, 0x7e),
  lower: ByteSet.range(0x61, 0x7a),
  print: ByteSet.range(0x20, 0x7e),
  punct: ByteSet.range(0x21, 0x2f).addRange(0x3a, 0x40).addRange(0x5b, 0x60).addRange(0x7b, 0x7e),
  space: SPACE,
  upper: ByteSet.range(0x41, 0x5a),
  word: WORD,
  xdigit: ByteSet.range(0x30, 0x39).addRange(0x41, 0x46).addRange(0x61, 0x66),
};
