import { parseIPv4 } from '@glia/core';
import { ipNumber, type IpRange } from './ip-literal.js';
import { lastAtOrBelow } from './typed-value.js';

/**
 * A set of addresses, CIDRs and ranges (`ip.src in {10.0.0.0/8 192.168.1.1 10.1.0.0..10.1.0.9}`)
 * compiled into sorted, merged ranges per family: membership is a binary search.
 */
export class IpRangeSet {
  private readonly v4Lo: Float64Array;
  private readonly v4Hi: Float64Array;
  private readonly v6Lo: bigint[];
  private readonly v6Hi: bigint[];

  constructor(ranges: readonly IpRange[]) {
    const v4: Array<[number, number]> = [];
    const v6: Array<[bigint, bigint]> = [];
    for (const r of ranges) {
      if (r.family === 4) v4.push([r.lo, r.hi]);
      else v6.push([r.lo, r.hi]);
    }
    const merged4 = merge(v4, (x) => x + 1);
    const merged6 = merge(v6, (x) => x + 1n);
    this.v4Lo = Float64Array.from(merged4, (r) => r[0]);
    this.v4Hi = Float64Array.from(merged4, (r) => r[1]);
    this.v6Lo = merged6.map((r) => r[0]);
    this.v6Hi = merged6.map((r) => r[1]);
  }

  /** Membership of an address string; false for anything that is not an address. */
  has(ip: string): boolean {
    if (!ip.includes(':')) {
      const v4 = parseIPv4(ip);
      return v4 !== null && within(this.v4Lo, this.v4Hi, v4);
    }
    const n = ipNumber(ip);
    return n !== null && n.family === 6 && within(this.v6Lo, this.v6Hi, n.value);
  }
}

/** Sorts and merges overlapping or adjacent ranges (`next(x)` is x + 1). */
function merge<T extends number | bigint>(ranges: Array<[T, T]>, next: (x: T) => T): Array<[T, T]> {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[T, T]> = [];
  for (const [lo, hi] of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= next(last[1])) {
      if (hi > last[1]) last[1] = hi;
    } else out.push([lo, hi]);
  }
  return out;
}

function within<T extends number | bigint>(lo: ArrayLike<T>, hi: ArrayLike<T>, value: T): boolean {
  const i = lastAtOrBelow(lo, value);
  return i >= 0 && value <= hi[i];
}
