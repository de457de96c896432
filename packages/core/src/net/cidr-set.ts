import { parseIPv4, parseIPv6 } from './ip.js';

export interface Cidr {
  family: 4 | 6;
  /** Network address bytes (4 or 16), host bits cleared. */
  address: Uint8Array;
  prefix: number;
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). Null on bad input. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : null;
  let address: Uint8Array;
  let family: 4 | 6;
  if (addressText.includes(':')) {
    const v6 = parseIPv6(addressText);
    if (v6 === null) return null;
    address = v6;
    family = 6;
  } else {
    const v4 = parseIPv4(addressText);
    if (v4 === null) return null;
    address = new Uint8Array([v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255]);
    family = 4;
  }
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > max) return null;
  }
  for (let bit = prefix; bit < max; bit++) address[bit >> 3] &= ~(0x80 >> (bit & 7));
  return { family, address, prefix };
}

/**
 * A set of CIDRs compiled into sorted, merged, disjoint ranges: membership is a binary search,
 * O(log n) whatever the number of prefixes. IPv6 ranges are kept as four 32-bit words each.
 */
export class CidrSet {
  private readonly v4Start: Uint32Array;
  private readonly v4End: Uint32Array;
  private readonly v6Start: Uint32Array;
  private readonly v6End: Uint32Array;
  readonly size: number;

  private constructor(v4: Array<[number, number]>, v6: Array<[Uint32Array, Uint32Array]>, size: number) {
    this.v4Start = Uint32Array.from(v4, (r) => r[0]);
    this.v4End = Uint32Array.from(v4, (r) => r[1]);
    this.v6Start = new Uint32Array(v6.length * 4);
    this.v6End = new Uint32Array(v6.length * 4);
    v6.forEach(([s, e], i) => {
      this.v6Start.set(s, i * 4);
      this.v6End.set(e, i * 4);
    });
    this.size = size;
  }

  static empty(): CidrSet {
    return new CidrSet([], [], 0);
  }

  /** Compiles a list of CIDR strings; throws a RangeError naming the first bad entry. */
  static parse(entries: readonly string[]): CidrSet {
    const cidrs = entries.map((entry, index) => {
      const cidr = parseCidr(entry);
      if (cidr === null) throw new RangeError(`entry ${index} ${JSON.stringify(entry)} is not an IP or CIDR`);
      return cidr;
    });
    return CidrSet.from(cidrs);
  }

  static from(cidrs: readonly Cidr[]): CidrSet {
    const v4: Array<[number, number]> = [];
    const v6: Array<[Uint32Array, Uint32Array]> = [];
    for (const c of cidrs) {
      if (c.family === 4) {
        const start =
          ((c.address[0] << 24) | (c.address[1] << 16) | (c.address[2] << 8) | c.address[3]) >>> 0;
        const hostBits = 32 - c.prefix;
        const end = hostBits === 32 ? 0xffffffff : (start + 2 ** hostBits - 1) >>> 0;
        v4.push([start, end]);
      } else {
        const start = wordsOf(c.address);
        const end = Uint32Array.from(start);
        for (let bit = c.prefix; bit < 128; bit++) end[bit >> 5] |= 0x80000000 >>> (bit & 31);
        v6.push([start, end]);
      }
    }
    return new CidrSet(mergeV4(v4), mergeV6(v6), cidrs.length);
  }

  /** Membership of an address string; false for anything that is not an address. */
  has(ip: string): boolean {
    if (ip.includes(':')) {
      const bytes = parseIPv6(ip);
      return bytes !== null && this.hasV6(bytes);
    }
    const v4 = parseIPv4(ip);
    return v4 !== null && this.hasV4(v4);
  }

  hasV4(value: number): boolean {
    const starts = this.v4Start;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= value) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && value <= this.v4End[hi];
  }

  hasV6(bytes: Uint8Array): boolean {
    const words = wordsOf(bytes);
    let lo = 0;
    let hi = this.v6Start.length / 4 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(this.v6Start, mid * 4, words, 0) <= 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && compareWords(words, 0, this.v6End, hi * 4) <= 0;
  }
}

function wordsOf(bytes: Uint8Array): Uint32Array {
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    w[i] =
      ((bytes[i * 4] << 24) | (bytes[i * 4 + 1] << 16) | (bytes[i * 4 + 2] << 8) | bytes[i * 4 + 3]) >>> 0;
  }
  return w;
}

function compareWords(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  for (let i = 0; i < 4; i++) {
    if (a[ai + i] !== b[bi + i]) return a[ai + i] < b[bi + i] ? -1 : 1;
  }
  return 0;
}

function mergeV4(ranges: Array<[number, number]>): Array<[number, number]> {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function mergeV6(ranges: Array<[Uint32Array, Uint32Array]>): Array<[Uint32Array, Uint32Array]> {
  ranges.sort((a, b) => compareWords(a[0], 0, b[0], 0));
  const out: Array<[Uint32Array, Uint32Array]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    // Ranges are CIDR-aligned, so they either nest or are disjoint; adjacency merging is optional.
    if (last !== undefined && compareWords(r[0], 0, last[1], 0) <= 0) {
      if (compareWords(r[1], 0, last[1], 0) > 0) last[1] = r[1];
    } else out.push([r[0], r[1]]);
  }
  return out;
}
